/** Bearer tokens with a role each. Comparison is constant-time so tokens cannot be guessed byte by byte. */
import { timingSafeEqual } from 'node:crypto';

export type Role = 'read-write' | 'read-only';

export interface TokenSpec {
  token: string;
  role: Role;
}

/** `rw:SECRET` / `ro:SECRET` (as given on the command line or in CODEGRAPH_CACHE_TOKENS). */
export function parseTokenSpec(spec: string): TokenSpec {
  const i = spec.indexOf(':');
  const kind = spec.slice(0, i);
  const token = spec.slice(i + 1);
  if (i < 0 || !token || (kind !== 'rw' && kind !== 'ro')) throw new Error(`token must be rw:SECRET or ro:SECRET, got '${spec}'`);
  return { token, role: kind === 'rw' ? 'read-write' : 'read-only' };
}

export class Auth {
  private readonly tokens: { buf: Buffer; role: Role }[];

  constructor(tokens: readonly TokenSpec[], private readonly anonymous: Role | undefined) {
    this.tokens = tokens.map((t) => ({ buf: Buffer.from(t.token), role: t.role }));
  }

  /** The role of an Authorization header, or undefined (→ 401). */
  roleOf(header: string | undefined): Role | undefined {
    if (!header) return this.anonymous;
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) return undefined;
    const given = Buffer.from(m[1]!.trim());
    let role: Role | undefined;
    for (const t of this.tokens) if (t.buf.length === given.length && timingSafeEqual(t.buf, given)) role = t.role;
    return role;
  }
}

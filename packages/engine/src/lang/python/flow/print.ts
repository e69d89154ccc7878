/**
 * A scope's flow as reviewable text (tests assert on it; the CLI and docs reuse it):
 *
 *     B0 `x = 1` `c` -> B1 [true], B2 [false]      a block, its statements, its out-edges (`normal` unlabelled)
 *     idom B0:B0 B1:B0 B2:B0 B3:-                 immediate dominators (`-`: unreachable)
 *     x.2 = phi(x.0 @B1, x.1 @B2) B3               an SSA definition: name.version, kind, block, position
 *     use x@4:10 -> x.2                            a read and the definition that reaches it
 *
 * Versions count each name's definitions in id order from 0; positions are line:column (line from 1, column from 0).
 */
import type { FileFlow, ScopeFlow } from './model';
import { lineAt, lineStarts } from '../../../util/lines';

const MAX_STMT = 40;

function position(ls: number[], at: number): string {
  const line = lineAt(ls, at);
  return `${line + 1}:${at - ls[line]!}`;
}

function snippet(text: string, [s, e]: [number, number]): string {
  let t = text.slice(s, e).replace(/\s+/g, ' ').trim();
  if (t.endsWith(':')) t = t.slice(0, -1).trimEnd();
  return t.length > MAX_STMT ? t.slice(0, MAX_STMT - 1) + '…' : t;
}

export function printCfg(scope: ScopeFlow, text: string): string[] {
  const out: string[] = [];
  const succ: string[][] = scope.blocks.map(() => []);
  for (const e of scope.edges) succ[e.from]!.push(e.kind === 'normal' ? `B${e.to}` : `B${e.to} [${e.kind}]`);
  for (const b of scope.blocks) {
    let line = `B${b.id}`;
    if (b.id === scope.exit) line += ' exit';
    for (const s of b.stmts) line += ` \`${snippet(text, s)}\``;
    if (succ[b.id]!.length) line += ' -> ' + succ[b.id]!.join(', ');
    out.push(line);
  }
  return out;
}

export function printDominators(scope: ScopeFlow): string[] {
  const fmt = (a: number[]) => a.map((d, b) => `B${b}:${d < 0 ? '-' : 'B' + d}`).join(' ');
  return [`idom ${fmt(scope.idom)}`, `ipdom ${fmt(scope.ipdom)}`];
}

/** Version labels (`x.0`, `x.1`, ...) of every definition of the scope. */
export function versionLabels(scope: ScopeFlow): string[] {
  const count = new Map<string, number>();
  return scope.defs.map((d) => {
    const v = count.get(d.name) ?? 0;
    count.set(d.name, v + 1);
    return `${d.name}.${v}`;
  });
}

export function printSsa(scope: ScopeFlow, text: string): string[] {
  const ls = lineStarts(text);
  const label = versionLabels(scope);
  const out: string[] = [];
  for (const d of scope.defs) {
    if (d.kind === 'phi') {
      const args = (d.args ?? []).map((a, i) => `${a < 0 ? '?' : label[a]} @B${d.preds![i]}`).join(', ');
      out.push(`${label[d.id]} = phi(${args}) B${d.block}`);
    } else if (d.kind === 'entry') out.push(`${label[d.id]} = entry`);
    else out.push(`${label[d.id]} = ${d.kind} B${d.block}${d.at >= 0 ? ' @' + position(ls, d.at) : ''}${d.outer ? ' outer' : ''}`);
  }
  for (const u of scope.uses) out.push(`use ${u.name}@${position(ls, u.at)} -> ${label[u.def]}`);
  return out;
}

export function printScope(scope: ScopeFlow, text: string): string[] {
  const head = `scope ${scope.name} (${scope.kind})`;
  const decl: string[] = [];
  if (scope.globals.length) decl.push(`global ${scope.globals.join(', ')}`);
  if (scope.nonlocals.length) decl.push(`nonlocal ${scope.nonlocals.join(', ')}`);
  return [head, ...decl, ...printCfg(scope, text), ...printDominators(scope), ...printSsa(scope, text)];
}

export function printFileFlow(flow: FileFlow, text: string): string {
  const out: string[] = [];
  for (const s of flow.scopes) out.push(...printScope(s, text), '');
  for (const s of flow.skipped ?? []) out.push(`skipped ${s.name}: ${s.reason}`);
  return out.join('\n');
}

/**
 * SCIP symbol strings in the scip-python style:
 *   `scip-python python <package> <version> <descriptors>`
 * with descriptors `` `pkg.mod`/ `` (namespace), `Class#` (type), `method().` / `func().` (method), `var.` (term)
 * and `(x)` (parameter). Function locals are document-local `local <n>` symbols.
 *
 * Escaping follows the SCIP grammar (scip.proto, `Symbol`): a descriptor name that is not a simple identifier
 * (`[A-Za-z0-9_+$-]+`) is wrapped in backticks with inner backticks doubled; a space inside a package name or
 * version is doubled.
 */

export const SCHEME = 'scip-python';
export const MANAGER = 'python';

export interface PackageRef {
  name: string;
  version: string;
}

const SIMPLE = /^[A-Za-z0-9_+$-]+$/;

export function escapeName(name: string): string {
  return SIMPLE.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

function escapePkg(s: string): string {
  return s === '' ? '.' : s.replace(/ /g, '  ');
}

/** `scip-python python <name> <version> ` — the prefix of every global symbol of a package. */
export function packagePrefix(p: PackageRef): string {
  return `${SCHEME} ${MANAGER} ${escapePkg(p.name)} ${escapePkg(p.version)} `;
}

export const namespace = (module: string) => escapeName(module) + '/';
export const type = (name: string) => escapeName(name) + '#';
export const term = (name: string) => escapeName(name) + '.';
export const method = (name: string) => escapeName(name) + '().';
export const parameter = (name: string) => '(' + escapeName(name) + ')';

/**
 * Descriptor for a name whose kind is unknown (a definition outside every indexed project, or a member the
 * defining project's tables do not list). It depends on the name alone, so every reference to the same external
 * name gets the same symbol: `CapWords` → type, `ALL_CAPS` → term, anything else → method when it is the last
 * segment of a reference, term when more segments follow.
 */
export function guessDescriptor(name: string, last: boolean): string {
  if (/^_*[A-Z]/.test(name) && /[a-z]/.test(name)) return type(name);
  if (!last || !/[a-z]/.test(name)) return term(name);
  return method(name);
}

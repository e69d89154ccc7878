/**
 * Where Pyright's answers point, in the graph's terms: a definition location is the name span of an L1 node of
 * this project or of a project it depends on (→ an edge to that node), or a place outside the corpus — typeshed,
 * site-packages — named by module and qualified name like L4's externals (`builtins.str.split`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IrNode } from '../../ir/model';
import { extractPython } from '../../lang/python/extract';
import { L1Reader, type ProjectOut } from '../l1-structure/stream';

/** An answer mapped: a node of the corpus, or an external name. */
export type TypeTarget =
  | { k: 'node'; id: string; fqn: string; kind: string; file: string; property?: true }
  | { k: 'external'; module: string; fqn: string; property?: true };

/** A `@property` method: where a definition request on `x.p` stops, though `x.p()` calls what it returns. */
const isProperty = (n: IrNode): boolean => n.attrs?.method_kind === 'property';

const DEF_KINDS = new Set(['Class', 'Function', 'Method', 'Variable', 'Module', 'Parameter']);

/** Start of the span a definition's name is at: where an LSP definition location begins. */
function nameStart(n: IrNode): string | undefined {
  const s = (n.attrs?.name_span as number[] | undefined) ?? n.span;
  return s ? `${s[0]},${s[1]}` : undefined;
}

function indexNodes(nodes: readonly IrNode[]): Map<string, IrNode> {
  const at = new Map<string, IrNode>();
  for (const n of nodes) {
    if (!DEF_KINDS.has(n.node)) continue;
    const k = nameStart(n);
    // The first definition at a position wins (a class before a variable sharing its name span cannot happen).
    if (k !== undefined && !at.has(k)) at.set(k, n);
  }
  return at;
}

export class TargetMapper {
  /** Corpus file (workspace-relative) → its project's L1 reader and key. */
  private readonly corpus = new Map<string, { l1: L1Reader; key: string }>();
  private readonly readers: L1Reader[] = [];
  private readonly nodesAt = new Map<string, Map<string, IrNode> | undefined>();
  private readonly externalAt = new Map<string, { module: string; at: Map<string, IrNode> } | undefined>();

  constructor(
    private readonly root: string,
    projects: readonly ProjectOut[],
    private readonly importRoots: readonly string[],
  ) {
    for (const p of projects) {
      let l1: L1Reader;
      try {
        l1 = L1Reader.open(p.outDir);
      } catch {
        continue; // a dependency without L1 output: its files read as outside the corpus
      }
      this.readers.push(l1);
      for (const r of l1.refs) if (!this.corpus.has(r.file)) this.corpus.set(r.file, { l1, key: r.key });
    }
  }

  /** The target of a definition location, or undefined when it is no definition we can name. */
  map(uri: string, line: number, col: number): TypeTarget | undefined {
    let abs: string;
    try {
      abs = fileURLToPath(uri);
    } catch {
      return undefined;
    }
    const rel = path.relative(this.root, abs).split(path.sep).join('/');
    const c = !rel.startsWith('..') && !path.isAbsolute(rel) ? this.corpus.get(rel) : undefined;
    if (c) {
      if (!this.nodesAt.has(rel)) {
        const nodes = c.l1.nodes({ file: rel, key: c.key });
        this.nodesAt.set(rel, nodes ? indexNodes(nodes) : undefined);
      }
      const n = this.nodesAt.get(rel)?.get(`${line},${col}`);
      if (n) return { k: 'node', id: n.id, fqn: n.fqn, kind: n.node, file: rel, ...(isProperty(n) ? { property: true as const } : {}) };
      // A module's own location (line 0, col 0: `import pkg.mod` answered with the file).
      return undefined;
    }
    const ext = this.external(abs);
    if (!ext) return undefined;
    const n = ext.at.get(`${line},${col}`);
    return { k: 'external', module: ext.module, fqn: n ? n.fqn : ext.module, ...(n && isProperty(n) ? { property: true as const } : {}) };
  }

  /** A file outside the corpus parsed once (its definitions by name position), named by the module it provides. */
  private external(abs: string): { module: string; at: Map<string, IrNode> } | undefined {
    if (this.externalAt.has(abs)) return this.externalAt.get(abs);
    const module = externalModule(abs, this.importRoots);
    let v: { module: string; at: Map<string, IrNode> } | undefined;
    if (module !== undefined) {
      try {
        // Reading a stub or library source to name what is defined where: parsed, never run.
        const ir = extractPython(abs, module, fs.readFileSync(abs));
        v = { module, at: indexNodes(ir.nodes) };
      } catch {
        v = { module, at: new Map() };
      }
    }
    this.externalAt.set(abs, v);
    return v;
  }

  close(): void {
    for (const r of this.readers) r.close();
  }
}

/**
 * The module a file outside the corpus provides: its path after typeshed's `stdlib/` or `stubs/<dist>/`, a
 * `site-packages`/`dist-packages` folder, or an import root; `pkg/__init__.pyi` is `pkg`.
 */
export function externalModule(abs: string, importRoots: readonly string[]): string | undefined {
  const p = abs.split(path.sep).join('/');
  let rest: string | undefined;
  const m = /\/typeshed-fallback\/(?:stdlib|stubs\/[^/]+)\/(.+)$/.exec(p) ?? /\/(?:site|dist)-packages\/(.+)$/.exec(p);
  if (m) rest = m[1];
  else {
    for (const r of importRoots) {
      const rel = path.relative(r, abs);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
        rest = rel.split(path.sep).join('/');
        break;
      }
    }
  }
  if (rest === undefined || !/\.pyi?$/.test(rest)) return undefined;
  const parts = rest.replace(/\.pyi?$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (!parts.length || parts.some((s) => !/^[A-Za-z_][\w-]*$/.test(s))) return undefined;
  // Stub-only distributions name their top folder `foo-stubs`: the module is `foo`.
  parts[0] = parts[0]!.replace(/-stubs$/, '');
  return parts.join('.');
}

/**
 * Helpers for the value-flow tests: write a Python tree to a temp dir, index it with the real L0/L1 and L4, and read
 * the final call graph — L1's edges with L4's completions applied, derived lines included — as "caller -> callee".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexDirectory, initHash, readFileIr, readResolved, runL4, type L1Manifest, type L4Line, type L4Stats } from '@codegraph/engine';

export function writeTree(files: Record<string, string>, prefix = 'cg-vf-'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

export interface Indexed {
  root: string;
  out: Record<string, string>;
  stats: Record<string, L4Stats>;
}

/** Indexes each project dir (relative to root) in order; each depends on the ones before it. */
export async function indexProjects(root: string, projects: string[]): Promise<Indexed> {
  await initHash();
  const out: Record<string, string> = {};
  const stats: Record<string, L4Stats> = {};
  for (const p of projects) {
    out[p] = path.join(root, '.out', p || 'root');
    await indexDirectory({ dir: path.join(root, p), outDir: out[p], root, workers: 1 });
  }
  for (const p of projects) await runL4Of(root, projects, p, out, stats);
  return { root, out, stats };
}

export async function runL4Of(root: string, projects: string[], p: string, out: Record<string, string>, stats: Record<string, L4Stats>): Promise<L4Stats> {
  const deps = projects.slice(0, projects.indexOf(p)).map((d) => ({ name: d || 'root', outDir: out[d]! }));
  stats[p] = await runL4({ root, project: { name: p || 'root', outDir: out[p]! }, deps });
  return stats[p]!;
}

/** The call graph of a project: one "caller -> callee" per distinct pair (CALLS and INSTANTIATES). */
/** `implicit`: with the calls Python makes implicitly (L4's lines of their own: dunders, property getters and setters). */
export function callGraph(outDir: string, opts: { implicit?: boolean } = {}): string[] {
  const m = JSON.parse(fs.readFileSync(path.join(outDir, 'l1', 'manifest.json'), 'utf8')) as L1Manifest;
  const fqnById = new Map<string, string>();
  const edges: Array<{ id: string; src: string; dst?: string; target?: string; edge: string }> = [];
  for (const file of Object.keys(m.files)) {
    const ir = readFileIr(outDir, file);
    for (const n of ir.nodes) fqnById.set(n.id, n.fqn);
    for (const e of ir.edges) if (e.edge === 'CALLS' || e.edge === 'INSTANTIATES') edges.push(e);
  }
  const byId = new Map<string, L4Line>();
  const derived: L4Line[] = [];
  for (const l of readResolved(outDir)) {
    if ('of' in l && l.of !== undefined) derived.push(l);
    else if ('implicit' in l && l.implicit) {
      if (opts.implicit) derived.push(l);
    } else byId.set(l.id, l);
  }
  const out = new Set<string>();
  for (const e of edges) {
    const l = byId.get(e.id);
    const target = l && !('unresolved' in l) ? l.target : e.dst !== undefined ? e.target : undefined;
    if (target !== undefined) out.add(`${fqnById.get(e.src)} -> ${target}`);
  }
  for (const l of derived) if (!('unresolved' in l)) out.add(`${fqnById.get(l.src)} -> ${l.target}`);
  return [...out].sort();
}

/** The callees of one caller in a call graph. */
export function calleesOf(graph: string[], caller: string): string[] {
  return graph.filter((g) => g.startsWith(`${caller} -> `)).map((g) => g.slice(caller.length + 4));
}

export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p).split(path.sep).join('/')] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/**
 * Two projects, `app` and `lib`, over the value-flow fixture (classes, bases, re-exports, stars, a package): `lib`
 * declares modules of the same names with other contents (the first project wins them), plus its own `extraLib`
 * files. Written under a temp root and each indexed; returns the root.
 */
export async function indexShadowedFixture(extraLib: Record<string, string>, prefix: string): Promise<string> {
  const fixture = readTree(path.join(__dirname, 'fixtures', 'valueflow', 'app'));
  const files: Record<string, string> = Object.fromEntries(Object.entries(fixture).map(([k, v]) => [`app/${k}`, v]));
  for (const [k, v] of Object.entries(fixture)) files[`lib/${k}`] = `class Extra:\n    pass\n\n${v}`;
  for (const [k, v] of Object.entries(extraLib)) files[`lib/${k}`] = v;
  const root = writeTree(files, prefix);
  for (const p of shadowedProjects(root)) await indexDirectory({ dir: path.join(root, p.name), outDir: p.outDir, root, workers: 1 });
  return root;
}

/** Where indexShadowedFixture writes each project's outputs, first project first. */
export function shadowedProjects(root: string): { name: string; outDir: string }[] {
  return ['app', 'lib'].map((name) => ({ name, outDir: path.join(root, '.out', name) }));
}

/**
 * `undeclared-dependency` and `unused-dependency`, from L9's report (`l9/packages.json`). An undeclared module is
 * reported at its first unguarded import in each importing file (the L1 IR of those files gives the span); an unused
 * distribution at each place it is declared (the packaging file and line L9 recorded).
 */
import type { IrNode } from '../../ir/model';
import type { ImportAttrs } from '../l1-structure/interface';
import type { L1Reader } from '../l1-structure/stream';
import type { PackagesReport } from '../l9-packages/types';
import type { RawFinding } from './finding';
import type { Sources } from './source';

type ImportNodeAttrs = ImportAttrs & { optional?: boolean; type_checking?: boolean };

/**
 * The first import of top-level module `name` in the file that runs unconditionally (not under `try: … except
 * ImportError` nor `if TYPE_CHECKING:`); undefined when every import of it there is guarded — that file is fine.
 */
function firstImportOf(nodes: readonly IrNode[], name: string): IrNode | undefined {
  for (const n of nodes) {
    if (n.node !== 'Import') continue;
    const a = (n.attrs ?? {}) as ImportNodeAttrs;
    const top = (a.module || (a.name ?? '')).split('.')[0];
    if (top !== name || a.unresolved_relative !== undefined || (a as { level?: number }).level) continue;
    if (!a.optional && !a.type_checking) return n;
  }
  return undefined;
}

export function dependencyFindings(report: PackagesReport, l1: L1Reader, sources: Sources): RawFinding[] {
  const out: RawFinding[] = [];
  const refs = new Map(l1.refs.map((r) => [r.file, r]));
  const nodesOf = new Map<string, readonly IrNode[]>();
  for (const u of report.undeclared) {
    const provide = u.candidates.length ? `: declare ${u.candidates.map((c) => `"${c}"`).join(' or ')}` : '';
    const msg = `"${u.name}" is imported but no declared dependency provides it${provide}` + (u.testOnly ? '; only tests import it: a dev dependency is enough' : '');
    for (const file of u.files) {
      const ref = refs.get(file);
      if (!ref) continue;
      let nodes = nodesOf.get(file);
      if (!nodes) nodesOf.set(file, (nodes = l1.nodes(ref) ?? []));
      const imp = firstImportOf(nodes, u.name);
      if (!imp) continue;
      const s = imp.span;
      out.push({ rule: 'undeclared-dependency', level: 'warning', message: msg, file, range: [s[0], s[1], s[2], s[3]] });
    }
  }
  for (const u of report.unused) {
    const provides = u.imports.length ? ` (it provides ${u.imports.map((i) => `"${i}"`).join(', ')})` : '';
    for (const d of report.declared) {
      if (d.name !== u.dist) continue;
      const line = d.line === undefined ? 0 : d.line - 1;
      const text = d.line === undefined ? '' : (sources.get(d.source)?.line(line) ?? '');
      out.push({
        rule: 'unused-dependency',
        level: 'note',
        message: `"${d.raw}" is declared (${d.group}) but nothing in the project imports it${provides}`,
        file: d.source,
        range: [line, 0, line, text.length],
      });
    }
  }
  return out;
}

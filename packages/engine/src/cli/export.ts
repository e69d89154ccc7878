/**
 * `codegraph export` and `codegraph dump`: the whole-repo artifacts that are not rewritten on every run, and the
 * layer outputs printed in their documented JSON shape (docs/ir.md) for humans and tools.
 *
 * Both take an index folder: a repo federation (`.codegraph/repo`, with `projects.json`) or one project's outputs
 * (what `codegraph index --out` writes, or `.codegraph/projects/<root>`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectLayout } from '../project/layout';
import { initHash } from '../util/hash';
import { PackReader } from '../util/pack';
import { irLines } from '../layers/l1-structure/lines';
import { L1Reader, type ProjectOut } from '../layers/l1-structure/stream';
import { manifestPath } from '../layers/l1-structure/run';
import { docsPackPath, l2ManifestPath, writeProjectScip, writeRepoScip, type L2Manifest } from '../layers/l2-occurrences/run';
import { forEachResolved } from '../layers/l4-resolve/run';
import { l3ManifestPath, typesPackPath, type L3FileRecord, type L3Manifest } from '../layers/l3-types/run';
import { L5Reader } from '../layers/l5-flow/stream';
import { exportGraph, readFederation, type FederatedProject } from '../layers/repo/merge';
import { readJsonOrUndefined } from '../util/atomic';

export interface IndexFolder {
  kind: 'repo' | 'project';
  root: string;
  projects: FederatedProject[];
}

/** Resolves an index folder: a repo federation or one project's outputs. Throws with what to run when neither. */
export function openIndexFolder(dir: string, rootHint?: string): IndexFolder {
  const abs = path.resolve(dir);
  const fed = readFederation(abs);
  if (fed) return { kind: 'repo', ...fed };
  if (fs.existsSync(manifestPath(abs))) {
    const root = path.resolve(rootHint ?? process.cwd());
    const layout = detectLayout(root, root);
    const name = layout.name ?? path.basename(root);
    return { kind: 'project', root, projects: [{ name, outDir: abs, package: { name, version: layout.version ?? '.' } }] };
  }
  throw new Error(
    `${dir} is not a codegraph index: expected a repo federation (projects.json, written by \`nx run repo:codegraph-index\`) ` +
      `or a project's outputs (l1/manifest.json, written by \`codegraph index <dir> --out <out>\`)`,
  );
}

export type ExportFormat = 'jsonl' | 'scip';

export async function exportIndex(folder: IndexFolder, format: ExportFormat, out: string): Promise<Record<string, number>> {
  await initHash();
  if (format === 'jsonl') return { ...(await exportGraph({ projects: folder.projects, out })) };
  const projects = folder.projects.map((p) => ({ name: p.name, outDir: p.outDir, package: p.package ?? { name: p.name, version: '.' } }));
  if (projects.length === 1) {
    const p = projects[0]!;
    return { ...(await writeProjectScip({ root: folder.root, project: p, package: p.package, out })) };
  }
  return { ...(await writeRepoScip({ root: folder.root, projects, out })) };
}

export type DumpLayer = 'l1' | 'facts' | 'l2' | 'l3' | 'l4' | 'l5' | 'flow-facts';

/**
 * Writes a layer's records as JSON lines: `l1` one header line then the IR lines per file (the shape of docs/ir.md),
 * `facts` one line per file, `l2` one document per line, `l4` the resolved lines, `l5` one FileFlow per file,
 * `flow-facts` one line of value-flow facts per file, `l3` one line per file L3 answered or checked: its manifest
 * entry (counts) with its overlay lines (`via: "type"`) and Pyright's diagnostics. Returns how many of the project's
 * files were dumped (0 when `onlyFile` is not one of them).
 */
export async function dumpLayer(project: ProjectOut, layer: DumpLayer, write: (line: string) => void, onlyFile?: string): Promise<number> {
  await initHash();
  const l1 = L1Reader.open(project.outDir);
  const refs = l1.refs.filter((r) => onlyFile === undefined || r.file === onlyFile);
  try {
    if (layer === 'l1' || layer === 'facts') {
      for (const ref of refs) {
        if (layer === 'facts') {
          write(JSON.stringify({ file: ref.file, iface: ref.iface, ...l1.factsOf(ref) }));
          continue;
        }
        const rec = l1.record(ref);
        if (!rec) throw new Error(`the L1 record of ${ref.file} is missing or damaged`);
        write(JSON.stringify(rec.header));
        for (const line of irLines(rec)) write(line);
      }
    } else if (layer === 'l2') {
      const m = readJsonOrUndefined<L2Manifest>(l2ManifestPath(project.outDir));
      const pack = PackReader.open(docsPackPath(project.outDir));
      if (!m || !pack) throw new Error(`no L2 output in ${project.outDir} (run L2 first)`);
      try {
        for (const ref of refs) {
          const e = m.files[ref.file];
          const text = e && pack.text(e.key);
          if (text === undefined) continue;
          write(text);
        }
      } finally {
        pack.close();
      }
    } else if (layer === 'l3') {
      const m = readJsonOrUndefined<L3Manifest>(l3ManifestPath(project.outDir));
      const pack = PackReader.open(typesPackPath(project.outDir));
      if (!m || !pack) throw new Error(`no L3 output in ${project.outDir} (run L3 first: the plugin's l3 option, or codegraph index --l3)`);
      try {
        for (const ref of refs) {
          const e = m.files[ref.file];
          const text = e && pack.text(e.key);
          if (text === undefined) continue;
          const rec = JSON.parse(text) as L3FileRecord;
          // Files with nothing asked and nothing found stay out: the dump shows answers, not the file list.
          if (!rec.lines.length && !rec.diagnostics.length && !e.sites) continue;
          const { sites, answered, resolvedInCorpus, external, openCallsBefore, openCallsAfter } = e;
          write(JSON.stringify({ file: ref.file, sites, answered, resolvedInCorpus, external, openCallsBefore, openCallsAfter, lines: rec.lines, diagnostics: rec.diagnostics }));
        }
      } finally {
        pack.close();
      }
    } else if (layer === 'l5' || layer === 'flow-facts') {
      const l5 = L5Reader.open(project.outDir);
      try {
        for (const ref of refs) {
          const rec = layer === 'l5' ? l5.flow(ref.file) : l5.facts(ref.file);
          if (rec !== undefined) write(JSON.stringify({ file: ref.file, ...rec }));
        }
      } finally {
        l5.close();
      }
    } else {
      const wanted = new Set(refs.map((r) => r.file));
      forEachResolved(project.outDir, (file, lines) => {
        if (!wanted.has(file)) return;
        for (const l of lines) if (l) write(l);
      });
    }
  } finally {
    l1.close();
  }
  return refs.length;
}

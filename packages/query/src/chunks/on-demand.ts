/**
 * Chunks are not stored: the L7 database keeps, per file, the keys of the layer records it was built from, and a
 * file's chunks are cut again on demand from those very records (L1 IR, L4 completions) and the source — the same
 * deterministic function the build ran (chunkFile), so the same text and hashes. Anything that moved since (L1 or
 * L4 re-run, source edited) is reported as a stale index, never answered from mismatched inputs.
 */
import { L1Reader, L3Overlay, PackReader, resolvedPackPath, withTypes, type L4Line } from '@codegraph/engine';
import { QueryError, L7_HINT } from '../query/federation';
import { applyL4 } from '../l7/complete';
import { chunkFile, chunkId, type Chunk } from './chunks';
import { readSource } from './source';

export interface ChunkSource {
  /** Index root (file paths are relative to it). */
  root: string;
  repo: string;
  project: string;
  outDir: string;
}

/** A file as the `files` table of an L7 database records it. */
export interface FileRow {
  path: string;
  module: string;
  hash: string;
  l1: string;
  l4: string | null;
  is_test: number;
}

export const staleError = (what: string) => new QueryError(`${what}: the index is stale, rebuild it (${L7_HINT})`, 'stale');

/** Every chunk of one file (module, file, definitions, docstrings, header, skeleton, usages, names), with text. */
export function fileChunks(src: ChunkSource, f: FileRow): Chunk[] {
  const text = readSource(src.root, f.path, f.hash);
  if (!text.ok) throw staleError(text.reason);
  const l1 = L1Reader.open(src.outDir);
  let l4: PackReader | undefined;
  try {
    const ir = l1.record({ file: f.path, key: f.l1 });
    if (!ir) throw staleError(`the L1 record of ${f.path} is no longer in ${src.outDir}`);
    let lines: L4Line[] = [];
    if (f.l4) {
      l4 = PackReader.open(resolvedPackPath(src.outDir));
      const t = l4?.text(f.l4);
      if (t === undefined) throw staleError(`the L4 record of ${f.path} is no longer in ${src.outDir}`);
      // As the build did: L3's type-resolved lines over L4's when the project has them (L7 is rebuilt after L3).
      const l3 = L3Overlay.open(src.outDir);
      const raw = l3 ? withTypes(t.split('\n'), l3.linesOf(f.path)) : t.split('\n');
      l3?.close();
      lines = raw.filter(Boolean).map((l) => JSON.parse(l) as L4Line);
    }
    const isTest = f.is_test === 1;
    return chunkFile(
      { repo: src.repo, file: f.path, module: f.module, nodes: ir.nodes, edges: applyL4(ir.edges, lines), lines: text.source.lines, isTest },
      chunkId(src.repo, 'project', src.project),
    );
  } finally {
    l1.close();
    l4?.close();
  }
}

/**
 * The layer outputs L7 is built from, opened once per process (the builder's and each prepare worker's): L1's
 * manifest and IR pack, L4's manifest and resolution pack, L2's manifest and documents, L3's overlay when there is one.
 */
import {
  docsPackPath,
  hashString,
  l2ManifestPath,
  l4ManifestPath,
  L1Reader,
  L3Overlay,
  PackReader,
  readJsonOrUndefined,
  resolvedPackPath,
  withTypes,
  type L2Manifest,
  type L4Manifest,
  type ShardRef,
} from '@codegraph/engine';
import { L7_FORMAT } from './schema';
import type { FileInput } from './prepare';

export class L7Inputs {
  private constructor(
    readonly l1: L1Reader,
    readonly l4m: L4Manifest,
    private readonly l4: PackReader,
    private readonly l2m: L2Manifest | undefined,
    private readonly l2: PackReader | undefined,
    /** L3's type-resolved edges, when the project has them: laid over L4's lines, and part of each file's key. */
    private readonly l3: L3Overlay | undefined,
  ) {}

  /** Throws when the project has no L1 or no L4 output. Requires initHash(). */
  static open(outDir: string, project: string): L7Inputs {
    const l1 = L1Reader.open(outDir);
    const l4m = readJsonOrUndefined<L4Manifest>(l4ManifestPath(outDir));
    const l4 = PackReader.open(resolvedPackPath(outDir));
    if (!l4m || !l4) {
      l1.close();
      l4?.close();
      throw new Error(`codegraph: no L4 output for project ${project} in ${outDir} (run its codegraph-l4 target first)`);
    }
    return new L7Inputs(l1, l4m, l4, readJsonOrUndefined<L2Manifest>(l2ManifestPath(outDir)), PackReader.open(docsPackPath(outDir)), L3Overlay.open(outDir));
  }

  /**
   * A file's L7 key: (L7 format, repo, project, its L1 key, L4 record key, the project's interface digest, L2 record
   * key, L3 key). The interface digest because a file's occurrence rows also depend on other files (which names are
   * symbols of the project, its aliases): since L4 keeps a file's record across an interface edit that its
   * resolution did not read, its L4 key alone no longer says when those change, and a kept file's rows then differed
   * from a cold build's (bench:nx, django, 4 files after a signature edit and its restore).
   */
  keyOf(ref: ShardRef, repo: string, project: string): string {
    return hashString(
      [L7_FORMAT, repo, project, ref.key, this.l4m.files[ref.file]?.key ?? '', this.l4m.digest ?? '', this.l2m?.files[ref.file]?.key ?? '', this.l3?.keyOf(ref.file) ?? ''].join('\0'),
    );
  }

  /** Everything the builder reads for one file. */
  input(ref: ShardRef, key: string): FileInput {
    const entry = this.l1.manifest.files[ref.file]!;
    const e4 = this.l4m.files[ref.file];
    const l4raw = e4 ? this.l4.text(e4.key) : undefined;
    const l4text = l4raw !== undefined && this.l3 ? withTypes(l4raw.split('\n'), this.l3.linesOf(ref.file)).join('\n') : l4raw;
    const e2 = this.l2m?.files[ref.file];
    const l2text = e2 && this.l2 ? this.l2.text(e2.key) : undefined;
    return { ref, key, loc: entry.loc, hash: entry.hash, ir: this.l1.record(ref), e4, l4text, l2key: e2?.key, l2text };
  }

  close(): void {
    this.l1.close();
    this.l4.close();
    this.l2?.close();
    this.l3?.close();
  }
}

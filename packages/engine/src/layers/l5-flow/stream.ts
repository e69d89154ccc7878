/**
 * The reader of a project's L5 output: the manifest, then one file's FileFlow or value-flow facts at a time,
 * checksums verified. Nothing else reads L5's files directly.
 */
import type { FileFlow } from '../../lang/python/flow/model';
import type { FlowFacts } from '../../lang/python/valueflow';
import { readJsonOrUndefined } from '../../util/atomic';
import { PackReader } from '../../util/pack';
import { decodeFactsRecord, decodeFlowRecord } from './codec';
import { flowFactsPackPath, flowPackPath, l5ManifestPath, type L5Manifest } from './run';

/** A record's value; undefined when it is missing or does not decode (a record of another format is damaged here). */
function decoded<T>(raw: Buffer | undefined, decode: (b: Uint8Array) => T): T | undefined {
  if (!raw) return undefined;
  try {
    return decode(raw);
  } catch {
    return undefined;
  }
}

export class L5Reader {
  private flowPack: PackReader | undefined;
  private factsPack: PackReader | undefined;

  private constructor(
    readonly outDir: string,
    readonly manifest: L5Manifest,
  ) {}

  /** Opens a project's L5 output. Throws when there is none. Requires initHash(). */
  static open(outDir: string): L5Reader {
    const m = readJsonOrUndefined<L5Manifest>(l5ManifestPath(outDir));
    if (!m || !m.files) throw new Error(`codegraph: no L5 output in ${outDir} (run L5 first)`);
    return new L5Reader(outDir, m);
  }

  /** Opens it, or undefined when the project has no L5 output. */
  static tryOpen(outDir: string): L5Reader | undefined {
    const m = readJsonOrUndefined<L5Manifest>(l5ManifestPath(outDir));
    return m?.files ? new L5Reader(outDir, m) : undefined;
  }

  /** The files with L5 output, in path order. */
  get paths(): string[] {
    return Object.keys(this.manifest.files);
  }

  /** A file's control flow and SSA; undefined when the file has none or its record is damaged. */
  flow(file: string): FileFlow | undefined {
    const e = this.manifest.files[file];
    if (!e) return undefined;
    this.flowPack ??= PackReader.open(flowPackPath(this.outDir));
    return decoded(this.flowPack?.get(e.key), decodeFlowRecord);
  }

  /** A file's value-flow facts; undefined when the file has none or its record is damaged. */
  facts(file: string): FlowFacts | undefined {
    const e = this.manifest.files[file];
    if (!e) return undefined;
    this.factsPack ??= PackReader.open(flowFactsPackPath(this.outDir));
    return decoded(this.factsPack?.get(e.key), decodeFactsRecord);
  }

  /**
   * A digest of a file's facts without decoding them: their record's checksum (records are encoded and compressed
   * deterministically, so the same facts give the same one). Undefined when the file has no facts record.
   */
  factsDigest(file: string): string | undefined {
    const e = this.manifest.files[file];
    if (!e) return undefined;
    this.factsPack ??= PackReader.open(flowFactsPackPath(this.outDir));
    return this.factsPack?.checksum(e.key);
  }

  /** The key a file's records are stored under (changes exactly when its L5 output may). */
  key(file: string): string | undefined {
    return this.manifest.files[file]?.key;
  }

  close(): void {
    this.flowPack?.close();
    this.factsPack?.close();
  }
}

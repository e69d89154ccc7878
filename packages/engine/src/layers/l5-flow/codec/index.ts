/**
 * L5's record codecs: a FileFlow or value-flow facts record is one tag byte then its body — the binary encodings
 * (flow-codec.ts, facts-codec.ts) or, for a value those do not expect, its JSON. Decoding gives back exactly what
 * was encoded, whichever encoding the record took.
 */
import type { FileFlow } from '../../../lang/python/flow/model';
import type { FlowFacts } from '../../../lang/python/valueflow/model';
import { NotEncodable } from './bytes';
import { decodeFacts, encodeFacts, FACTS_RECORD_TAG } from './facts-codec';
import { decodeFlow, encodeFlow, FLOW_RECORD_TAG } from './flow-codec';

const JSON_RECORD_TAG = 0;

/**
 * Brotli quality of L5's records. On the binary records of the stdlib (one run): quality 3/4/5 stored 15.6/14.6/14.2
 * MB in 1.4/2.2/4.3 s of compression (the JSON records at quality 3: 38.7 MB in 4.7 s); decompression ~0.5 s at any.
 */
export const L5_RECORD_QUALITY = 4;

function jsonRecord(value: unknown): Uint8Array {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = JSON_RECORD_TAG;
  body.copy(out, 1);
  return out;
}

function withFallback<T>(value: T, encode: (v: T) => Uint8Array): Uint8Array {
  try {
    return encode(value);
  } catch (err) {
    if (err instanceof NotEncodable) return jsonRecord(value);
    throw err;
  }
}

function decodeRecord<T>(buf: Uint8Array, tag: number, decode: (b: Uint8Array) => T): T {
  if (buf[0] === tag) return decode(buf);
  if (buf[0] === JSON_RECORD_TAG) return JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', 1)) as T;
  throw new RangeError(`unknown L5 record tag ${buf[0]}`);
}

export const encodeFlowRecord = (flow: FileFlow): Uint8Array => withFallback(flow, encodeFlow);
export const decodeFlowRecord = (buf: Uint8Array): FileFlow => decodeRecord(buf, FLOW_RECORD_TAG, decodeFlow);

/** A file with no facts (not parsed) is stored as `{}`, which is what the reader gives back. */
export const encodeFactsRecord = (facts: FlowFacts | Record<string, never>): Uint8Array =>
  'format' in facts ? withFallback(facts as FlowFacts, encodeFacts) : jsonRecord(facts);
export const decodeFactsRecord = (buf: Uint8Array): FlowFacts => decodeRecord(buf, FACTS_RECORD_TAG, decodeFacts);

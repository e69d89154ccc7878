#!/usr/bin/env node
/**
 * The yardstick every codegraph benchmark compares against: raw tree-sitter parse-only throughput on one core, with
 * the parser the engine uses (web-tree-sitter + the tree-sitter-python wasm, through the engine's parser seam), no
 * extraction. Shared by tools/bench (per corpus) and tools/bench-nx (the whole Nx workspace).
 *
 * As a module: `readSources(files)` then `parseOnlyWasm(texts)`. As a command (its own process, so its peak RSS is
 * its own): `node parse-only.mjs <list.json>` where the list is a JSON array of absolute file paths; prints
 * `{files, lines, bytes, ms, maxRssMb}` as JSON. Reading and decoding are not timed, only parsing.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Decoded source texts (PEP 263, as the engine decodes them) and their total bytes and lines. */
export function readSources(files) {
  const engine = require('@codegraph/engine');
  let bytes = 0;
  let lines = 0;
  const texts = files.map((f) => {
    const raw = fs.readFileSync(f);
    bytes += raw.length;
    const text = engine.decodePythonSource(raw).text;
    lines += engine.countLines(text);
    return text;
  });
  return { texts, bytes, lines };
}

/** Milliseconds to parse every text once, one after the other on this thread; each tree is freed at once. */
export async function parseOnlyWasm(texts) {
  const engine = require('@codegraph/engine');
  await engine.initPythonParser();
  const { parsePython } = require('@codegraph/engine/dist/lang/python/parser.js');
  const start = performance.now();
  for (const text of texts) parsePython(text).delete();
  return performance.now() - start;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url).pathname)) {
  const list = process.argv[2];
  if (!list) {
    console.error('usage: node parse-only.mjs <list.json>');
    process.exit(2);
  }
  const files = JSON.parse(fs.readFileSync(list, 'utf8'));
  const { texts, bytes, lines } = readSources(files);
  const ms = await parseOnlyWasm(texts);
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify({ files: files.length, lines, bytes, ms, maxRssMb }));
}

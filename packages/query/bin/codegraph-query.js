#!/usr/bin/env node
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then((code) => {
    // `mcp` resolves when its client goes away; the other commands have printed their answer.
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(`codegraph-query: ${err && err.message ? err.message : err}`);
    process.exitCode = 1;
  });

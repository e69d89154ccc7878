#!/usr/bin/env node
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(`codegraph-cache-server: ${err && err.message ? err.message : err}`);
    process.exit(2);
  });

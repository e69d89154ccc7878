#!/usr/bin/env node
require('../dist/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    // Not a usage or run error the CLI knows: a bug. Say so, with the stack when asked for.
    console.error(`codegraph: internal error: ${err && err.message ? err.message : err}`);
    if (process.env.CODEGRAPH_DEBUG) console.error(err && err.stack);
    else console.error('(set CODEGRAPH_DEBUG=1 for the stack trace)');
    process.exit(1);
  });

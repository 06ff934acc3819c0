#!/usr/bin/env node
// Launcher: `npm ci` builds dist/ (the `prepare` script); this file only starts it.
// Once a command is done (the daemon: stopped cleanly, database closed), a
// socket or timer a library left behind must not keep the process alive.
require('../dist/cli.js').main(process.argv).then(
  (code) => { process.exitCode = code; setTimeout(() => process.exit(code), 200).unref(); },
  (err) => { console.error(err && err.stack ? err.stack : err); process.exitCode = 1; setTimeout(() => process.exit(1), 200).unref(); },
);

#!/usr/bin/env node
// Launcher: `npm ci` builds dist/ (the `prepare` script); this file only starts it.
// No exit is forced: every command closes what it opened (the daemon: its
// watchers, SMTP pools, database and timers), so the process ends by itself.
require('../dist/cli.js').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.stack ? err.stack : err); process.exitCode = 1; },
);

#!/usr/bin/env bash
# npm run demo: local mail servers on loopback, the daemon, three requests, the results.
# The daemon runs from dist/ (bin/helpdesk.js); the demo and its mail servers from dist-dev/ (tsconfig.dev.json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-mail-servers.sh
[ -f dist/cli.js ] || npx tsc -p tsconfig.json
[ -f dist-dev/demo/main.js ] || npx tsc -p tsconfig.dev.json
exec node dist-dev/demo/main.js

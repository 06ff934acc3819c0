#!/usr/bin/env bash
# npm run demo: local mail servers on loopback, the daemon, three requests, the results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-mail-servers.sh
[ -f dist/demo/main.js ] || npx tsc -p tsconfig.json
exec node dist/demo/main.js

#!/usr/bin/env bash
# The test command (README, .ci/run): installs what it needs, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-mail-servers.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx tsc -p tsconfig.json
npx tsc -p tsconfig.test.json
npx jest --ci "$@"

#!/usr/bin/env bash
# The README's first command: build imctl, bring up the lab DC (installing and seeding it on a
# fresh machine), and run imctl's main job against it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
bash lab/lab.sh up
# The demo shows the seeded lab: put back what earlier test runs changed, unless one is running now.
runs=(.lab/test-runs/*)
live=0
for f in "${runs[@]}"; do [ -e "$f" ] && kill -0 "$(basename "$f")" 2>/dev/null && live=1; done
if [ "$live" = 0 ]; then bash lab/lab.sh restore 2>/dev/null; else echo "(a test run is using the lab: showing it as it is)"; fi
export IMCTL_CONFIG="$PWD/.lab/imctl.json"
imctl() { node bin/imctl --config "$IMCTL_CONFIG" "$@"; }
echo
echo '$ imctl servers'
imctl servers
echo
echo '$ imctl rebalance            # the plan only; add --apply to carry it out'
imctl rebalance
echo
echo "Try more: node bin/imctl --config .lab/imctl.json --help"

#!/usr/bin/env bash
# Both engines on tools/bench's batch lake (1 M and 5 M events by default; BENCH_SIZES=…).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
python="$(npm run -s stack -- install spark | awk '{print $2}')"
exec "$python" spark/bench/bench_engines.py "$@"

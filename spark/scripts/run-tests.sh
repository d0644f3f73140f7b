#!/usr/bin/env bash
# The Spark engine's tests (spark/tests): pytest in the engine's virtualenv (tools/stack
# builds it under .cache/spark on first use), Spark local[2], against the stack's
# PostgreSQL. Extra arguments go to pytest, e.g. -k truth.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

for app in batch simulator; do
  if [[ ! -f "dist/apps/$app/main.js" ]]; then
    echo "dist/apps/$app/main.js is missing: building it" >&2
    if [[ $app == batch ]]; then npx nx run @shoplens/batch:bundle; else npx nx run @shoplens/simulator:build; fi
  fi
done

# PostgreSQL from the environment, else the stack's (started if it is not up).
if [[ -z "${DATABASE_URL:-}" ]]; then
  npm run -s stack -- up postgres
  while IFS= read -r line; do
    name="${line#export }"; name="${name%%=*}"
    [[ -n "${!name:-}" ]] || eval "$line"
  done < <(npm run -s stack -- env | grep '^export ')
fi

python="$(npm run -s stack -- install spark | awk '{print $2}')"
exec "$python" -m pytest spark/tests -p no:cacheprovider "$@"

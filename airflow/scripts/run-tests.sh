#!/usr/bin/env bash
# The DAGs' test suite (airflow/tests) in the pinned Airflow of the local stack, against its
# PostgreSQL and S3. Starts what is missing; stops only what it started (unless
# SHOPLENS_STACK_KEEP=1). Extra arguments go to pytest, e.g. -k daily.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

for app in batch simulator; do
  if [[ ! -f "dist/apps/$app/main.js" ]]; then
    echo "dist/apps/$app/main.js is missing: building it" >&2
    if [[ $app == batch ]]; then npx nx run @shoplens/batch:bundle; else npx nx run @shoplens/simulator:build; fi
  fi
done

# Services named in the environment are used as they are; the others come from the stack.
started=()
want=(airflow)
[[ -n "${DATABASE_URL:-}" ]] || want+=(postgres)
[[ -n "${S3_ENDPOINT:-}" ]] || want+=(s3)
for service in "${want[@]}"; do
  if [[ $service != airflow ]] && ! npm run -s stack -- status 2>/dev/null | grep -qE "^$service +up"; then
    started+=("$service")
  fi
done
npm run -s stack -- up "${want[@]}"
stop() {
  if [[ ${#started[@]} -gt 0 && "${SHOPLENS_STACK_KEEP:-}" != 1 ]]; then npm run -s stack -- down "${started[@]}"; fi
}
trap stop EXIT

# The stack's variables fill in what the environment does not set.
while IFS= read -r line; do
  name="${line#export }"; name="${name%%=*}"
  [[ -n "${!name:-}" ]] || eval "$line"
done < <(npm run -s stack -- env | grep '^export ')

python="$root/.cache/airflow/venv/bin/python"
exec_status=0
"$python" -m pytest airflow/tests -p no:cacheprovider "$@" || exec_status=$?
exit $exec_status

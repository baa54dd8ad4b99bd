#!/usr/bin/env bash
# Benchmark only. Cosmos' WATCHER producer passes `--log-format json` after the dbt subcommand (dbt >= 1.8 syntax);
# dbt 1.7 accepts it only before the subcommand. Move it there and run the project's dbt.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
fmt=()
rest=()
while (($#)); do
  if [[ $1 == --log-format ]]; then
    fmt=(--log-format "$2")
    shift 2
  else
    rest+=("$1")
    shift
  fi
done
exec "$repo/.dbt-venv/bin/dbt" "${fmt[@]}" "${rest[@]}"

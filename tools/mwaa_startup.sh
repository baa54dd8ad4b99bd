#!/usr/bin/env bash
# tokyobeta-etl: the Amazon MWAA startup script. `make bundle` writes it to dist/mwaa/startup.sh with the dbt pins
# filled in (requirements-dbt.txt, constraints/dbt-venv.txt); edit this template (tools/mwaa_startup.sh), not the copy.
#
# MWAA sources it before each Airflow component starts (at most 5 minutes) and passes what it exports to Airflow.
# It builds dbt's own virtualenv where the DAG looks for it, ${AIRFLOW_HOME:-/usr/local/airflow}/dbt_venv (dbt 1.7
# cannot live under MWAA's constraints: docs/decisions/0001), from the package registry. Idempotent: a venv already
# built from the same pins is kept as it is, so a second run takes well under a second.
set -euo pipefail

TOKYOBETA_DBT_VENV="${AIRFLOW_HOME:-/usr/local/airflow}/dbt_venv"

TOKYOBETA_DBT_REQUIREMENTS='@DBT_REQUIREMENTS@'

TOKYOBETA_DBT_CONSTRAINTS='@DBT_CONSTRAINTS@'

tokyobeta_build_dbt_venv() {
  local venv="$1" pins stamp work
  pins="$(printf '%s\n--constraint\n%s\n' "$TOKYOBETA_DBT_REQUIREMENTS" "$TOKYOBETA_DBT_CONSTRAINTS")"
  stamp="$venv/.tokyobeta-pins"
  if [[ -x "$venv/bin/dbt" && -f "$stamp" && "$(cat "$stamp")" == "$pins" ]]; then
    echo "tokyobeta startup: dbt venv $venv is up to date"
    return 0
  fi
  echo "tokyobeta startup: building the dbt venv $venv"
  work="$(mktemp -d)"
  printf '%s\n' "$TOKYOBETA_DBT_REQUIREMENTS" >"$work/requirements.txt"
  printf '%s\n' "$TOKYOBETA_DBT_CONSTRAINTS" >"$work/constraints.txt"
  python3 -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
    -r "$work/requirements.txt" --constraint "$work/constraints.txt"
  "$venv/bin/python" -c 'import dbt.cli.main, dbt.adapters.mysql'
  rm -rf "$work"
  # written last: a build cut short (the 5-minute limit) leaves no stamp and is redone on the next start
  printf '%s' "$pins" >"$stamp"
}

tokyobeta_build_dbt_venv "$TOKYOBETA_DBT_VENV"

# Read by the DAG (tokyobeta_etl.dbt_project) and passed on to every dbt process; no telemetry from dbt or Cosmos.
export TOKYOBETA_DBT_EXECUTABLE="$TOKYOBETA_DBT_VENV/bin/dbt"
export DO_NOT_TRACK=1
export DBT_SEND_ANONYMOUS_USAGE_STATS=False
export AIRFLOW__COSMOS__ENABLE_TELEMETRY=False

# tokyobeta-etl: local environments, tests, demo and benchmarks.
# `make demo` runs the daily job on local defaults; `make test` runs the test suite. Both build what they need.

PYTHON      ?= python3.11
VENV        := .venv
DBT_VENV    := .dbt-venv
CONSTRAINTS := constraints/constraints-2.10.3-py3.11.txt
DBT_LOCK    := constraints/dbt-venv.txt
PIP_QUIET   := --quiet --disable-pip-version-check
export PYTHONPATH := $(CURDIR)/plugins
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False

DBT_PROJECT := include/dbt
MANIFEST    := $(DBT_PROJECT)/target/manifest.json
DBT_SOURCES := $(DBT_PROJECT)/dbt_project.yml $(shell find $(DBT_PROJECT)/models $(DBT_PROJECT)/macros \
                 $(DBT_PROJECT)/seeds $(DBT_PROJECT)/tests -type f 2>/dev/null)

.PHONY: setup manifest bundle deploy-check test lint demo bench dbt-lock clean up down

setup: $(VENV)/.installed $(DBT_VENV)/.installed $(MANIFEST)

# Cosmos renders the dbt task groups from this file, so DAG parsing never runs dbt. `dbt parse` needs no database.
manifest: $(MANIFEST)
$(MANIFEST): $(DBT_VENV)/.installed $(DBT_SOURCES)
	cd $(DBT_PROJECT) && $(CURDIR)/$(DBT_VENV)/bin/dbt --quiet parse --profiles-dir .

# Airflow exactly as MWAA 2.10.3 resolves it: the project's requirements under MWAA's constraints file.
$(VENV)/.installed: requirements.txt requirements-dev.txt $(CONSTRAINTS)
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_QUIET) "pip==24.3.1"
	$(VENV)/bin/pip install $(PIP_QUIET) "apache-airflow==2.10.3" -r requirements.txt -r requirements-dev.txt \
		--constraint $(CONSTRAINTS)
	touch $@

# dbt 1.7 cannot live under Airflow's constraints: its own venv, fully pinned.
$(DBT_VENV)/.installed: requirements-dbt.txt $(DBT_LOCK)
	test -x $(DBT_VENV)/bin/python || $(PYTHON) -m venv $(DBT_VENV)
	$(DBT_VENV)/bin/pip install $(PIP_QUIET) -r requirements-dbt.txt --constraint $(DBT_LOCK)
	touch $@

# The Amazon MWAA deployment (dags/, plugins.zip, requirements.txt, startup.sh): README, "Deploy to MWAA".
BUNDLE_DIR ?= dist/mwaa
bundle: $(MANIFEST)
	$(PYTHON) tools/build_bundle.py --out $(BUNDLE_DIR)

# The command that deploys deploy/tokyobeta-platform.yaml with the bundle uploaded to BUCKET (its object versions read
# from S3 and compared with $(BUNDLE_DIR)); it deploys nothing. DEPLOY_ARGS: e.g. --first --parameter AlertEmail=...
deploy-check: $(VENV)/.installed
	$(VENV)/bin/python tools/deploy_check.py --bucket "$(BUCKET)" --bundle $(BUNDLE_DIR) $(DEPLOY_ARGS)

dbt-lock:
	$(DBT_VENV)/bin/pip freeze --exclude-editable | sed '1i # Full pin of the dbt virtualenv (pip freeze after installing requirements-dbt.txt). Regenerate with `make dbt-lock`.' > $(DBT_LOCK)

test: setup
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check dags plugins tests tools bench
	$(VENV)/bin/ruff format --check dags plugins tests tools bench
	$(VENV)/bin/sqlfluff lint include/sql
	$(VENV)/bin/sqlfluff lint include/dbt/models
	$(VENV)/bin/cfn-lint deploy/*.yaml

demo: setup
	$(VENV)/bin/python tools/demo.py $(DEMO_ARGS)

# Speed and memory targets live here, never in timed tests. Results: bench/results/*.json (committed, dated).
bench: setup
	$(VENV)/bin/python bench/bench_staging.py
	$(VENV)/bin/python bench/bench_kpi.py
	$(VENV)/bin/python bench/bench_silver.py
	$(VENV)/bin/python bench/bench_reader.py
	$(VENV)/bin/python bench/bench_history.py

# The local UI (docker compose; README "Local UI with docker compose"): http://localhost:8080
up:
	docker compose up -d --build

down:
	docker compose down -v

clean:
	rm -rf $(VENV) $(DBT_VENV) dist .pytest_cache .ruff_cache

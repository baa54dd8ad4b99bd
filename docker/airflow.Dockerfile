# The Airflow image of docker-compose.yaml (local development only): the official Apache Airflow 2.10.3 image on
# Python 3.11 -- the versions MWAA 2.10.3 runs --, the project's requirements under the same constraints file as
# `make setup` and MWAA (docs/decisions/0001-environments.md), and dbt in a virtualenv of its own.
# Build context: the repository root; .dockerignore lets in only the files copied below.
FROM apache/airflow:2.10.3-python3.11

COPY --chown=airflow:0 requirements.txt requirements-dbt.txt /opt/tokyobeta/
COPY --chown=airflow:0 constraints/ /opt/tokyobeta/constraints/

# requirements.txt under MWAA's constraints. The official image already ships the MySQL provider and its driver,
# mysqlclient, built against the image's MySQL client library; the constraints pin that same mysqlclient (2.2.5), so
# pip finds it satisfied and compiles nothing (the image has no compiler). apache-airflow is named so that nothing
# can move it.
RUN pip install --no-cache-dir "apache-airflow==2.10.3" -r /opt/tokyobeta/requirements.txt \
        --constraint /opt/tokyobeta/constraints/constraints-2.10.3-py3.11.txt

# dbt 1.7 cannot live under Airflow's constraints: its own virtualenv, fully pinned, like .dbt-venv (`make setup`)
# and the one MWAA's startup script builds. PIP_USER=false: the image may set PIP_USER, which a venv's pip refuses.
RUN python -m venv /opt/airflow/dbt_venv \
    && PIP_USER=false /opt/airflow/dbt_venv/bin/pip install --no-cache-dir -r /opt/tokyobeta/requirements-dbt.txt \
        --constraint /opt/tokyobeta/constraints/dbt-venv.txt \
    && /opt/airflow/dbt_venv/bin/python -c "import dbt.adapters.mysql"

# Where tokyobeta_etl.dbt_project finds dbt; no usage statistics from dbt or Cosmos.
ENV TOKYOBETA_DBT_EXECUTABLE=/opt/airflow/dbt_venv/bin/dbt \
    DO_NOT_TRACK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False

"""docker-compose.yaml and docker/airflow.Dockerfile, checked without Docker (no daemon on these machines): the
services, pinned images, health checks, mounts, ports, the connections the DAG will use, and that everything the
files name exists in the repository."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

import pytest
import yaml

from tokyobeta_etl import config
from tokyobeta_etl.data_contract import DEFAULT_BUCKET, DEFAULT_PREFIX

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yaml"
DOCKERFILE = REPO / "docker" / "airflow.Dockerfile"
AIRFLOW_SERVICES = ("airflow-init", "airflow-webserver", "airflow-scheduler", "airflow-triggerer")
LONG_RUNNING = ("mysql", "moto", "postgres", "airflow-webserver", "airflow-scheduler", "airflow-triggerer")
AIRFLOW_IMAGE = "apache/airflow:2.10.3-python3.11"
CONSTRAINTS = "constraints/constraints-2.10.3-py3.11.txt"
DBT_LOCK = "constraints/dbt-venv.txt"
DBT_EXECUTABLE = "/opt/airflow/dbt_venv/bin/dbt"

_VARIABLE = re.compile(r"\$\{(\w+)(:?-([^}]*))?\}")


def interpolate(value):
    """Compose's interpolation with nothing set in the environment: ${VAR:-default} -> default, $$ -> $."""
    if isinstance(value, dict):
        return {k: interpolate(v) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v) for v in value]
    if isinstance(value, str):
        parts = value.split("$$")
        return "$".join(_VARIABLE.sub(lambda m: m.group(3) or "", part) for part in parts)
    return value


@pytest.fixture(scope="module")
def compose() -> dict:
    return interpolate(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments left out."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    text = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in text.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), " ".join(rest.split())))
    return out


def mounts(service: dict) -> dict[str, str]:
    """container path -> host path (bind mounts) or volume name."""
    out = {}
    for spec in service.get("volumes", []):
        source, target, *_ = spec.split(":")
        out[target] = source
    return out


def published(service: dict) -> dict[int, tuple[str, int]]:
    """container port -> (host address, host port)."""
    out = {}
    for spec in service.get("ports", []):
        parts = str(spec).split(":")
        address, host, container = parts if len(parts) == 3 else ("0.0.0.0", *parts)
        out[int(container)] = (address, int(host))
    return out


def test_the_services(services):
    assert set(services) == {"mysql", "moto", "postgres", *AIRFLOW_SERVICES}


def test_every_variable_has_a_default_so_no_env_file_is_needed():
    text = COMPOSE.read_text().replace("$$", "")  # $${X} is the container's shell variable, not compose's
    undefaulted = [m.group(0) for m in _VARIABLE.finditer(text) if m.group(2) is None]
    assert not undefaulted


def test_every_image_is_pinned_to_an_exact_version(services):
    for name, service in services.items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest", f"{name}: {image}"
    assert re.fullmatch(r"mysql:8\.0\.\d+", services["mysql"]["image"])
    assert re.fullmatch(r"postgres:16\.\d+", services["postgres"]["image"])
    moto_pin = re.search(r"^moto\[server\]==(\S+)$", (REPO / "requirements-dev.txt").read_text(), re.M).group(1)
    assert services["moto"]["image"] == f"motoserver/moto:{moto_pin}"  # the moto the tests run
    for name in AIRFLOW_SERVICES:
        assert services[name]["build"] == {"context": ".", "dockerfile": "docker/airflow.Dockerfile"}, name
        assert services[name]["image"] == "tokyobeta-etl-airflow:2.10.3-python3.11", name


def test_the_airflow_image_is_the_official_one_with_the_mwaa_constraints_and_the_dbt_venv():
    steps = dockerfile_instructions()
    assert [args for word, args in steps if word == "FROM"] == [AIRFLOW_IMAGE]
    runs = [args for word, args in steps if word == "RUN"]
    pip = [r for r in runs if re.search(r"-r \S*/requirements\.txt\b", r)]
    assert len(pip) == 1, runs
    assert re.search(r"pip install .*\"apache-airflow==2\.10\.3\" -r \S*/requirements\.txt", pip[0]), pip[0]
    assert re.search(rf"--constraint \S*/{re.escape(CONSTRAINTS)}\b", pip[0]), pip[0]
    dbt = [r for r in runs if "requirements-dbt.txt" in r]
    assert len(dbt) == 1, runs
    assert "python -m venv /opt/airflow/dbt_venv" in dbt[0]
    assert re.search(
        rf"/opt/airflow/dbt_venv/bin/pip install .*-r \S*/requirements-dbt\.txt --constraint \S*/{re.escape(DBT_LOCK)}",
        dbt[0],
    ), dbt[0]
    env = " ".join(args for word, args in steps if word == "ENV")
    for setting in (
        f"TOKYOBETA_DBT_EXECUTABLE={DBT_EXECUTABLE}",
        "DO_NOT_TRACK=1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS=False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY=False",
    ):
        assert setting in env.split(), setting


def test_the_build_context_lets_in_exactly_what_the_image_copies():
    ignore = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()]
    ignore = [line for line in ignore if line and not line.startswith("#")]
    assert ignore[0] == "*"  # .venv, .dbt-venv, .git never reach the daemon
    allowed = {line[1:].rstrip("/") for line in ignore[1:] if line.startswith("!")}
    copied = set()
    for word, args in dockerfile_instructions():
        if word == "COPY":
            sources = [a for a in args.split() if not a.startswith("--")][:-1]
            copied |= {s.rstrip("/") for s in sources}
    assert copied == allowed
    for source in copied:
        assert (REPO / source).exists(), source
    assert (REPO / CONSTRAINTS).is_file() and (REPO / DBT_LOCK).is_file()


def test_long_running_services_have_health_checks_and_the_init_runs_once(services):
    for name in LONG_RUNNING:
        test = services[name]["healthcheck"]["test"]
        assert test and test[0] in ("CMD", "CMD-SHELL"), name
    assert "mysqladmin ping" in services["mysql"]["healthcheck"]["test"][1]
    assert services["postgres"]["healthcheck"]["test"][1] == "pg_isready"
    assert "/moto-api/" in " ".join(services["moto"]["healthcheck"]["test"])
    assert "http://localhost:8080/health" in services["airflow-webserver"]["healthcheck"]["test"]
    assert "http://localhost:8974/health" in services["airflow-scheduler"]["healthcheck"]["test"]
    assert services["airflow-scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    assert "TriggererJob" in " ".join(services["airflow-triggerer"]["healthcheck"]["test"])
    assert "healthcheck" not in services["airflow-init"]
    assert services["airflow-init"]["restart"] == "no"


def test_start_order(services):
    init = services["airflow-init"]["depends_on"]
    assert {name: dep["condition"] for name, dep in init.items()} == {
        "mysql": "service_healthy",
        "moto": "service_healthy",
        "postgres": "service_healthy",
    }
    for name in ("airflow-webserver", "airflow-scheduler", "airflow-triggerer"):
        assert services[name]["depends_on"]["airflow-init"] == {"condition": "service_completed_successfully"}, name
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}, name


def test_airflow_services_mount_the_code_where_the_package_looks_for_it(services):
    for name in AIRFLOW_SERVICES:
        m = mounts(services[name])
        assert m["/opt/airflow/dags"] == "./dags", name
        assert m["/opt/airflow/plugins"] == "./plugins", name
        assert m["/opt/airflow/include"] == "./include", name
        assert services[name]["environment"]["PYTHONPATH"] == "/opt/airflow/plugins", name
        # tokyobeta_etl.config.include_dir(): include/ one level above the DAG folder
        assert PurePosixPath("/opt/airflow/dags").parent / "include" == PurePosixPath("/opt/airflow/include")
    init = services["airflow-init"]
    assert mounts(init)["/opt/airflow/tools"] == "./tools"
    script = init["command"][-1]
    assert "airflow db migrate" in script and "airflow users create" in script
    assert "python /opt/airflow/tools/local_init.py" in script
    # local_init.py finds plugins/ and include/ beside tools/, as in this repository
    assert {"/opt/airflow/plugins", "/opt/airflow/include"} <= set(mounts(init))


def test_every_path_the_files_name_exists_in_the_repository(services):
    for name, service in services.items():
        for target, source in mounts(service).items():
            if source.startswith("."):
                assert (REPO / source).is_dir(), f"{name}: {source} -> {target}"
        if "build" in service:
            assert (REPO / service["build"]["context"]).is_dir()
            assert (REPO / service["build"]["dockerfile"]).is_file()
    assert (REPO / "tools" / "local_init.py").is_file()
    assert (REPO / "include" / "dbt" / "profiles.yml").is_file()  # `dbt parse --profiles-dir .` in airflow-init


def test_ports(services):
    assert published(services["airflow-webserver"])[8080] == ("127.0.0.1", 8080)
    assert 3306 in published(services["mysql"])
    assert 5000 in published(services["moto"])
    assert "ports" not in services["postgres"]
    hosts = [port for s in services.values() for _, port in published(s).values()]
    assert len(hosts) == len(set(hosts))
    for service in services.values():
        assert all(address == "127.0.0.1" for address, _ in published(service).values())  # dev-only passwords


def test_mysql_is_utf8mb4_with_the_projects_collation(services):
    collations = set(re.findall(r"COLLATE (\w+)", (REPO / "include" / "sql" / "admin" / "grants.sql").read_text()))
    assert len(collations) == 1
    command = services["mysql"]["command"]
    assert "--character-set-server=utf8mb4" in command
    assert f"--collation-server={collations.pop()}" in command


def test_airflow_runs_the_pipeline_as_the_etl_user_against_the_compose_services(services):
    env = services["airflow-scheduler"]["environment"]
    for name in AIRFLOW_SERVICES:
        for key in ("AIRFLOW_CONN_TOKYOBETA_AURORA", "AIRFLOW_CONN_AWS_DEFAULT", "AIRFLOW__CORE__EXECUTOR"):
            assert services[name]["environment"][key] == env[key], (name, key)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert urlparse(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]).hostname == "postgres"
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
    mysql = json.loads(env["AIRFLOW_CONN_TOKYOBETA_AURORA"])
    assert (mysql["conn_type"], mysql["host"], mysql["port"]) == ("mysql", "mysql", 3306)
    assert mysql["login"] == "tokyobeta_etl" and mysql["password"]
    assert mysql["extra"]["charset"] == "utf8mb4"
    admin = urlparse(services["airflow-init"]["environment"]["TOKYOBETA_LOCAL_MYSQL_ADMIN_URL"])
    assert mysql["login"] != admin.username == "root"
    assert admin.password == services["mysql"]["environment"]["MYSQL_ROOT_PASSWORD"]
    aws = json.loads(env["AIRFLOW_CONN_AWS_DEFAULT"])
    assert aws["conn_type"] == "aws"
    assert aws["extra"] == {"endpoint_url": "http://moto:5000", "region_name": "ap-northeast-1"}
    assert env["AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN"].startswith("arn:aws:sns:ap-northeast-1:")
    for key in ("DO_NOT_TRACK", "DBT_SEND_ANONYMOUS_USAGE_STATS", "AIRFLOW__COSMOS__ENABLE_TELEMETRY"):
        assert key in env


def test_the_init_step_prepares_what_airflow_will_use(services, local_init):
    """tools/local_init.py reads its targets from the same environment: the compose one resolves to its services."""
    t = local_init.targets_from_env(services["airflow-init"]["environment"])
    env = services["airflow-scheduler"]["environment"]
    mysql = json.loads(env["AIRFLOW_CONN_TOKYOBETA_AURORA"])
    assert (t.admin.host, t.admin.port, t.admin.login) == ("mysql", 3306, "root")
    assert (t.mysql.host, t.mysql.login, t.mysql.password) == ("mysql", mysql["login"], mysql["password"])
    assert (t.endpoint_url, t.region) == ("http://moto:5000", "ap-northeast-1")
    assert (t.bucket, t.prefix) == (DEFAULT_BUCKET, DEFAULT_PREFIX)
    assert t.topic_arn == env["AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN"]


def test_every_airflow_service_sets_the_deployments_airflow_options(services):
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        for key, value in config.airflow_config_env().items():
            assert env.get(key) == value, (name, key)

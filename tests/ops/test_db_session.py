"""Every pipeline session is bounded by one setting (tokyobeta_lock_wait_seconds): Python connections, the SQL
steps' hook and dbt's pre-hook, checked against the real server's session variables."""

from contextlib import closing

import pytest

from tokyobeta_etl import config, db_session


def session_waits(conn) -> tuple[int, int]:
    with closing(conn.cursor()) as cur:
        cur.execute("SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout")
        return tuple(int(v) for v in cur.fetchone())


def test_pipeline_connections_carry_the_variable(airflow_env, etl_user, monkeypatch):
    assert config.VARIABLE_DEFAULTS["tokyobeta_lock_wait_seconds"] == "300"
    with closing(db_session.connect()) as conn:
        assert session_waits(conn) == (300, 300)
    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_LOCK_WAIT_SECONDS", "7")
    with closing(db_session.connect()) as conn:
        assert session_waits(conn) == (7, 7)
    from tokyobeta_etl.operators.loads import PipelineSqlOperator, create_schemas

    step = create_schemas()
    assert isinstance(step, PipelineSqlOperator)
    with closing(step.get_db_hook().get_conn()) as conn:
        assert session_waits(conn) == (7, 7)


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "3601", "1.5"])
def test_a_bad_lock_wait_variable_is_refused_by_name(airflow_env, monkeypatch, raw):
    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_LOCK_WAIT_SECONDS", raw)
    with pytest.raises(ValueError, match="tokyobeta_lock_wait_seconds must be a whole number of seconds from 1"):
        db_session.lock_wait_seconds()


def test_dbt_sets_the_same_limits_from_its_var(dbt, mysql_server):
    """The dbt project's default is the Variable's default, and the pre-hook every model and seed runs sets both
    limits from the var the DAG passes."""
    import yaml

    project = yaml.safe_load((db_session_project() / "dbt_project.yml").read_text())
    assert str(project["vars"]["lock_wait_seconds"]) == config.VARIABLE_DEFAULTS["tokyobeta_lock_wait_seconds"]
    compiled = dbt.run("compile", "--inline", "{{ set_session_limits() }}", vars={"lock_wait_seconds": 9})
    assert "set session lock_wait_timeout = 9, innodb_lock_wait_timeout = 9" in compiled.stdout


def db_session_project():
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "include" / "dbt"


def test_tables_a_statement_names_are_found_for_the_blocker_report():
    sql = "RENAME TABLE `staging`.`movings` TO `staging_prev`.`movings`, staging_load.movings TO staging.movings"
    assert db_session.tables_in(sql) == ["staging.movings", "staging_prev.movings", "staging_load.movings"]
    assert db_session.tables_in("SELECT 1 FROM mysql.user, test.t") == []
    assert db_session.is_lock_wait_timeout("(1205, 'Lock wait timeout exceeded; try restarting transaction')")
    assert not db_session.is_lock_wait_timeout("(1062, 'Duplicate entry')")

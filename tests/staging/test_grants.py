"""The shipped grants give the ETL user its own schemas and nothing else."""

import MySQLdb
import pytest


@pytest.fixture
def etl_conn(mysql_server, etl_user):
    conn = mysql_server.connect(user=etl_user.user, password=etl_user.password)
    yield conn.cursor()
    conn.close()


def test_etl_user_can_build_and_rename_in_its_schemas(etl_conn, warehouse):
    etl_conn.execute("CREATE TABLE staging_load.grant_probe (id INT PRIMARY KEY)")
    etl_conn.execute("INSERT INTO staging_load.grant_probe VALUES (1)")
    etl_conn.execute("RENAME TABLE staging_load.grant_probe TO staging.grant_probe")
    etl_conn.execute("ALTER TABLE staging.grant_probe COMMENT = 'x'")
    etl_conn.execute("DROP TABLE staging.grant_probe")


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE DATABASE not_ours",
        "CREATE TABLE mysql.grant_probe (id INT)",
        "SELECT * FROM mysql.user",
        "GRANT SELECT ON staging.* TO 'someone'@'%'",
        "CREATE USER 'intruder'@'%' IDENTIFIED BY 'x'",
        "DROP DATABASE mysql",
        "SET GLOBAL max_connections = 10",
        "SELECT 1 INTO OUTFILE '/tmp/tokyobeta_probe.txt'",
    ],
)
def test_etl_user_is_refused_outside_its_rights(etl_conn, statement):
    with pytest.raises((MySQLdb.OperationalError, MySQLdb.ProgrammingError)) as err:
        etl_conn.execute(statement)
    assert err.value.args[0] in (1044, 1045, 1142, 1227, 1410, 1133, 1211, 1064, 1396, 1148), err.value


def test_etl_user_sees_other_sessions_but_cannot_end_them(etl_conn, mysql_server):
    """PROCESS (to name a session blocking a lock): other sessions and InnoDB's lock views are visible, no more."""
    admin = mysql_server.connect()
    try:
        cur = admin.cursor()
        cur.execute("SELECT CONNECTION_ID()")
        (admin_id,) = cur.fetchone()
        etl_conn.execute("SELECT USER FROM information_schema.PROCESSLIST WHERE ID = %s", (admin_id,))
        assert etl_conn.fetchall() == ((mysql_server.admin_user,),)
        etl_conn.execute("SELECT COUNT(*) FROM information_schema.INNODB_TRX")
        with pytest.raises(MySQLdb.OperationalError) as err:
            etl_conn.execute(f"KILL {admin_id}")
        assert err.value.args[0] == 1095, err.value  # ER_KILL_DENIED_ERROR: not the owner of that session
    finally:
        admin.close()

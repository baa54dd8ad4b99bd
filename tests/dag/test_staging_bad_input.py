"""Every kind of bad input fails the run with an error naming the file and the table/column/statement,
and leaves staging exactly as it was (fingerprint of every table before and after)."""

import datetime as dt
import gzip

import pytest

from harness import mutate
from harness import warehouse as wh
from harness.runs import daily_dag, run_batch, simulate_to_s3, task_states

GOOD, BAD = dt.date(2026, 2, 9), dt.date(2026, 2, 10)
BAD_YMD = BAD.strftime("%Y%m%d")
STAGING_SCHEMAS = ("staging", "staging_prev")


@pytest.fixture(scope="module")
def published(airflow_env, mysql_server, moto_server):
    """GOOD published through the DAG; BAD's good dumps kept in memory for each test to spoil one of them."""
    from harness import warehouse
    from tokyobeta_etl.data_contract import DEFAULT_BUCKET

    warehouse.reset(mysql_server)
    moto_server.reset()
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    dag = daily_dag()
    simulate_to_s3(s3, DEFAULT_BUCKET, GOOD, 2)
    run = run_batch(dag, GOOD)
    assert run.state == "success", task_states(run)
    good_next = {
        stem: s3.get_object(Bucket=DEFAULT_BUCKET, Key=f"dumps/{stem}_{BAD_YMD}.sql")["Body"].read()
        for stem in ("movings", "tenants", "rooms", "inquiries")
    }
    return dag, good_next, wh.fingerprint(mysql_server, STAGING_SCHEMAS)


def attempt(published, mysql_server, s3_client, replace: dict[str, bytes | None], conf=None):
    """Upload BAD's dumps with `replace` applied (None deletes a dump), run BAD, return (run, audit errors)."""
    from tokyobeta_etl.data_contract import DEFAULT_BUCKET

    dag, good_next, _ = published
    for stem, data in {**good_next, **replace}.items():
        key = f"dumps/{stem}_{BAD_YMD}.sql"
        if data is None:
            s3_client.delete_object(Bucket=DEFAULT_BUCKET, Key=key)
        else:
            s3_client.put_object(Bucket=DEFAULT_BUCKET, Key=key, Body=data)
    mysql_server.execute(f"DELETE FROM ops.load_audit WHERE batch_date = '{BAD}'")  # earlier cases' rows
    run = run_batch(dag, BAD, conf)
    conn = mysql_server.connect()
    cur = conn.cursor()
    cur.execute(
        "SELECT table_name, error_message FROM ops.load_audit WHERE batch_date = %s AND outcome = 'failed'", (BAD,)
    )
    errors = dict(cur.fetchall())
    conn.close()
    return run, errors


def assert_failed_and_unchanged(run, published, mysql_server):
    assert run.state == "failed"
    states = task_states(run)
    assert states["publish_staging"] in ("upstream_failed", None), states
    assert wh.fingerprint(mysql_server, STAGING_SCHEMAS) == published[2]


def one_error(errors: dict) -> str:
    assert errors, "the failed load recorded no error in ops.load_audit"
    return " | ".join(sorted(set(errors.values())))


FORBIDDEN = {
    "another table": (b"INSERT INTO `users` VALUES (1,'x');", "users"),
    "another schema": (b"INSERT INTO `mysql`.`movings` VALUES (1);", "mysql"),
    "grant": (b"GRANT ALL PRIVILEGES ON *.* TO 'intruder'@'%';", "GRANT"),
    "create user": (b"CREATE USER 'intruder'@'%' IDENTIFIED BY 'pw';", "CREATE USER"),
    "drop database": (b"DROP DATABASE `staging`;", "DROP DATABASE"),
    "trigger": (
        b"DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `trg` BEFORE INSERT "
        b"ON `movings` FOR EACH ROW SET NEW.rent = 0 */;;\nDELIMITER ;",
        "DELIMITER",
    ),
    "plain trigger": (b"CREATE TRIGGER trg BEFORE INSERT ON movings FOR EACH ROW SET NEW.rent = 0;", "TRIGGER"),
    "procedure": (b"CREATE PROCEDURE p() SELECT 1;", "PROCEDURE"),
    "event": (b"CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM movings;", "EVENT"),
    "load data": (b"LOAD DATA INFILE '/etc/passwd' INTO TABLE movings;", "LOAD DATA"),
    "select into outfile": (b"SELECT * FROM movings INTO OUTFILE '/tmp/tokyobeta_leak';", "OUTFILE"),
}


@pytest.mark.parametrize("kind", list(FORBIDDEN))
def test_forbidden_statement_is_refused_by_name(published, mysql_server, s3_client, kind):
    statement, fragment = FORBIDDEN[kind]
    bad = mutate.insert_before_trailer(published[1]["movings"], statement)
    run, errors = attempt(published, mysql_server, s3_client, {"movings": bad})
    assert_failed_and_unchanged(run, published, mysql_server)
    message = one_error(errors)
    assert f"movings_{BAD_YMD}.sql" in message and fragment.lower() in message.lower(), message


def bad_cases(server, good):
    return {
        "truncated at a statement boundary": (
            {"tenants": mutate.cut_after_first_insert(good["tenants"])},
            ["tenants_", "Dump completed"],
        ),
        "cut mid-INSERT": ({"rooms": mutate.cut_mid_insert(good["rooms"], "rooms")}, ["rooms_", "line"]),
        "missing column": (
            {"tenants": mutate.redump(server, good["tenants"], "tenants", "ALTER TABLE tenants DROP COLUMN moving_id")},
            ["tenants_", "moving_id"],
        ),
        "duplicate primary key": (
            {"rooms": mutate.duplicate_first_row(good["rooms"], "apartments")},
            ["rooms_", "apartments", "uplicate"],
        ),
        "empty table": (
            {"inquiries": mutate.redump(server, good["inquiries"], "inquiries", "DELETE FROM inquiries")},
            ["inquiries_", "inquiries", "no rows"],
        ),
        "wrong table in a file": ({"movings": good["tenants"]}, ["movings_", "tenants"]),
        "invalid utf8": ({"tenants": mutate.corrupt_utf8(good["tenants"])}, ["tenants_", "utf8"]),
        "gzip named .sql": (
            {"movings": gzip.compress(good["movings"])},
            [f"movings_{BAD_YMD}.sql is gzip-compressed data, not SQL text: name it movings_{BAD_YMD}.sql.gz"],
        ),
        "shrink beyond the threshold": (
            {"rooms": mutate.redump(server, good["rooms"], "rooms", "DELETE FROM rooms WHERE id % 2 = 0")},
            ["rooms_", "rooms", "shrink", "allow_shrink"],
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "truncated at a statement boundary",
        "cut mid-INSERT",
        "missing column",
        "duplicate primary key",
        "empty table",
        "wrong table in a file",
        "invalid utf8",
        "gzip named .sql",
        "shrink beyond the threshold",
    ],
)
def test_bad_dump_fails_naming_file_and_table(published, mysql_server, s3_client, case):
    replace, fragments = bad_cases(mysql_server, published[1])[case]
    run, errors = attempt(published, mysql_server, s3_client, replace)
    assert_failed_and_unchanged(run, published, mysql_server)
    message = one_error(errors)
    for fragment in fragments:
        assert fragment.lower() in message.lower(), (fragment, message)


def test_clearing_publish_alone_after_a_failed_load_publishes_nothing(published, mysql_server, s3_client):
    """A file that forges the pipeline's batch tag and then fails: clearing only publish_staging (as an on-call
    engineer might) must find nothing it could take for complete in the load area, and change nothing. (Before the
    test below that publishes a shrunk batch: with that batch published, publish_staging would rightly be a no-op.)"""
    from harness.runs import STAGING_END, fire_time

    forged = f"COMMENT='tokyobeta batch={BAD}'".encode()
    bad = published[1]["movings"].replace(b") ENGINE=InnoDB", b") ENGINE=InnoDB " + forged, 1)
    bad = mutate.insert_before_trailer(bad, b"INSERT INTO `movings` VALUES (999999, SLEEP(1));")
    run, errors = attempt(published, mysql_server, s3_client, {"movings": bad})
    assert_failed_and_unchanged(run, published, mysql_server)
    assert "SLEEP(" in one_error(errors)
    dag = published[0]
    staging = dag.partial_subset(task_ids_or_regex=f"^{STAGING_END}$", include_upstream=True, include_downstream=False)
    alone = staging.partial_subset(task_ids_or_regex=f"^{STAGING_END}$", include_upstream=False)
    rerun = alone.test(execution_date=fire_time(BAD))
    assert task_states(rerun)["publish_staging"] == "failed"
    assert wh.fingerprint(mysql_server, STAGING_SCHEMAS) == published[2]
    conn = mysql_server.connect()
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT table_name, table_comment FROM information_schema.tables WHERE table_schema = 'staging_load'"
        )
        assert "movings" not in dict(cur.fetchall())
    finally:
        conn.close()


def test_missing_dump_times_out_naming_the_key(published, mysql_server, s3_client, caplog):
    run, errors = attempt(published, mysql_server, s3_client, {"inquiries": None})
    assert_failed_and_unchanged(run, published, mysql_server)
    assert task_states(run)["wait_for_dumps"] == "failed"
    assert errors == {}  # nothing was loaded at all
    alerts = [r.getMessage() for r in caplog.records if "ALERT tokyobeta" in r.getMessage()]
    assert any(f"s3://jram-gghouse/dumps/inquiries_{BAD_YMD}.sql" in a for a in alerts), alerts


def test_a_dump_in_both_forms_fails_the_sensor_at_once_naming_both(published, mysql_server, s3_client, caplog):
    from tokyobeta_etl.data_contract import DEFAULT_BUCKET

    extra = f"dumps/tenants_{BAD_YMD}.sql.gz"
    s3_client.put_object(Bucket=DEFAULT_BUCKET, Key=extra, Body=gzip.compress(published[1]["tenants"]))
    try:
        run, errors = attempt(published, mysql_server, s3_client, {})
    finally:
        s3_client.delete_object(Bucket=DEFAULT_BUCKET, Key=extra)
    assert_failed_and_unchanged(run, published, mysql_server)
    assert task_states(run)["wait_for_dumps"] == "failed"  # not passed on to a load that would pick the .sql
    assert errors == {}  # nothing was loaded at all
    both = f"both s3://{DEFAULT_BUCKET}/dumps/tenants_{BAD_YMD}.sql and s3://{DEFAULT_BUCKET}/{extra} exist"
    alerts = [r.getMessage() for r in caplog.records if "ALERT tokyobeta" in r.getMessage()]
    assert any(both in a and "delete the one that is not the dump" in a for a in alerts), alerts


def test_a_real_shrink_passes_when_the_run_allows_it(published, mysql_server, s3_client):
    rooms = mutate.redump(mysql_server, published[1]["rooms"], "rooms", "DELETE FROM rooms WHERE id % 2 = 0")
    run, errors = attempt(published, mysql_server, s3_client, {"rooms": rooms}, conf={"allow_shrink": True})
    assert run.state == "success", (task_states(run), errors)
    assert wh.fingerprint(mysql_server, STAGING_SCHEMAS) != published[2]

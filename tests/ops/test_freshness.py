"""The freshness check: grading (pure), the tables, tags and dumps it reads (MariaDB, moto), the 09:00 DAG's SNS
messages (one CRITICAL per check, one WARN per day) and the on-call command.

Airflow's metadata here is the test session's SQLite database: the daily DAG is recorded in it by hand (unpaused,
one successful run for TODAY's batch unless a test says otherwise). tests/dag/test_freshness_day_one.py has the
same findings under a real scheduler."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from tokyobeta_etl import alert_messages, freshness
from tokyobeta_etl.airflow_meta import RunInfo
from tokyobeta_etl.data_contract import DUMP_FILES, STAGING_TABLES
from tokyobeta_etl.loading.generations import batch_tag

TODAY = dt.date(2026, 3, 10)
DAILY = "tokyobeta_daily_etl"
JST = "Asia/Tokyo"


def fire(day: dt.date) -> pendulum.DateTime:
    """07:00 JST on `day`: the data_interval_end of the scheduled run of batch `day`."""
    return pendulum.datetime(day.year, day.month, day.day, 7, tz=JST)


def run(state: str, *, conf: dict | None = None, ends: dt.date = TODAY, run_id: str = "") -> RunInfo:
    end = fire(ends)
    run_id = run_id or f"scheduled__{end.subtract(days=1).in_timezone('UTC').isoformat()}"
    return RunInfo(DAILY, run_id, "manual" if conf else "scheduled", state, conf or {}, end, end, None)


# --- grading (pure) -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "level", "age"),
    [
        (TODAY, "ok", 0),
        (dt.datetime(2026, 3, 9, 23, 59), "ok", 1),
        (dt.date(2026, 3, 8), "warning", 2),
        (dt.date(2026, 3, 7), "critical", 3),
        (None, "critical", None),
    ],
)
def test_grade(latest, level, age):
    check = freshness.grade("t", latest, TODAY)
    assert (check.level, check.age_days) == (level, age)
    assert (check.action != "") == (level != "ok")


def test_the_thresholds_are_silver_and_golds_warning_after_one_day_critical_after_two():
    assert (freshness.WARNING_AFTER_DAYS, freshness.CRITICAL_AFTER_DAYS) == (1, 2)
    assert set(freshness.TABLE_CHECKS) == {"silver.tenant_room_snapshot_daily", "gold.occupancy_daily_metrics"}


def _tags(batch: dt.date | None) -> dict[str, dt.date | None]:
    return dict.fromkeys(STAGING_TABLES, batch)


def test_staging_is_fresh_only_with_the_check_dates_batch_tag():
    assert freshness.staging_check(_tags(TODAY), TODAY).level == "ok"
    assert freshness.staging_check(_tags(TODAY + dt.timedelta(days=1)), TODAY).level == "ok"  # a past date checked
    day_old = freshness.staging_check(_tags(TODAY - dt.timedelta(days=1)), TODAY)
    assert (day_old.level, day_old.headline(), day_old.latest) == (
        "critical",
        "staging at 2026-03-09",
        TODAY - dt.timedelta(days=1),
    )
    assert day_old.detail == "batch 2026-03-09 (tag on the 5 tables), 1 day older than the check date"
    untagged = freshness.staging_check(_tags(None), TODAY)
    assert (untagged.level, untagged.headline()) == ("critical", "staging untagged")
    missing = freshness.staging_check({t: TODAY for t in STAGING_TABLES if t != "rooms"}, TODAY)
    assert (missing.level, missing.detail) == ("critical", "table rooms missing from staging")
    mixed = freshness.staging_check({**_tags(TODAY), "rooms": TODAY - dt.timedelta(days=1)}, TODAY)
    assert mixed.level == "critical" and "published staging tables hold different batches" in mixed.detail


def test_a_paused_or_unknown_daily_dag_is_critical():
    paused = freshness.pause_check(True)
    assert (paused.level, paused.headline()) == ("critical", "daily DAG paused")
    assert paused.detail == "tokyobeta_daily_etl is paused: the scheduler starts none of its runs"
    assert "airflow dags unpause tokyobeta_daily_etl" in paused.action
    assert freshness.pause_check(None).level == "critical"
    assert freshness.pause_check(False).level == "ok"


def test_a_day_without_a_run_is_critical():
    yesterday = run("success", ends=TODAY - dt.timedelta(days=1))
    check = freshness.daily_run_check([yesterday], TODAY)
    assert (check.level, check.headline()) == ("critical", "no daily run")
    assert check.detail == "no run of tokyobeta_daily_etl for batch 2026-03-10 at all"
    assert '{"batch_date": "2026-03-10"}' in check.action


def test_a_failed_or_unfinished_run_is_critical_and_named():
    failed = freshness.daily_run_check([run("failed")], TODAY)
    assert (failed.level, failed.headline()) == ("critical", "daily run failed")
    assert failed.detail == (
        "no successful run of tokyobeta_daily_etl for batch 2026-03-10: run scheduled__2026-03-08T22:00:00+00:00 "
        "is failed"
    )
    assert "FAILED alert" in failed.action
    running = freshness.daily_run_check([run("running")], TODAY)
    assert (running.level, running.headline()) == ("critical", "daily run still running")
    both = freshness.daily_run_check([run("failed"), run("queued", conf={"batch_date": "2026-03-10"}, run_id="m")],
                                     TODAY)  # fmt: skip
    assert both.headline() == "daily run failed/still queued" and "run m is queued" in both.detail


def test_a_run_counts_for_the_batch_it_loads():
    # a manual run for the day, triggered later (its interval ends later): the day is loaded
    manual = run("success", conf={"batch_date": "2026-03-10"}, ends=TODAY + dt.timedelta(days=2), run_id="m")
    assert freshness.daily_run_check([run("failed"), manual], TODAY).level == "ok"
    # a run whose interval ends today but that loaded another date does not count, nor a refused future date
    other = run("success", conf={"batch_date": "2026-03-01"}, run_id="other")
    future = run("failed", conf={"batch_date": "2026-03-11"}, run_id="future")
    assert freshness.daily_run_check([other, future], TODAY).headline() == "no daily run"
    assert freshness.daily_run_check([run("success")], TODAY).detail.startswith("batch 2026-03-10 loaded by run")


def test_the_run_window_reaches_back_to_the_day_before():
    assert freshness.runs_window_start(TODAY) == pendulum.datetime(2026, 3, 9, tz=JST)


def _all_checks(*, paused=False, runs=None, staging=TODAY, silver=0, gold=0) -> list[freshness.Check]:
    tables = [
        freshness.staging_check(_tags(staging), TODAY),
        freshness.grade("silver.tenant_room_snapshot_daily", TODAY - dt.timedelta(days=silver), TODAY),
        freshness.grade("gold.occupancy_daily_metrics", TODAY - dt.timedelta(days=gold), TODAY),
    ]
    dumps = freshness.dump_checks(dict.fromkeys(DUMP_FILES, ("s3://b/k",)), TODAY)
    return freshness.daily_dag_checks(paused, [run("success")] if runs is None else runs, TODAY) + tables + dumps


def test_a_two_day_old_silver_is_a_warning_and_nothing_worse():
    checks = _all_checks(silver=2)
    assert freshness.worst(checks) == "warning"
    (finding,) = freshness.findings(checks)
    assert (finding.name, finding.detail) == ("silver.tenant_room_snapshot_daily", "latest 2026-03-08 (2 days old)")


def test_findings_come_worst_first_and_the_alerts_say_which_and_what_to_do():
    from tokyobeta_etl.freshness_run import findings

    checks = _all_checks(paused=True, runs=[], staging=TODAY - dt.timedelta(days=1), gold=2)
    assert [c.headline() for c in freshness.findings(checks)] == [
        "daily DAG paused", "no daily run", "staging at 2026-03-09", "gold.occupancy_daily_metrics",
    ]  # fmt: skip
    summary = freshness.summarise(checks, TODAY)
    critical = [c.headline() for c in checks if c.level == "critical"]
    alert = alert_messages.stale_data_alert(check_date="2026-03-10", summary=summary, critical=critical,
                                    findings=findings(checks))  # fmt: skip
    assert alert.subject == "[tokyobeta] STALE DATA 2026-03-10: daily DAG paused, no daily run, staging at 2026-03-09"
    lines = alert.body.splitlines()
    assert lines[0] == "The freshness check of 2026-03-10 (JST) found:"
    assert lines[1] == (
        "1. CRITICAL daily DAG paused: tokyobeta_daily_etl is paused: the scheduler starts none of its runs"
    )
    assert lines[2].startswith("   What to do: Unpause tokyobeta_daily_etl")
    assert lines[3] == "2. CRITICAL no daily run: no run of tokyobeta_daily_etl for batch 2026-03-10 at all"
    assert "4. WARNING gold.occupancy_daily_metrics: latest 2026-03-08 (2 days old)" in lines
    assert "Every check:" in lines and summary in alert.body
    warn = alert_messages.stale_warn_alert(check_date="2026-03-10", summary=summary, findings=findings(checks))
    assert (warn.kind, warn.subject) == ("stale_warn", "[tokyobeta] STALE DATA WARN 2026-03-10")


def test_a_dump_in_both_forms_is_critical_and_says_to_delete_the_wrong_one():
    from tokyobeta_etl.freshness_run import findings

    both = ("s3://b/dumps/rooms_20260310.sql", "s3://b/dumps/rooms_20260310.sql.gz")
    checks = {
        c.name: c for c in freshness.dump_checks({**dict.fromkeys(DUMP_FILES, ("s3://b/k",)), "rooms": both}, TODAY)
    }
    rooms = checks.pop("s3 dump rooms_20260310")
    assert {c.level for c in checks.values()} == {"ok"}
    assert (rooms.level, rooms.headline()) == ("critical", "s3 dump rooms_20260310 ambiguous")
    assert rooms.detail == f"ambiguous: {both[0]} and {both[1]}"
    assert rooms.action == (
        f"The day's run fails on it: both {both[0]} and {both[1]} exist; delete the one that is not the dump (the "
        "pipeline will not guess). Then clear wait_for_dumps of the day's run (downstream included)."
    )
    assert findings([rooms]) == [(f"CRITICAL s3 dump rooms_20260310 ambiguous: {rooms.detail}", rooms.action)]


# --- against the warehouse, S3 and the session's Airflow metadata ---------------------------------------------


def _tables(server, *, staging: dt.date, silver: int, gold: int) -> None:
    """Published staging tables tagged `staging` (one movings row updated today: the tag decides, not updated_at);
    silver and gold holding one row dated `silver` / `gold` days before TODAY."""
    sql = [f"ALTER TABLE staging.`{t}` COMMENT = '{batch_tag(staging)}'" for t in STAGING_TABLES]
    server.execute(
        *sql,
        "CREATE TABLE IF NOT EXISTS silver.tenant_room_snapshot_daily (snapshot_date DATE NOT NULL)",
        "CREATE TABLE IF NOT EXISTS gold.occupancy_daily_metrics (as_of_date DATE NOT NULL)",
        "SET SESSION sql_mode = ''",  # the placeholders' other NOT NULL columns take their implicit defaults
        "INSERT INTO staging.movings (id, tenant_id, apartment_id, room_id, cancel_flag, is_moveout, updated_at) "
        f"VALUES (1, 1, 1, 1, 0, 0, '{TODAY} 05:00:00')",
        f"INSERT INTO silver.tenant_room_snapshot_daily VALUES ('{TODAY - dt.timedelta(days=silver)}')",
        f"INSERT INTO gold.occupancy_daily_metrics VALUES ('{TODAY - dt.timedelta(days=gold)}')",
    )


def _dumps(s3, bucket: str, day: dt.date, skip: tuple[str, ...] = ()) -> None:
    for stem in DUMP_FILES:
        if stem not in skip:
            ext = ".sql.gz" if stem == "rooms" else ".sql"  # either form counts
            s3.put_object(Bucket=bucket, Key=f"dumps/{stem}_{day:%Y%m%d}{ext}", Body=b"-- dump\n")


@pytest.fixture
def daily_dag(airflow_env):
    """The daily DAG in the session's metadata DB: unpaused, one successful scheduled run for TODAY's batch.
    Call it to record another state; this test's runs are removed and the pause flag put back afterwards."""
    from airflow.models import DagModel, DagRun
    from airflow.utils.session import create_session

    prefix = "freshness_test__"
    with create_session() as session:
        model = session.get(DagModel, DAILY)
        before = None if model is None else model.is_paused

    def record(*, paused: bool = False, states: tuple[str, ...] = ("success",)) -> None:
        with create_session() as session:
            session.query(DagRun).filter(DagRun.dag_id == DAILY, DagRun.run_id.startswith(prefix)).delete(
                synchronize_session=False
            )
            model = session.get(DagModel, DAILY) or DagModel(dag_id=DAILY)
            model.is_paused = paused
            session.merge(model)
            end = fire(TODAY)
            for n, state in enumerate(states):  # each a later try for the same batch (one logical date per run)
                start = end.subtract(days=1).add(minutes=n)
                session.add(DagRun(dag_id=DAILY, run_id=f"{prefix}{n}", execution_date=start, run_type="manual",
                                   state=state, conf={"batch_date": TODAY.isoformat()}, external_trigger=True,
                                   data_interval=(start, end)))  # fmt: skip

    record()
    yield record
    with create_session() as session:
        session.query(DagRun).filter(DagRun.dag_id == DAILY, DagRun.run_id.startswith(prefix)).delete(
            synchronize_session=False
        )
        model = session.get(DagModel, DAILY)
        if before is None:
            session.delete(model)
        else:
            model.is_paused = before


@pytest.fixture
def checked(warehouse, dump_bucket, s3_client, daily_dag):
    from harness.dbt_runner import empty_warehouse

    empty_warehouse(warehouse)

    def run_(*, staging: dt.date = TODAY, silver: int = 0, gold: int = 0, skip: tuple[str, ...] = ()):
        _tables(warehouse, staging=staging, silver=silver, gold=gold)
        _dumps(s3_client, dump_bucket, TODAY, skip)
        conn = warehouse.connect()
        try:
            return {c.name: c for c in freshness.run_checks(conn, s3_client, dump_bucket, "dumps/", TODAY)}
        finally:
            conn.close()

    return run_


def test_fresh_tables_and_dumps_pass(checked):
    checks = checked()
    assert {c.level for c in checks.values()} == {"ok"}
    assert len(checks) == 1 + len(freshness.TABLE_CHECKS) + len(DUMP_FILES)
    assert checks["staging (published batch)"].detail == "batch 2026-03-10 (tag on the 5 tables)"
    assert checks["s3 dump rooms_20260310"].detail == "present: s3://jram-gghouse/dumps/rooms_20260310.sql.gz"


def test_staging_is_graded_from_its_batch_tag_not_updated_at(checked):
    checks = checked(staging=TODAY - dt.timedelta(days=1))  # its movings row was updated today all the same
    staging = checks["staging (published batch)"]
    assert (staging.level, staging.latest) == ("critical", TODAY - dt.timedelta(days=1))
    assert staging.detail == "batch 2026-03-09 (tag on the 5 tables), 1 day older than the check date"


def test_tables_two_and_three_days_old_warn_and_are_critical(checked):
    checks = checked(silver=2, gold=3)
    assert checks["silver.tenant_room_snapshot_daily"].level == "warning"
    assert checks["gold.occupancy_daily_metrics"].level == "critical"
    assert checks["gold.occupancy_daily_metrics"].detail == "latest 2026-03-07 (3 days old)"
    assert freshness.worst(list(checks.values())) == "critical"


def test_a_missing_dump_is_reported(checked):
    checks = checked(skip=("inquiries",))
    assert checks["s3 dump inquiries_20260310"].level == "critical"
    assert checks["s3 dump inquiries_20260310"].detail == "missing (.sql or .sql.gz)"


def test_a_dump_in_both_forms_is_reported(checked, s3_client, dump_bucket):
    s3_client.put_object(Bucket=dump_bucket, Key="dumps/movings_20260310.sql.gz", Body=b"\x1f\x8b")  # and the .sql
    checks = checked()
    movings = checks["s3 dump movings_20260310"]
    both = " and ".join(f"s3://jram-gghouse/dumps/movings_20260310.sql{ext}" for ext in ("", ".gz"))
    assert (movings.level, movings.detail) == ("critical", f"ambiguous: {both}")
    assert "delete the one that is not the dump" in movings.action
    assert freshness.worst(list(checks.values())) == "critical"
    assert checks["s3 dump rooms_20260310"].detail == "present: s3://jram-gghouse/dumps/rooms_20260310.sql.gz"


def test_untagged_empty_or_missing_tables_are_critical(warehouse):
    from harness.dbt_runner import empty_warehouse

    empty_warehouse(warehouse)  # staging placeholders exist but carry no tag; silver and gold tables do not exist
    conn = warehouse.connect()
    try:
        checks = {c.name: c for c in freshness.table_checks(conn, TODAY)}
    finally:
        conn.close()
    assert checks["staging (published batch)"].detail == "no batch tag on the staging tables: nothing published yet"
    assert checks["gold.occupancy_daily_metrics"].detail == "table does not exist"
    assert {c.level for c in checks.values()} == {"critical"}


def _freshness_run(day: dt.date):
    from airflow.models import DagBag

    from harness.runs import REPO

    bag = DagBag(dag_folder=str(REPO / "dags" / "tokyobeta_freshness_check.py"), include_examples=False)
    dag = bag.dags["tokyobeta_freshness_check"]
    return dag.test(execution_date=pendulum.datetime(day.year, day.month, day.day, 9, tz=JST))


def test_the_0900_dag_sends_one_message_when_critical_and_none_when_fresh(checked, topic):
    checked(silver=4)
    run_ = _freshness_run(TODAY)
    assert run_.get_task_instance("check_freshness").state == "failed"
    (message,) = topic()  # the check's own alert; the failure callback does not add a second
    assert message["subject"] == "[tokyobeta] STALE DATA 2026-03-10: silver.tenant_room_snapshot_daily"
    assert "1. CRITICAL silver.tenant_room_snapshot_daily: latest 2026-03-06 (4 days old)" in message["body"]
    assert "CRITICAL silver.tenant_room_snapshot_daily" in message["body"]


def test_the_0900_dag_is_green_and_silent_when_fresh(checked, topic):
    checked()
    run_ = _freshness_run(TODAY)
    assert run_.get_task_instance("check_freshness").state == "success"
    assert topic() == []


def test_the_0900_dag_is_critical_on_day_one_of_a_paused_daily_dag_or_a_failed_run(checked, daily_dag, topic):
    checked()
    daily_dag(paused=True, states=())
    assert _freshness_run(TODAY).get_task_instance("check_freshness").state == "failed"
    (message,) = topic()
    assert message["subject"] == "[tokyobeta] STALE DATA 2026-03-10: daily DAG paused, no daily run"
    daily_dag(states=("failed",))
    assert _freshness_run(TODAY).get_task_instance("check_freshness").state == "failed"
    (message,) = topic()
    assert message["subject"] == "[tokyobeta] STALE DATA 2026-03-10: daily run failed"
    assert "run freshness_test__0 is failed" in message["body"]


def test_a_warning_goes_to_sns_once_a_day_however_often_the_check_runs(checked, topic, warehouse):
    from harness.dbt_runner import query

    checked(silver=2)
    for _ in range(2):
        assert _freshness_run(TODAY).get_task_instance("check_freshness").state == "success"
    (message,) = topic()
    assert message["subject"] == "[tokyobeta] STALE DATA WARN 2026-03-10"
    assert "1. WARNING silver.tenant_room_snapshot_daily: latest 2026-03-08 (2 days old)" in message["body"]
    assert query(warehouse, "SELECT alert_key FROM ops.alerts_sent") == [("stale_warn:2026-03-10",)]


def test_the_command_exits_2_when_critical(checked, capsys):
    from tokyobeta_etl import oncall

    checked(staging=TODAY - dt.timedelta(days=5), skip=("movings",))
    assert oncall.main(["check-freshness", "--date", TODAY.isoformat()]) == 2
    out = capsys.readouterr().out
    assert out.startswith("Freshness on 2026-03-10 (JST): CRITICAL")
    assert "CRITICAL s3 dump movings_20260310" in out
    assert "What to do:\n- CRITICAL staging at 2026-03-05:" in out


def test_the_command_grades_a_warning_without_sending_it(checked, capsys, topic):
    from tokyobeta_etl import oncall

    checked(gold=2)
    assert oncall.main(["check-freshness", "--date", TODAY.isoformat()]) == 0
    assert capsys.readouterr().out.startswith("Freshness on 2026-03-10 (JST): WARNING")
    assert topic() == []

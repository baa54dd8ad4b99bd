"""The run-duration alert's rules (pure) and the once-per-run publishing against the real MariaDB and moto."""

import datetime as dt

from tokyobeta_etl import airflow_meta, run_watch

STARTED = dt.datetime(2026, 2, 10, 22, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 2, 10, 22, 0, tzinfo=dt.UTC)  # 07:00 JST on 2026-02-11
STATES = {
    "wait_for_dumps": "success",
    "load_movings": "running",
    "load_tenants": "up_for_retry",
    "snapshot_tenants": None,
    "refresh_quicksight[0]": "queued",
}


def run(state="running", conf=None):
    return airflow_meta.RunInfo(
        "tokyobeta_daily_etl", "scheduled__x", "scheduled", state, conf or {}, END, STARTED, None
    )


def test_a_run_is_long_from_the_threshold_on_and_names_running_and_waiting_tasks():
    assert run_watch.long_run(run(), STATES, STARTED + dt.timedelta(minutes=59, seconds=59), 60) is None
    found = run_watch.long_run(run(), STATES, STARTED + dt.timedelta(minutes=60), 60)
    assert (found.minutes, found.batch) == (60, "2026-02-11")
    assert found.running == ["load_movings"]
    assert found.waiting == ["load_tenants", "refresh_quicksight[0]", "snapshot_tenants"]
    assert run_watch.long_run(run(state="queued"), STATES, STARTED + dt.timedelta(hours=3), 60) is None


def test_a_manual_run_is_named_by_its_batch_date_param():
    found = run_watch.long_run(run(conf={"batch_date": "2026-02-01"}), STATES, STARTED + dt.timedelta(hours=2), 60)
    assert found.batch == "2026-02-01"
    alert = run_watch.running_long_alert(found, 60)
    assert alert.subject == "[tokyobeta] RUNNING LONG tokyobeta_daily_etl batch 2026-02-01: 120 min"
    assert "Running:    load_movings\n" in alert.body and "Waiting:    load_tenants, " in alert.body
    assert "The run goes on" in alert.body


def test_publish_once_sends_a_key_once(warehouse, etl_user, topic):
    from contextlib import closing

    from tokyobeta_etl import alert_once, db_session

    found = run_watch.long_run(run(), STATES, STARTED + dt.timedelta(hours=2), 60)
    alert = run_watch.running_long_alert(found, 60)
    with closing(db_session.connect()) as conn:
        assert alert_once.publish_once(conn, "running_long:x", alert) is True
        assert alert_once.publish_once(conn, "running_long:x", alert) is False
        assert alert_once.publish_once(conn, "running_long:y", alert) is True
    assert [m["subject"] for m in topic()] == [alert.subject, alert.subject]

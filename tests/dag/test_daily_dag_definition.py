"""The daily DAG's definition: names, schedule, defaults, params, the batch date, and no I/O at import."""

import datetime as dt
import re
import socket
from contextlib import contextmanager
from pathlib import Path

import pendulum
import pytest

from tokyobeta_etl.batch_date import batch_date_of, logical_date_for_batch, today_jst

DAGS = Path(__file__).resolve().parents[2] / "dags"
JST = "Asia/Tokyo"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.models import DagBag

    return DagBag(dag_folder=str(DAGS), include_examples=False)


@pytest.fixture(scope="module")
def dag(dagbag):
    return dagbag.dags["tokyobeta_daily_etl"]


def test_dags_import_cleanly(dagbag):
    assert dagbag.import_errors == {}
    assert "tokyobeta_daily_etl" in dagbag.dag_ids


def test_dag_import_opens_no_network_connection(monkeypatch):
    from airflow.models import DagBag

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access at DAG import: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    bag = DagBag(dag_folder=str(DAGS), include_examples=False)
    assert bag.import_errors == {}


def test_schedule_and_run_settings(dag):
    assert dag.schedule_interval == "0 7 * * *"
    assert dag.timezone.name == JST
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    assert {"tokyobeta", "daily"} <= set(dag.tags)
    assert "On-call" in dag.doc_md
    for task in dag.tasks:
        assert task.owner == "data-platform"
        if task.task_id not in ("wait_for_dumps", "check_run"):  # waiting and refusing are final
            assert task.retries >= 2 and task.retry_exponential_backoff, task.task_id
    # check_run is the one root: a refused batch_date stops the run before anything is read or written
    assert [t.task_id for t in dag.roots] == ["check_run"]


def test_a_task_cleared_many_times_still_retries_within_ten_minutes(dag):
    """Airflow grows the back-off with the try number, which clears raise too: the cap keeps a rerun's retry near."""
    from airflow.models.taskinstance import TaskInstance

    failed_at = pendulum.datetime(2026, 2, 10, 7, 5, tz="UTC")
    for task in dag.tasks:
        if not task.retries:
            continue
        delays = []
        for try_number in (1, 2, 3, 6, 12):
            ti = TaskInstance(task, run_id="manual__t", state="failed")
            ti.try_number, ti.end_date = try_number, failed_at
            delays.append((ti.next_retry_datetime() - failed_at).total_seconds())
        assert 120 <= delays[0] < 240, (task.task_id, delays)  # first retry of a fresh run: 2-4 min
        assert max(delays) <= 600, (task.task_id, delays)


def test_staging_tasks_in_pipeline_order(dag):
    loads = {f"load_{s}" for s in ("movings", "tenants", "rooms", "inquiries")}
    assert loads <= set(dag.task_ids)
    for load in loads:
        assert dag.get_task(load).upstream_task_ids == {"wait_for_dumps", "create_schemas"}
        assert dag.get_task(load).downstream_task_ids == {"snapshot_tenants"}
    assert dag.get_task("publish_staging").upstream_task_ids == {"snapshot_tenants"}
    sensor = dag.get_task("wait_for_dumps")
    assert sensor.mode == "reschedule"


def test_layers_follow_each_other_silver_gold_then_the_kpis(dag):
    silver = {t for t in dag.task_ids if t.startswith("silver.")}
    gold = {t for t in dag.task_ids if t.startswith("gold.")}
    models = ("new_contracts", "moveouts", "moveout_notices", "moveout_analysis", "moveout_summary")
    assert {f"gold.{m}_model_build" for m in (*models, "tenant_status_transitions")} <= gold
    first_gold = {t for t in gold if not dag.get_task(t).upstream_task_ids & gold}
    last_silver = {t for t in silver if not dag.get_task(t).downstream_task_ids & silver}
    for task in first_gold:
        assert dag.get_task(task).upstream_task_ids == last_silver, task
    publish = dag.get_task("publish_staging")
    assert {t for t in silver if not dag.get_task(t).upstream_task_ids & silver} == publish.downstream_task_ids
    kpis = dag.get_task("occupancy_kpis")
    assert kpis.upstream_task_ids == {t for t in gold if not dag.get_task(t).downstream_task_ids & gold}
    assert kpis.downstream_task_ids == {"quicksight_datasets"}
    assert dag.get_task("quicksight_datasets").downstream_task_ids == {"refresh_quicksight"}


def test_gold_tables_are_datasets_updated_by_the_kpi_task(dag):
    from tokyobeta_etl.datasets import GOLD_TABLES

    uris = {d.uri for d in dag.get_task("occupancy_kpis").outlets}
    assert uris == {f"tokyobeta://gold/{t}" for t in GOLD_TABLES}
    assert "occupancy_daily_metrics" in GOLD_TABLES and len(GOLD_TABLES) == 8


def test_every_task_alerts_on_its_final_failure_and_has_the_sla(dag):
    from tokyobeta_etl import alerts

    assert dag.sla_miss_callback is alerts.on_sla_miss
    assert dag.on_failure_callback is alerts.on_run_failure
    for task in dag.tasks:
        assert task.on_failure_callback is alerts.on_task_failure, task.task_id
        assert task.on_retry_callback is alerts.on_task_retry, task.task_id  # logs only: one message per failure
        if not task.task_id.startswith(("wait_for_dumps", "check_run")):  # sensors have their own time-outs
            assert task.execution_timeout is not None, task.task_id
        if task.task_id != "refresh_quicksight":  # Airflow refuses SLAs on mapped tasks
            assert task.sla == dt.timedelta(hours=1), task.task_id  # 07:00 -> 08:00 JST


def test_the_0700_run_on_2026_02_10_loads_the_20260210_dumps(dag):
    from airflow.timetables.base import DataInterval, TimeRestriction

    previous = DataInterval(pendulum.datetime(2026, 2, 8, 7, tz=JST), pendulum.datetime(2026, 2, 9, 7, tz=JST))
    info = dag.timetable.next_dagrun_info(
        last_automated_data_interval=previous,
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
    )
    assert info.run_after == pendulum.datetime(2026, 2, 10, 7, tz=JST)
    assert batch_date_of(info.data_interval.end) == dt.date(2026, 2, 10)
    assert info.logical_date == logical_date_for_batch(dt.date(2026, 2, 10))


def test_manual_trigger_resolves_to_the_latest_0700_jst(dag):
    later_that_day = dag.timetable.infer_manual_data_interval(run_after=pendulum.datetime(2026, 2, 10, 12, tz=JST))
    assert batch_date_of(later_that_day.end) == dt.date(2026, 2, 10)
    before_seven = dag.timetable.infer_manual_data_interval(run_after=pendulum.datetime(2026, 2, 10, 6, 59, tz=JST))
    assert batch_date_of(before_seven.end) == dt.date(2026, 2, 9)


def test_today_in_jst_is_a_plain_date():
    # pendulum's Date subclass broke `make demo`: the simulator renders values by their exact type
    assert type(today_jst()) is dt.date
    assert today_jst() == pendulum.now("Asia/Tokyo").date()


def test_backfill_dates_resolve_like_scheduled_runs(dag):
    infos = list(
        dag.iter_dagrun_infos_between(pendulum.datetime(2026, 2, 9, tz=JST), pendulum.datetime(2026, 2, 11, tz=JST))
    )
    assert [batch_date_of(i.data_interval.end) for i in infos] == [dt.date(2026, 2, 10), dt.date(2026, 2, 11)]


@contextmanager
def rendered(dag, batch: dt.date, task_id: str, conf: dict | None = None):
    """The task as a run for `batch` renders it (a throwaway manual run, removed afterwards)."""
    from airflow.models import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState
    from airflow.utils.types import DagRunType

    logical = logical_date_for_batch(batch)
    run_id = f"render_probe_{batch:%Y%m%d}"
    with create_session() as session:  # another test may have run this date already
        session.query(DagRun).filter(DagRun.dag_id == dag.dag_id, DagRun.execution_date == logical).delete()
    run = dag.create_dagrun(
        run_id=run_id,
        run_type=DagRunType.MANUAL,
        execution_date=logical,
        data_interval=dag.timetable.infer_manual_data_interval(run_after=logical.add(days=1)),
        state=DagRunState.QUEUED,
        conf=conf or {},
        external_trigger=True,
    )
    try:
        ti = run.get_task_instance(task_id)
        ti.task = dag.get_task(task_id)
        ti.render_templates()
        yield ti.task
    finally:
        with create_session() as session:
            session.query(DagRun).filter(DagRun.run_id == run_id).delete()


def test_sensor_keys_render_with_the_batch_date(dag, airflow_env):
    with rendered(dag, dt.date(2026, 2, 10), "wait_for_dumps") as sensor:
        assert sensor.bucket_name == "jram-gghouse"
        assert sensor.bucket_key == [f"dumps/{s}_20260210.sql*" for s in ("movings", "tenants", "rooms", "inquiries")]


@pytest.mark.parametrize(
    ("conf", "fragment"),
    [
        ({"lookback_days": -1}, "minimum of 0"),
        ({"lookback_days": 366}, "maximum of 365"),
        ({"forward_days": 731}, "maximum of 730"),
        ({"forward_days": "ninety"}, "not of type 'integer'"),
        ({"batch_date": "2026-02-30"}, "Invalid input for param batch_date: '2026-02-30' is not a 'date'"),
        ({"batch_date": "20260210"}, "Invalid input for param batch_date: '20260210' is not a 'date'"),
        ({"batch_date": 20260210}, "not of type 'null', 'string'"),
    ],
)
def test_bad_params_are_refused_before_any_task_runs(dag, airflow_env, conf, fragment):
    """Triggering with a bad value fails at once: no run is created, the message says the allowed range."""
    from airflow.exceptions import ParamValidationError
    from airflow.models import DagRun
    from airflow.utils.state import DagRunState
    from airflow.utils.types import DagRunType

    logical = logical_date_for_batch(dt.date(2026, 3, 1))
    with pytest.raises(ParamValidationError) as err:
        dag.create_dagrun(
            run_id="bad_params_probe",
            run_type=DagRunType.MANUAL,
            execution_date=logical,
            conf=conf,
            data_interval=dag.timetable.infer_manual_data_interval(run_after=logical.add(days=1)),
            state=DagRunState.QUEUED,
            external_trigger=True,
        )
    assert fragment in str(err.value)
    assert DagRun.find(dag_id=dag.dag_id, run_id="bad_params_probe") == []
    assert "from" in dag.params.get_param(next(iter(conf))).description  # the form says the allowed range


def test_batch_date_param_is_the_run_s_batch_date_within_the_start_date_and_today():
    from tokyobeta_etl.batch_date import BatchDateRefused, run_batch_date

    fired = pendulum.datetime(2026, 3, 2, 7, tz=JST)
    today = dt.date(2026, 3, 5)
    assert run_batch_date({}, fired, today) == dt.date(2026, 3, 2)
    assert run_batch_date({"batch_date": None}, fired, today) == dt.date(2026, 3, 2)
    assert run_batch_date({"batch_date": "2026-02-10"}, fired, today) == dt.date(2026, 2, 10)
    assert run_batch_date({"batch_date": "2026-03-05"}, fired, today) == dt.date(2026, 3, 5)  # today itself
    assert run_batch_date({"batch_date": "2026-01-01"}, fired, today) == dt.date(2026, 1, 1)  # the start date
    for bad, message in (
        ("2026-03-06", "batch_date 2026-03-06 is outside the dates that can be loaded: from 2026-01-01"),
        ("2025-12-31", "to 2026-03-05 (today in Asia/Tokyo)"),
        ("2026-3-1", "batch_date must be a date YYYY-MM-DD from 2026-01-01"),
        ("2026-02-30", "got '2026-02-30'"),
    ):
        with pytest.raises(BatchDateRefused, match=re.escape(message)):
            run_batch_date({"batch_date": bad}, fired, today)


def test_a_run_with_batch_date_loads_that_batch_whatever_its_logical_date(airflow_env):
    """The README's "one batch date now": the run keeps its own logical date and data interval (another day's)."""
    from airflow.models import DagBag

    # its own DAG object: in one process, a run's conf stays in the Param objects the tasks share
    dag = DagBag(dag_folder=str(DAGS / "tokyobeta_daily_etl.py"), include_examples=False).dags["tokyobeta_daily_etl"]
    conf = {"batch_date": "2026-02-10"}
    with rendered(dag, dt.date(2026, 3, 1), "wait_for_dumps", conf) as sensor:
        assert sensor.bucket_key == [f"dumps/{s}_20260210.sql*" for s in ("movings", "tenants", "rooms", "inquiries")]
    with rendered(dag, dt.date(2026, 3, 1), "occupancy_kpis", conf) as kpis:
        assert kpis.op_kwargs["batch"] == "2026-02-10"


def test_kpi_task_renders_the_batch_date_and_the_run_params(dag, airflow_env):
    with rendered(dag, dt.date(2026, 2, 20), "occupancy_kpis", {"lookback_days": 10, "forward_days": 0}) as kpis:
        assert kpis.op_kwargs == {"batch": "2026-02-20", "lookback_days": "10", "forward_days": "0"}

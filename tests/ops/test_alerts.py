"""Alerts reach an SQS queue subscribed to the moto SNS topic: exactly the messages expected, each read back.

The topic comes from the `tokyobeta_sns_topic_arn` Variable (set here through AIRFLOW_VAR_*), the AWS connection is
the harness's `aws_default` (moto's endpoint).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import pendulum
import pytest

from tokyobeta_etl import alert_messages, alerts


def test_an_alert_is_published_once_with_its_subject_and_body(topic):
    alert = alert_messages.task_failure_alert(
        dag_id="tokyobeta_daily_etl",
        task_id="load_tenants",
        batch="2026-02-10",
        try_number=1,
        max_tries=1,
        error="tenants_20260210.sql line 7: column tenants.status missing\nmore detail",
        log_url="http://airflow.example/log?x=1",
    )
    assert alerts.publish(alert) is True
    (message,) = topic()
    assert message["subject"] == "[tokyobeta] FAILED tokyobeta_daily_etl.load_tenants batch 2026-02-10"
    assert "Error:       tenants_20260210.sql line 7: column tenants.status missing\n" in message["body"]
    assert "more detail" not in message["body"]  # the first line only
    assert "http://airflow.example/log?x=1" in message["body"]
    assert "Get a corrected dump" in message["body"]


def test_no_topic_configured_logs_the_alert_only(airflow_env, monkeypatch, caplog):
    monkeypatch.delenv("AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN", raising=False)
    alert = alert_messages.sla_miss_alert(dag_id="d", missed=["t"], blocking=[], deadline="1:00:00")
    with caplog.at_level(logging.WARNING, logger="tokyobeta_etl.alerts"):
        assert alerts.publish(alert) is False
    text = caplog.text
    assert "ALERT tokyobeta sla_missed" in text and "not set (logged only)" in text


@pytest.fixture
def sns_down(airflow_env, monkeypatch):
    """A configured topic behind an endpoint where nothing listens."""
    from harness.ports import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN", "arn:aws:sns:ap-northeast-1:123456789012:gone")
    monkeypatch.setenv(
        "AIRFLOW_CONN_AWS_DEFAULT",
        json.dumps({"conn_type": "aws", "login": "testing", "password": "testing",
                    "extra": {"endpoint_url": dead, "region_name": "ap-northeast-1"}}),
    )  # fmt: skip


def test_sns_unreachable_is_logged_and_does_not_raise(sns_down, caplog):
    alert = alert_messages.sla_miss_alert(dag_id="d", missed=["t"], blocking=["u"], deadline="1:00:00")
    started = dt.datetime.now()
    with caplog.at_level(logging.INFO, logger="tokyobeta_etl.alerts"):
        assert alerts.publish(alert) is False
    assert "ALERT not published to SNS topic arn:aws:sns:ap-northeast-1:123456789012:gone" in caplog.text
    assert (dt.datetime.now() - started).total_seconds() < 60  # bounded by the client's time-outs


def _failing_dag(dag_id: str, fail_with: type[Exception]):
    from airflow import DAG
    from airflow.operators.python import PythonOperator

    def boom():
        raise fail_with("the database said no: connection refused")

    with DAG(
        dag_id=dag_id,
        schedule=None,
        start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Tokyo"),
        default_args={
            "retries": 2,
            "retry_delay": dt.timedelta(seconds=0),
            "on_failure_callback": alerts.on_task_failure,
        },
    ) as dag:
        PythonOperator(task_id="flaky_step", python_callable=boom)
    return dag


def test_a_task_failing_after_its_retries_sends_one_message_not_one_per_try(topic):
    dag = _failing_dag("alert_probe", RuntimeError)
    run = dag.test(execution_date=pendulum.datetime(2026, 2, 10, 7, tz="Asia/Tokyo"))
    ti = run.get_task_instance("flaky_step")
    assert (ti.state, ti.try_number) == ("failed", 3)  # three tries ran
    (message,) = topic()
    assert message["subject"] == "[tokyobeta] FAILED alert_probe.flaky_step batch 2026-02-10"
    assert "Try:         3 of 3 (no retries left)" in message["body"]
    assert "the database said no: connection refused" in message["body"]


def test_a_failure_that_alerted_itself_is_not_alerted_twice(topic):
    class SelfAlerted(alerts.AlertedFailure, RuntimeError):
        pass

    dag = _failing_dag("alert_probe_self", SelfAlerted)
    run = dag.test(execution_date=pendulum.datetime(2026, 2, 10, 7, tz="Asia/Tokyo"))
    assert run.get_task_instance("flaky_step").state == "failed"
    assert topic() == []


def test_missing_dumps_alert_names_the_keys_and_the_next_step():
    err = (
        "dumps for batch 2026-02-10 still missing at the deadline 2026-02-10 10:00 JST: "
        "s3://jram-gghouse/dumps/tenants_20260210, s3://jram-gghouse/dumps/rooms_20260210 (.sql or .sql.gz)."
    )
    alert = alert_messages.task_failure_alert(
        dag_id="tokyobeta_daily_etl", task_id="wait_for_dumps", batch="2026-02-10", try_number=1, max_tries=1,
        error=err, log_url="u",
    )  # fmt: skip
    assert "  - s3://jram-gghouse/dumps/tenants_20260210\n  - s3://jram-gghouse/dumps/rooms_20260210\n" in alert.body
    assert "Contact the source system's owner" in alert.body
    assert len(alert_messages.subject_line("x" * 300)) == alert_messages.SUBJECT_MAX


@pytest.mark.parametrize("task_id", ["wait_for_dumps", "load_rooms"])
def test_a_dump_in_both_forms_alert_says_to_delete_one_not_that_dumps_are_missing(task_id):
    from tokyobeta_etl.loading.s3_source import ambiguity

    both = ambiguity("s3://jram-gghouse/dumps/rooms_20260210.sql", "s3://jram-gghouse/dumps/rooms_20260210.sql.gz")
    err = f"dumps for batch 2026-02-10 are ambiguous: {both}. Then clear this task."
    alert = alert_messages.task_failure_alert(
        dag_id="tokyobeta_daily_etl", task_id=task_id, batch="2026-02-10", try_number=1, max_tries=1, error=err,
        log_url="u",
    )  # fmt: skip
    assert f"Error:       {err}\n" in alert.body
    assert alert.body.endswith(
        "What to do:\nA dump is in S3 twice, as .sql and as .sql.gz (the error above names both objects). Ask the "
        "source system's owner which one is the dump and delete the other, then clear the task (downstream "
        "included). staging still holds the previous complete batch.\n"
    )
    assert "did not arrive" not in alert.body and "failed validation" not in alert.body


def test_an_sla_miss_names_the_missed_and_the_blocking_tasks(topic):
    """The callback as Airflow's DAG processor calls it; here its message, read back from the queue."""
    from airflow import DAG
    from airflow.models import SlaMiss, TaskInstance
    from airflow.operators.empty import EmptyOperator

    with DAG("sla_probe", schedule="0 7 * * *", start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Tokyo"),
             default_args={"sla": dt.timedelta(hours=1)}) as dag:  # fmt: skip
        late = EmptyOperator(task_id="occupancy_kpis")
        EmptyOperator(task_id="publish_staging")
    when = pendulum.datetime(2026, 2, 9, 7, tz="Asia/Tokyo")
    slas = [SlaMiss(task_id="occupancy_kpis", dag_id="sla_probe", execution_date=when, timestamp=when)]
    blocking = [TaskInstance(late, run_id="scheduled__2026-02-09")]
    alerts.on_sla_miss(dag, "occupancy_kpis on 2026-02-09", "occupancy_kpis", slas, blocking)
    (message,) = topic()
    assert message["subject"] == "[tokyobeta] SLA MISSED sla_probe: not finished by 08:00 JST"
    assert "Late batch: 2026-02-09\n" in message["body"]  # the JST date of the fire time the run was due after
    assert "Missed SLA: occupancy_kpis\n" in message["body"]
    assert "Still blocking (not finished): occupancy_kpis\n" in message["body"]


def test_sns_unreachable_leaves_every_task_its_own_outcome(sns_down, caplog):
    """A DAG run with SNS down: the failing task still fails (after its retries), the others still succeed, and
    the lost alert is logged."""
    from airflow import DAG
    from airflow.operators.python import PythonOperator

    def boom():
        raise RuntimeError("load failed")

    with DAG(
        dag_id="alert_probe_sns_down",
        schedule=None,
        start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Tokyo"),
        default_args={"retries": 1, "retry_delay": dt.timedelta(0), "on_failure_callback": alerts.on_task_failure},
    ) as dag:
        PythonOperator(task_id="fine", python_callable=lambda: "ok")
        PythonOperator(task_id="broken", python_callable=boom)
    with caplog.at_level(logging.INFO, logger="tokyobeta_etl.alerts"):
        run = dag.test(execution_date=pendulum.datetime(2026, 2, 10, 7, tz="Asia/Tokyo"))
    states = {ti.task_id: (ti.state, ti.try_number) for ti in run.get_task_instances()}
    assert states == {"fine": ("success", 1), "broken": ("failed", 2)}
    assert caplog.text.count("ALERT not published to SNS topic") == 1  # the final failure only

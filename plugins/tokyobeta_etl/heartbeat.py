"""The freshness check's heartbeat: one CloudWatch datapoint per check, the worst table's age in days.

The platform's alarm on it (deploy/tokyobeta-platform.yaml; README "Alerts"; docs/decisions/0012-platform-as-code.md)
fires when the value is above ALARM_AFTER_DAYS *or when no datapoint arrived* for ALARM_WINDOW_HOURS, so a paused
freshness DAG, a stopped scheduler, a deleted environment or a check that could not publish still pages someone.
What the value is:

- each table the check dates (the published staging batch, silver, gold): days between its latest date and the check
  date, at least 0; the datapoint is the largest;
- a table missing, empty or untagged: UNKNOWN_AGE_DAYS, far above the threshold;
- a check that failed before it could grade anything: UNKNOWN_AGE_DAYS as well, and the task still fails;
- a check of another day than today (a cleared old run) publishes nothing: it says nothing about today.

The value is pure (`worst_table_age`, `datapoint`); `publish` is the thin I/O around it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable

from tokyobeta_etl import config, freshness

log = logging.getLogger(__name__)

NAMESPACE = "TokyoBeta"
METRIC_NAME = "FreshnessWorstTableAgeDays"
DIMENSION = "Environment"  # its value: the configuration option config.ENVIRONMENT_NAME_OPTION
UNIT = "None"  # CloudWatch has no unit for days
# A table the check could not date, or a check that could not read: breaching whatever the threshold.
UNKNOWN_AGE_DAYS = 999
# The tables the check dates, by the names of their checks.
TABLES = (freshness.STAGING_CHECK, *freshness.TABLE_CHECKS)

# The alarm (the template's FreshnessHeartbeatAlarm must say the same; a test compares): the worst table older than
# the critical grade, or no datapoint at all in ALARM_WINDOW_HOURS (one check a day plus an hour's grace).
ALARM_AFTER_DAYS = freshness.CRITICAL_AFTER_DAYS
ALARM_PERIOD_SECONDS = 3600
ALARM_WINDOW_HOURS = 25
# The best value within an hour counts: a check that is cleared and passes after a failed one ends the alarm.
ALARM_STATISTIC = "Minimum"

CLOUDWATCH_TIMEOUTS = {"connect_timeout": 5, "read_timeout": 10, "retries": {"max_attempts": 3, "mode": "standard"}}


def worst_table_age(checks: Iterable[freshness.Check]) -> int:
    """The largest age in days of the checked tables; UNKNOWN_AGE_DAYS when one is missing, empty or untagged (or
    absent from `checks`)."""
    ages = {c.name: c.age_days for c in checks if c.name in TABLES}
    return max(UNKNOWN_AGE_DAYS if ages.get(name) is None else max(ages[name], 0) for name in TABLES)


def environment_name() -> str | None:
    """The environment the heartbeat is for (its dimension): the option config.ENVIRONMENT_NAME_OPTION, which the
    platform template sets to the MWAA environment's name. None when unset (local runs: logged only)."""
    value = os.environ.get(config.option_env_var(config.ENVIRONMENT_NAME_OPTION), "").strip()
    return value or None


def datapoint(value: int, environment: str, when: dt.datetime) -> dict:
    """The PutMetricData datum of one check."""
    if when.tzinfo is None:
        raise ValueError("the heartbeat's time must be timezone-aware")
    return {
        "MetricName": METRIC_NAME,
        "Dimensions": [{"Name": DIMENSION, "Value": environment}],
        "Timestamp": when,
        "Value": float(value),
        "Unit": UNIT,
    }


def publish(value: int, *, check_date: dt.date, today: dt.date) -> bool:
    """Send one datapoint for the check of `check_date` (today JST only). True when CloudWatch took it; False when
    there is nothing to send (another day's check, no environment configured), logged. A CloudWatch error raises:
    the caller decides (docs/decisions/0012-platform-as-code.md)."""
    if check_date != today:
        log.info("HEARTBEAT not sent: this check is for %s, not today (%s)", check_date, today)
        return False
    environment = environment_name()
    if environment is None:
        log.warning(
            "HEARTBEAT not sent: the Airflow option %s is not set (logged only): worst table age %s days",
            config.ENVIRONMENT_NAME_OPTION,
            value,
        )
        return False
    from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook
    from botocore.config import Config

    hook = AwsBaseHook(aws_conn_id=config.AWS_CONN_ID, client_type="cloudwatch", config=Config(**CLOUDWATCH_TIMEOUTS))
    datum = datapoint(value, environment, dt.datetime.now(dt.UTC))
    hook.get_conn().put_metric_data(Namespace=NAMESPACE, MetricData=[datum])
    log.info("HEARTBEAT %s/%s %s=%s: %s days", NAMESPACE, METRIC_NAME, DIMENSION, environment, value)
    return True

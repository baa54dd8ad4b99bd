"""Alerts that must go out once however often their check runs (a warning per day, a long run per run): the keys of
those already sent are kept in `ops.alerts_sent`.

An alert is marked sent only after SNS took it, so a failed publish is tried again by the next check; two checks in
the same instant could both send (a duplicate, never a lost alert).
"""

from __future__ import annotations

from contextlib import closing

from tokyobeta_etl import alert_messages, alerts, config

TABLE = f"`{config.OPS}`.`alerts_sent`"
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (alert_key VARCHAR(255) NOT NULL PRIMARY KEY, subject VARCHAR(255) NOT NULL, "
    "sent_at DATETIME NOT NULL) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci"
)


def was_sent(conn, key: str) -> bool:
    with closing(conn.cursor()) as cur:
        cur.execute(DDL)
        cur.execute(f"SELECT 1 FROM {TABLE} WHERE alert_key = %s", (key,))
        return cur.fetchone() is not None


def mark_sent(conn, key: str, subject: str) -> None:
    with closing(conn.cursor()) as cur:
        cur.execute(DDL)
        cur.execute(
            f"INSERT INTO {TABLE} (alert_key, subject, sent_at) VALUES (%s, %s, UTC_TIMESTAMP()) "
            "ON DUPLICATE KEY UPDATE sent_at = sent_at",
            (key, subject[:255]),
        )
    conn.commit()


def publish_once(conn, key: str, alert: alert_messages.Alert) -> bool:
    """Publish unless `key` was sent before; True when this call sent it. Without a topic the alert is logged only,
    and marked: there is nothing to try again."""
    if was_sent(conn, key):
        alerts.log.info("ALERT %s already sent (%s): not again", alert.kind, key)
        return False
    taken = alerts.publish(alert)
    if taken or not config.setting("tokyobeta_sns_topic_arn"):
        mark_sent(conn, key, alert.subject)
    return taken

"""The Airflow task around load_dump: settings, connections, the shrink baseline and the audit trail."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing

from tokyobeta_etl import config, db_session
from tokyobeta_etl.batch_date import run_batch_date
from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_etl.dumps import DumpError
from tokyobeta_etl.loading import audit, generations
from tokyobeta_etl.loading.load_dump import COMPLETENESS_NOT_PROVABLE, StagingLoadError, load_dump
from tokyobeta_etl.loading.s3_source import DumpAmbiguousError, DumpMissingError, iter_object_chunks, locate_dump

log = logging.getLogger(__name__)


def shrink_baseline(cur, batch: dt.date) -> dict[str, int] | None:
    """Rows per published table, when this batch is going to replace them; None when nothing is compared
    (first load, or a past date, which never replaces the published tables)."""
    published, _ = generations.read_generations(cur)
    current = generations.published_batch(published)
    if current is None or batch < current:
        return None
    counts = {}
    for table in published:
        cur.execute(f"SELECT COUNT(*) FROM `{config.STAGING}`.`{table}`")
        counts[table] = int(cur.fetchone()[0])
    return counts


def load_dump_to_load_area(
    stem: str,
    *,
    batch: dt.date,
    allow_shrink: bool = False,
    run_id: str | None = None,
    try_number: int | None = None,
    record_audit: bool = True,
) -> dict:
    """Stream one dump from S3 into staging_load, validated and tagged. Used by the DAG and the on-call CLI
    (`reload --check-only` passes record_audit=False: a check leaves ops.load_audit as it was)."""
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    bucket, prefix = config.setting("tokyobeta_dump_bucket"), config.setting("tokyobeta_dump_prefix")
    max_shrink = None if allow_shrink else float(config.setting("tokyobeta_max_shrink_share"))
    max_vanished = None if allow_shrink else float(config.setting("tokyobeta_max_vanished_share"))
    s3 = S3Hook(aws_conn_id=config.AWS_CONN_ID).get_conn()
    hook = db_session.hook()
    started = audit.utcnow()
    obj = locate_dump(s3, bucket, prefix, stem, batch)
    rows = [audit.AuditRow(batch, t, obj.key, started, run_id=run_id, try_number=try_number) for t in DUMP_FILES[stem]]
    log.info(
        "loading %s (%s, %d bytes) into %s", obj.url, "gzip" if obj.gzip else "plain", obj.size, config.STAGING_LOAD
    )
    tables = [f"{schema}.{t}" for t in DUMP_FILES[stem] for schema in (config.STAGING_LOAD, config.STAGING)]
    try:
        with closing(hook.get_conn()) as conn, db_session.blockers_named(tables):
            baseline = shrink_baseline(conn.cursor(), batch)
            result = load_dump(
                conn,
                iter_object_chunks(s3, obj),
                file_name=obj.file_name,
                stem=stem,
                gzip=obj.gzip,
                batch=batch,
                target_schema=config.STAGING_LOAD,
                published_rows=baseline,
                max_shrink_share=max_shrink,
                published_schema=config.STAGING if baseline else None,
                max_vanished_share=max_vanished,
            )
    except BaseException as err:
        for r in rows:
            r.outcome, r.finished_at, r.error_message = "failed", audit.utcnow(), f"{type(err).__name__}: {err}"
        try:
            if record_audit:
                _write_audit(hook, rows)
        except Exception:  # the load's own error is the one to raise; the audit failure is logged beside it
            log.exception("could not record the failed load of %s in ops.load_audit", obj.key)
        raise
    for r in rows:
        table = result.tables[r.table_name]
        r.outcome, r.finished_at, r.rows_loaded = "loaded", audit.utcnow(), table.rows
        r.dump_bytes, r.dump_sha256, r.completeness = result.bytes, result.sha256, result.completeness
    if record_audit:
        _write_audit(hook, rows)
    summary = {t: r.rows for t, r in result.tables.items()}
    log.info("%s: loaded %s in %.1f s (sha256 %s)", obj.file_name, summary, result.seconds, result.sha256)
    if result.completeness == COMPLETENESS_NOT_PROVABLE:
        # A --compact dump has no trailer: a file cut at a statement boundary would look the same. The vanished-id
        # and shrink checks still ran against the published generation.
        log.warning("%s: %s (the file has no '-- Dump completed' line)", obj.file_name, COMPLETENESS_NOT_PROVABLE)
    return {"key": obj.key, "bytes": result.bytes, "sha256": result.sha256, "rows": summary}


def _write_audit(hook, rows: list[audit.AuditRow]) -> None:
    with closing(hook.get_conn()) as conn:
        audit.write(conn, rows)


def load_dump_task(stem: str, params: dict, data_interval_end: dt.datetime, run_id: str, ti, **_) -> dict:
    """PythonOperator callable. Bad input fails at once (no retries); lost connections are retried."""
    from airflow.exceptions import AirflowFailException

    try:
        return load_dump_to_load_area(
            stem,
            batch=run_batch_date(params, data_interval_end),
            allow_shrink=bool(params.get("allow_shrink", False)),
            run_id=run_id,
            try_number=ti.try_number,
        )
    except (StagingLoadError, DumpMissingError, DumpAmbiguousError, DumpError) as err:
        raise AirflowFailException(str(err)) from err

"""The dump sensor: waits for the batch's four dumps without holding a worker slot, until a JST deadline."""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.exceptions import AirflowFailException, AirflowSensorTimeout
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

from tokyobeta_etl import config
from tokyobeta_etl.batch_date import run_batch_date
from tokyobeta_etl.data_contract import DUMP_FILES, dump_key
from tokyobeta_etl.loading.s3_source import (
    AMBIGUOUS,
    FORMS_TEXT,
    MISSING,
    S3_UNREACHABLE,
    ambiguity,
    candidate_keys,
    verdict,
)


def deadline_for(batch: dt.date, hhmm: str) -> pendulum.DateTime:
    hour, minute = config.parse_hhmm(hhmm, "tokyobeta_dump_deadline_jst")
    return pendulum.datetime(batch.year, batch.month, batch.day, hour, minute, tz=config.TIMEZONE)


class DumpSensor(S3KeySensor):
    """S3KeySensor over the four `{prefix}{stem}_YYYYMMDD.sql*` keys (`.sql` or `.sql.gz`), in reschedule mode.

    Gives up at the `tokyobeta_dump_deadline_jst` Variable's time on the batch date (default 10:00 JST), failing with
    the keys still missing, which the failure callback passes on. A dump present as both `.sql` and `.sql.gz` fails
    it at once: waiting cannot resolve that, and the load would refuse it. Each poke looks once (`found_keys`: the
    exact names the load reads) and judges by `verdict`. S3 out of reach is a "not yet" (logged
    with the keys looked for), even past the deadline (it is no sign that the dumps are missing), up to the sensor's
    `timeout` from its first look.
    """

    def poke(self, context) -> bool:
        batch = run_batch_date(context["params"], context["data_interval_end"])
        try:
            found = self.found_keys()  # one look per poke: every verdict below reads it
        except S3_UNREACHABLE as err:
            # Says nothing about the dumps, so no deadline applies: look again, up to the sensor's own timeout.
            self.log.warning(
                "S3 unreachable while looking for %s (%s); looking again in %.0f s (for at most %.0f h from the first "
                "look)", self._urls(list(sql_keys(self.bucket_key))), err, self.poke_interval, self.timeout / 3600,
            )  # fmt: skip
            return False
        if pairs := self.ambiguous_keys(found):
            raise AirflowFailException(
                f"dumps for batch {batch} are ambiguous: "
                + "; ".join(ambiguity(*(f"s3://{self.bucket_name}/{k}" for k in pair)) for pair in pairs)
                + ". Then clear this task."
            )
        if not (missing := self.missing_keys(found)):
            return True
        deadline = deadline_for(batch, config.setting("tokyobeta_dump_deadline_jst"))
        if pendulum.now(config.TIMEZONE) >= deadline:
            raise AirflowSensorTimeout(
                f"dumps for batch {batch} still missing at the deadline {deadline.format('YYYY-MM-DD HH:mm')} JST: "
                f"{self._urls(missing)} ({FORMS_TEXT}). Ask the source system's owner to deliver them, then clear "
                "this task."
            )
        return False

    def _urls(self, keys: list[str]) -> str:
        return ", ".join(f"s3://{self.bucket_name}/{k}" for k in keys)

    def found_keys(self) -> dict[str, list[str]]:
        """Per dump (its `.sql` key), which of its `.sql` and `.sql.gz` keys exist: exactly those two names, as the
        load looks for them (a `.sql.tmp` of an upload in progress is not a dump)."""
        hook = self.hook
        return {
            base: [key for key in candidate_keys(base) if hook.check_for_key(key, self.bucket_name)]
            for base in sql_keys(self.bucket_key)
        }

    def missing_keys(self, found: dict[str, list[str]] | None = None) -> list[str]:
        found = self.found_keys() if found is None else found
        return [base for base, keys in found.items() if verdict(keys) == MISSING]

    def ambiguous_keys(self, found: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
        """The (`.sql`, `.sql.gz`) key pairs of the dumps present in both forms."""
        found = self.found_keys() if found is None else found
        return [(keys[0], keys[1]) for keys in found.values() if verdict(keys) == AMBIGUOUS]


def sql_keys(patterns: list[str]) -> list[str]:
    """The `.sql` keys behind the rendered `{...}.sql*` patterns."""
    return [pattern[: -len("*")] for pattern in patterns]


def dump_key_patterns() -> list[str]:
    """Templated key patterns, one per dump; rendered per run with the batch date and the prefix Variable."""
    prefix = "{{ tokyobeta.setting('tokyobeta_dump_prefix') }}"
    ymd = "{{ tokyobeta.batch_ymd(params, data_interval_end) }}"
    return [dump_key(prefix, stem, ymd) + "*" for stem in DUMP_FILES]


BUCKET_TEMPLATE = "{{ tokyobeta.setting('tokyobeta_dump_bucket') }}"

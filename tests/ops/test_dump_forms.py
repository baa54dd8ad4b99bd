"""Which form of a dump counts (tokyobeta_etl.loading.s3_source owns the rule; the load, the dump sensor and the
freshness check read it). Pure: no S3."""

import datetime as dt

from tokyobeta_etl import freshness
from tokyobeta_etl.data_contract import DUMP_FILES, dump_key
from tokyobeta_etl.loading.s3_source import AMBIGUOUS, FOUND, MISSING, candidate_keys, verdict

TODAY = dt.date(2026, 3, 10)


def test_the_candidates_are_the_sql_key_then_its_gz():
    sql = dump_key("dumps/", "movings", "20260310")
    assert candidate_keys(sql) == (sql, dump_key("dumps/", "movings", "20260310", gz=True))
    assert candidate_keys("dumps/movings_20260310.sql") == (
        "dumps/movings_20260310.sql",
        "dumps/movings_20260310.sql.gz",
    )


def test_none_is_missing_one_is_found_both_is_ambiguous():
    assert verdict([]) == MISSING
    assert verdict(()) == MISSING
    assert verdict(["k.sql"]) == FOUND
    assert verdict(["k.sql.gz"]) == FOUND
    assert verdict(["k.sql", "k.sql.gz"]) == AMBIGUOUS


def test_the_freshness_check_grades_by_the_same_rule():
    present = {"movings": (), "tenants": ("s3://b/t.sql",), "rooms": ("s3://b/r.sql", "s3://b/r.sql.gz")}
    checks = {c.name.split()[2].split("_")[0]: c for c in freshness.dump_checks(present, TODAY)}
    assert set(checks) == set(DUMP_FILES)
    assert (checks["movings"].level, checks["movings"].detail) == (freshness.CRITICAL, "missing (.sql or .sql.gz)")
    assert checks["tenants"].level == freshness.OK
    assert checks["rooms"].detail == "ambiguous: s3://b/r.sql and s3://b/r.sql.gz"


def test_the_sensor_looks_for_the_same_keys_as_the_load():
    from tokyobeta_etl.sensors import dump_key_patterns

    prefix = "{{ tokyobeta.setting('tokyobeta_dump_prefix') }}"
    ymd = "{{ tokyobeta.batch_ymd(params, data_interval_end) }}"
    patterns = dump_key_patterns()
    assert patterns == [f"{prefix}{stem}_{ymd}.sql*" for stem in DUMP_FILES]
    for stem, pattern in zip(DUMP_FILES, patterns, strict=True):
        assert candidate_keys(pattern.removesuffix("*")) == (
            dump_key(prefix, stem, ymd),
            dump_key(prefix, stem, ymd, gz=True),
        )

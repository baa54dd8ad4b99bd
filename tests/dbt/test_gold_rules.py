"""The gold marts on the hand-made rows (harness.handmade_rows), expected values written out.

A few move-out notices are added to the rows first: one pending, one completed, one older than 24 months before
as_of (2026-03-01, the batch date) and one after it. One `dbt build --select tag:silver tag:gold` builds both layers;
every dbt test in it must pass.
"""

from __future__ import annotations

import datetime as dt

import pytest

from harness.dbt_runner import query
from harness.handmade_rows import BATCH, D, load

NOTICES = {1001: "2026-02-20", 1013: "2026-01-31", 1018: "2020-12-31", 1002: "2026-03-05"}


@pytest.fixture(scope="module")
def gold(mysql_server, etl_user, dbt):
    load(mysql_server)
    mysql_server.execute(
        *(
            f"UPDATE staging.movings SET moveout_receipt_date = '{day}' WHERE id = {moving}"
            for moving, day in NOTICES.items()
        )
    )
    result = dbt.run("build", "--select", "tag:silver", "tag:gold", vars={"batch_date": BATCH})
    assert result.failed() == {}, result.tail()
    # the one source-data expectation the rows break on purpose (see test_silver_rules): nothing in gold warns
    assert [w.split(".")[2] for w in result.warned()] == [
        "relationships_stg_movings_moving_agreement_type__code__ref_code_contract_type_"
    ]
    assert any(k.startswith("test.tokyobeta.moveout_summary_adds_up") for k in result.statuses())
    yield mysql_server


def rows(server, sql):
    return query(server, sql)


def test_new_contracts_are_the_valid_contracts_with_a_date_since_2018(gold):
    got = dict(rows(gold, "SELECT moving_id, contract_date FROM gold.new_contracts"))
    # 1012 is cancelled; 1015 has neither a signing date nor a move-in date; 990/991 are earlier movings of 1004's
    # room that are not renewals: each starts a contract; the orphans 2001 and 2002 are contracts all the same
    assert sorted(got) == [
        *(990, 991),
        *(1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011),
        *(1013, 1014, 1016, 1017, 1018, 2001, 2002),
    ]
    assert got[1001] == D("2024-12-01")  # the signing date
    assert got[1004] == D("2024-01-01")  # zero signing date: the move-in date


def test_new_contracts_carry_demographics_with_both_labels(gold):
    (row,) = rows(
        gold,
        "SELECT tenant_type, moving_agreement_type_label_ja, moving_agreement_type_label_en, gender_label_ja, "
        "gender_label_en, nationality, age_bucket, age_bucket_label_ja, age_bucket_label_en, prefecture, latitude "
        "FROM gold.new_contracts WHERE moving_id = 1001",
    )
    assert row[:5] == ("individual", "一般", "General", "男性", "Male")
    assert row[5] is None  # 'レソト' placeholder nationality
    assert row[6:9] == ("0_unknown", "不明", "Unknown")  # no age in the source row
    assert row[9] == "東京都" and float(row[10]) == pytest.approx(35.705)


def test_moveouts_are_completed_contracts_with_their_stay_and_notice(gold):
    got = {
        r[0]: r[1:]
        for r in rows(
            gold,
            "SELECT moving_id, movein_date, moveout_date, stay_days, stay_months, notice_date, notice_lead_days, "
            "tenant_type FROM gold.moveouts ORDER BY moving_id",
        )
    }
    assert got == {
        1013: (D("2025-02-01"), D("2026-02-28"), 392, 12, D("2026-01-31"), 28, "individual"),
        1018: (D("2020-01-01"), D("2021-01-31"), 396, 12, D("2020-12-31"), 31, "unknown"),  # code 99: unknown
    }


def test_moveout_notices_hold_the_24_months_up_to_as_of_pending_or_completed(gold):
    got = rows(
        gold,
        "SELECT moving_id, notice_date, planned_moveout_date, notice_status, notice_status_label_ja, "
        "notice_status_label_en, as_of_date FROM gold.moveout_notices ORDER BY moving_id",
    )
    # 1018's notice is older than 24 months; 1002's is after as_of
    assert got == [
        (1001, D("2026-02-20"), D("2026-03-20"), "pending", "退去予定", "Pending", D(BATCH)),
        (1013, D("2026-01-31"), D("2026-02-28"), "completed", "退去済", "Completed", D(BATCH)),
    ]


def test_moveout_analysis_buckets(gold):
    got = rows(
        gold,
        "SELECT moving_id, moveout_month, rent_bucket, rent_bucket_label_ja, rent_bucket_label_en, tenure_bucket, "
        "tenure_bucket_label_en, age_bucket FROM gold.moveout_analysis ORDER BY moving_id",
    )
    assert got == [
        (1013, D("2026-02-01"), "2_50k_60k", "5〜6万円", "¥50k–60k", "4_12_24m", "1–2 years", "0_unknown"),
        (1018, D("2021-01-01"), "2_50k_60k", "5〜6万円", "¥50k–60k", "4_12_24m", "1–2 years", "0_unknown"),
    ]


def test_moveout_summary_counts_each_moveout_once_per_bucketing(gold):
    got = rows(
        gold,
        "SELECT moveout_month, bucket_type, bucket, bucket_label_en, prefecture, tenant_type, moveouts, "
        "avg_stay_days FROM gold.moveout_summary WHERE bucket_type = 'tenure' ORDER BY moveout_month",
    )
    assert [r[:7] for r in got] == [
        (dt.date(2021, 1, 1), "tenure", "4_12_24m", "1–2 years", "東京都", "unknown", 1),
        (dt.date(2026, 2, 1), "tenure", "4_12_24m", "1–2 years", "東京都", "individual", 1),
    ]
    assert [float(r[7]) for r in got] == [396.0, 392.0]
    totals = rows(gold, "SELECT bucket_type, SUM(moveouts) FROM gold.moveout_summary GROUP BY 1 ORDER BY 1")
    assert [(k, int(n)) for k, n in totals] == [("age", 2), ("reason", 2), ("rent", 2), ("tenure", 2)]


def test_tenant_status_transitions_follow_the_scd2_history(gold):
    got = rows(
        gold,
        "SELECT tenant_id, transition_date, previous_status_code, previous_status_label_ja, new_status_code, "
        "new_status_label_en, legacy_contract_type FROM gold.tenant_status_transitions "
        "ORDER BY tenant_id, transition_date",
    )
    assert got == [
        (101, D("2026-02-03"), 4, "仮予約", 5, "Initial Rent Deposit", 0),
        (101, D("2026-02-06"), 5, "初期賃料", 9, "In Residence", 0),
        (101, D("2026-02-07"), 9, "居住中", 9, "In Residence", 1),  # the contract type alone changed
        (102, D("2026-02-02"), 9, "居住中", 14, "Move-out Notice Received", 0),
        (102, D("2026-02-03"), 14, "退去通知", 9, "In Residence", 0),
    ]


def test_every_column_of_every_gold_table_is_documented(gold, dbt):
    import json

    manifest = json.loads((dbt.target_dir / "manifest.json").read_text())
    documented = {
        n["name"]: set(n["columns"])
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "gold"
    }
    actual: dict[str, set[str]] = {}
    for table, column in rows(
        gold, "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'gold'"
    ):
        actual.setdefault(table, set()).add(column)
    assert set(actual) == set(documented)
    assert {t: sorted(actual[t] - documented[t]) for t in actual if actual[t] - documented[t]} == {}

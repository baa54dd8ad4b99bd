"""The loader owns table comments (its batch tag): a dump's table-level COMMENT never reaches the load schema."""

from __future__ import annotations

import pytest

from tokyobeta_etl.dumps import ForbiddenStatement, classify_statement, iter_statements

COLUMNS = "CREATE TABLE `movings` (\n  `id` int NOT NULL COMMENT 'tokyobeta batch=2026-02-10',\n  PRIMARY KEY (`id`)\n)"
LOADED = COLUMNS.replace("`movings`", "`load`.`movings`", 1)


def rewritten(sql: str) -> str:
    [stmt] = list(iter_statements([sql.encode() + b";"]))
    c = classify_statement(stmt, file_name="movings_20260210.sql", tables=("movings",), target_schema="load")
    return c.sql.decode()


def test_forged_batch_tag_is_removed_and_every_other_table_option_kept():
    options = (
        " ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC"
        " COMMENT='tokyobeta batch=2026-02-10'"
    )
    assert rewritten(COLUMNS + options) == (
        LOADED + " ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC"
    )


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        (
            " ENGINE=InnoDB COMMENT='tokyobeta batch=2026-02-10' DEFAULT CHARSET=utf8mb4",
            " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        ),
        (" COMMENT 'tokyobeta batch=2026-02-10' ENGINE=InnoDB", " ENGINE=InnoDB"),
        (' ENGINE=InnoDB COMMENT = "tokyobeta batch=2026-02-10"', " ENGINE=InnoDB"),
        (" ENGINE=InnoDB comment=_utf8mb4'tokyobeta batch=2026-02-10'", " ENGINE=InnoDB"),
        (
            " ENGINE=InnoDB COMMENT='tokyobeta ' 'batch=2026-02-10' ROW_FORMAT=COMPACT",
            " ENGINE=InnoDB ROW_FORMAT=COMPACT",
        ),
        (" ENGINE=InnoDB COMMENT='it''s \\' ok'", " ENGINE=InnoDB"),
        (" ENGINE=InnoDB, COMMENT='x', DEFAULT CHARSET=utf8mb4", " ENGINE=InnoDB, DEFAULT CHARSET=utf8mb4"),
        (" COMMENT='x', ENGINE=InnoDB", " ENGINE=InnoDB"),
        (" ENGINE=InnoDB, COMMENT='x'", " ENGINE=InnoDB"),
        (" COMMENT='a', COMMENT='b', ENGINE=InnoDB", " ENGINE=InnoDB"),
        (" ENGINE=InnoDB, COMMENT='a', COMMENT='b'", " ENGINE=InnoDB"),
        (" ENGINE=InnoDB COMMENT='a' COMMENT='b' DEFAULT CHARSET=utf8mb4", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"),
        (" COMMENT=''", ""),
        ("COMMENT='x'", ""),
    ],
)
def test_every_form_of_the_table_comment_is_removed(options, kept):
    assert rewritten(COLUMNS + options) == LOADED + kept


def test_a_table_comment_in_an_executed_version_comment_is_removed_too():
    sql = rewritten(COLUMNS + " ENGINE=InnoDB /*!50100 COMMENT='tokyobeta batch=2026-02-10' */")
    assert "COMMENT=" not in sql and sql.startswith(LOADED + " ENGINE=InnoDB")


def test_column_and_partition_comments_stay():
    partitions = " ENGINE=InnoDB PARTITION BY RANGE (`id`) (PARTITION p0 VALUES LESS THAN (10) COMMENT = 'p0')"
    assert rewritten(COLUMNS + partitions) == LOADED + partitions
    assert "COMMENT 'tokyobeta batch=2026-02-10'" in rewritten(COLUMNS + " COMMENT='x'")


@pytest.mark.parametrize("value", ["@tag", "0x746f6b796f62657461", "CONCAT('a')", ""])
def test_a_table_comment_that_is_not_a_string_literal_is_refused(value):
    with pytest.raises(ForbiddenStatement, match="table COMMENT is not a string literal") as err:
        rewritten(COLUMNS + f" ENGINE=InnoDB COMMENT={value}")
    assert err.value.kind == "CREATE TABLE ... COMMENT" and err.value.table == "movings"

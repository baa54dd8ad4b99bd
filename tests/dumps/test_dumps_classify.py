"""Statement classification: what is executed (and how it is rewritten), what is skipped, what is refused."""

from __future__ import annotations

import pickle

import pytest

from tokyobeta_etl.dumps import (
    Classifier,
    DumpSyntaxError,
    ForbiddenStatement,
    Statement,
    StatementKind,
    classify_statement,
    iter_statements,
)

ROOMS = ("apartments", "rooms")


def classify(sql: str | bytes, tables=("movings",), **kwargs):
    """Classify the single statement in `sql` (comment / version-comment normalisation included)."""
    data = sql.encode() if isinstance(sql, str) else sql
    [stmt] = list(iter_statements([data + b";"]))
    return classify_statement(stmt, file_name="movings_20260210.sql", tables=tables, target_schema="load", **kwargs)


@pytest.mark.parametrize("verb", ["INSERT IGNORE INTO", "REPLACE INTO", "insert ignore", "replace"])
def test_insert_ignore_and_replace_run_as_a_plain_insert(verb):
    """--insert-ignore / --replace dumps load, but as a plain INSERT: a duplicate id fails instead of hiding a row."""
    c = classify(f"{verb} `movings` VALUES (1,'a'),(2,'b')")
    assert c.sql == b"INSERT INTO `load`.`movings` VALUES (1,'a'),(2,'b')"
    assert c.rows == 2


def refused(sql: str, tables=("movings",), **kwargs) -> ForbiddenStatement:
    with pytest.raises(ForbiddenStatement) as err:
        classify(sql, tables, **kwargs)
    return err.value


# --- CREATE TABLE -----------------------------------------------------------------------------------------------


def test_create_table_is_rewritten_and_its_columns_and_primary_key_returned():
    c = classify(
        "CREATE TABLE `movings` (\n  `id` int unsigned NOT NULL,\n  `tenant_id` int NOT NULL,\n"
        "  `note` varchar(10) DEFAULT 'a,b (c)' COMMENT 'PRIMARY KEY (`note`)',\n"
        "  PRIMARY KEY (`id`),\n  KEY `t` (`tenant_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    )
    assert c.kind is StatementKind.CREATE_TABLE and c.executable
    assert c.table == "movings"
    assert c.columns == ("id", "tenant_id", "note")
    assert c.primary_key == ("id",)
    assert c.sql.startswith(b"CREATE TABLE `load`.`movings` (\n  `id` int unsigned NOT NULL,")
    assert c.sql.endswith(b") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")


def test_create_table_with_unquoted_names_inline_primary_key_and_comments():
    c = classify(
        "CREATE TABLE IF NOT EXISTS movings ( -- hand written\n id INT NOT NULL PRIMARY KEY, rent DECIMAL(10,0) )"
    )
    assert c.columns == ("id", "rent")
    assert c.primary_key == ("id",)
    assert c.sql.startswith(b"CREATE TABLE IF NOT EXISTS `load`.`movings` (")


def test_create_table_composite_primary_key_with_prefix_lengths_and_constraint_name():
    c = classify(
        "CREATE TABLE `rooms` (`apartment_id` int, `room_number` varchar(16), "
        "CONSTRAINT `pk` PRIMARY KEY USING BTREE (`apartment_id`, `room_number`(8) DESC))",
        ROOMS,
    )
    assert c.primary_key == ("apartment_id", "room_number")


def test_create_table_without_primary_key_and_mariadb_or_replace():
    c = classify("CREATE OR REPLACE TABLE `movings` (`id` int)")
    assert c.primary_key == ()
    assert c.sql == b"CREATE OR REPLACE TABLE `load`.`movings` (`id` int)"


def test_create_table_identifiers_with_backquotes_and_japanese():
    c = classify("CREATE TABLE `movings` (`a``b` int, `備考` text, 列 int)")
    assert c.columns == ("a`b", "備考", "列")


def test_target_schema_is_quoted():
    [stmt] = list(iter_statements([b"DROP TABLE IF EXISTS movings;"]))
    c = Classifier(file_name="f", tables=("movings",), target_schema="we`ird")(stmt)
    assert c.sql == b"DROP TABLE IF EXISTS `we``ird`.`movings`"


def test_collation_shim_rewrites_only_mysql8_collations_and_only_when_asked():
    ddl = (
        "CREATE TABLE `movings` (`a` varchar(5) COLLATE utf8mb4_0900_ai_ci, `b` varchar(5) COLLATE utf8mb4_0900_bin,"
        " `c` varchar(5) COLLATE utf8mb4_ja_0900_as_cs, `d` varchar(5) COLLATE 'utf8mb4_0900_as_cs',"
        " `e` varchar(5) COLLATE utf8mb4_general_ci COMMENT 'utf8mb4_0900_ai_ci')"
        " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    )
    assert classify(ddl).sql.decode() == ddl.replace("`movings`", "`load`.`movings`")
    shimmed = classify(ddl, collation_shim=True).sql.decode()
    assert shimmed == (
        "CREATE TABLE `load`.`movings` (`a` varchar(5) COLLATE utf8mb4_unicode_ci, `b` varchar(5) COLLATE utf8mb4_bin,"
        " `c` varchar(5) COLLATE utf8mb4_unicode_ci, `d` varchar(5) COLLATE 'utf8mb4_unicode_ci',"
        " `e` varchar(5) COLLATE utf8mb4_general_ci COMMENT 'utf8mb4_0900_ai_ci')"
        " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
    )


def test_foreign_keys_are_stripped_by_default_or_refused():
    ddl = (
        "CREATE TABLE `rooms` (\n  `id` int,\n  `apartment_id` int,\n  KEY `fk` (`apartment_id`),\n"
        "  CONSTRAINT `fk` FOREIGN KEY (`apartment_id`) REFERENCES `apartments` (`id`) ON DELETE CASCADE,\n"
        "  FOREIGN KEY (`id`) REFERENCES `x` (`id`)\n) ENGINE=InnoDB"
    )
    c = classify(ddl, ROOMS)
    assert c.sql == (
        b"CREATE TABLE `load`.`rooms` (\n  `id` int,\n  `apartment_id` int,\n  KEY `fk` (`apartment_id`)\n"
        b") ENGINE=InnoDB"
    )
    assert c.columns == ("id", "apartment_id")
    err = refused(ddl, ROOMS, strip_foreign_keys=False)
    assert err.kind == "CREATE TABLE ... FOREIGN KEY"


def test_version_comments_inside_create_table():
    c = classify("CREATE TABLE `movings` (`id` int /*!80023 INVISIBLE */) /*!50100 TABLESPACE `x` */ ENGINE=InnoDB")
    assert c.sql == b"CREATE TABLE `load`.`movings` (`id` int   INVISIBLE  )   TABLESPACE `x`   ENGINE=InnoDB"


def test_create_table_that_is_not_utf8_is_a_syntax_error():
    with pytest.raises(DumpSyntaxError, match="not valid UTF-8") as err:
        classify(b"CREATE TABLE `movings` (`id` int COMMENT '\xff')")
    assert err.value.line == 1


# --- DROP TABLE -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql", ["DROP TABLE IF EXISTS `movings`", "DROP TABLE movings", "drop table `movings` RESTRICT"]
)
def test_drop_table_always_becomes_drop_if_exists_in_the_target(sql):
    c = classify(sql)
    assert c.kind is StatementKind.DROP_TABLE
    assert c.sql == b"DROP TABLE IF EXISTS `load`.`movings`"


def test_drop_of_several_file_tables():
    c = classify("DROP TABLE IF EXISTS `apartments`, rooms", ROOMS)
    assert c.tables == ROOMS
    assert c.sql == b"DROP TABLE IF EXISTS `load`.`apartments`, `load`.`rooms`"


# --- INSERT -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "columns", "payload"),
    [
        ("INSERT INTO `movings` VALUES (1,'a'),(2,'b')", None, b"VALUES (1,'a'),(2,'b')"),
        ("INSERT INTO `movings` VALUES\n(1,'a'),\n(2,'b')", None, b"VALUES\n(1,'a'),\n(2,'b')"),
        ("INSERT INTO `movings` VALUES(1)", None, b"VALUES(1)"),
        ("insert into movings values (1)", None, b"values (1)"),
        ("INSERT movings VALUE (1)", None, b"VALUE (1)"),
        ("INSERT INTO `movings` (`id`, `note`) VALUES (1,'x')", ("id", "note"), b"VALUES (1,'x')"),
        ("INSERT INTO `movings`(`id`,`a``b`)VALUES(1,2)", ("id", "a`b"), b"VALUES(1,2)"),
    ],
)
def test_insert_forms_dump_tools_write(sql, columns, payload):
    c = classify(sql)
    assert c.kind is StatementKind.INSERT and c.table == "movings"
    assert c.columns == columns
    assert c.sql.startswith(b"INSERT INTO `load`.`movings` ")
    assert c.sql.endswith(payload)


def test_insert_payload_is_passed_through_byte_for_byte_without_decoding():
    payload = b"VALUES (1,'\xff\xfe not utf-8',_binary '\x00\x01\\'',NULL,'%s %d {}')"
    c = classify(b"INSERT INTO `movings` " + payload)
    assert c.sql == b"INSERT INTO `load`.`movings` " + payload


def test_insert_column_list_is_kept_as_written():
    c = classify("INSERT INTO `movings` ( `id` ,`rent` ) VALUES (1,2)")
    assert c.sql == b"INSERT INTO `load`.`movings` ( `id` ,`rent` ) VALUES (1,2)"


# --- validated and skipped --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("LOCK TABLES `movings` WRITE", StatementKind.LOCK_TABLES),
        ("LOCK TABLES movings READ LOCAL", StatementKind.LOCK_TABLES),
        ("UNLOCK TABLES", StatementKind.UNLOCK_TABLES),
        ("/*!40000 ALTER TABLE `movings` DISABLE KEYS */", StatementKind.DISABLE_KEYS),
        ("/*!40000 ALTER TABLE `movings` ENABLE KEYS */", StatementKind.ENABLE_KEYS),
        (
            "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `gghouse` /*!40100 DEFAULT CHARACTER SET utf8mb4 */ "
            "/*!80016 DEFAULT ENCRYPTION='N' */",
            StatementKind.CREATE_DATABASE,
        ),
        ("USE `gghouse`", StatementKind.USE),
        ("commit", StatementKind.COMMIT),
        ("SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'", StatementKind.DUMP_TOOL),
        ("SET @@GLOBAL.GTID_PURGED='3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'", StatementKind.DUMP_TOOL),
        (
            "/*!50717 SELECT COUNT(*) INTO @rocksdb_has_p_s_session_variables FROM INFORMATION_SCHEMA.TABLES WHERE "
            "TABLE_SCHEMA = 'performance_schema' AND TABLE_NAME = 'session_variables' */",
            StatementKind.DUMP_TOOL,
        ),
        (
            "/*!50112 SELECT COUNT(*) INTO @is_rocksdb_supported FROM INFORMATION_SCHEMA.SESSION_VARIABLES WHERE "
            "VARIABLE_NAME='rocksdb_bulk_load' */",
            StatementKind.DUMP_TOOL,
        ),
        ("/*!50717 PREPARE s FROM @rocksdb_enable_bulk_load */", StatementKind.DUMP_TOOL),
        ("/*!50717 EXECUTE s */", StatementKind.DUMP_TOOL),
        ("/*!50717 DEALLOCATE PREPARE s */", StatementKind.DUMP_TOOL),
    ],
)
def test_skipped_statements(sql, kind):
    c = classify(sql)
    assert c.kind is kind
    assert c.sql is None and not c.executable


@pytest.mark.parametrize(
    ("sql", "settings"),
    [
        ("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */", ()),
        ("/*!50503 SET NAMES utf8mb4 */", (("names", "utf8mb4"),)),
        ("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'", (("names", "'utf8mb4' COLLATE 'utf8mb4_unicode_ci'"),)),
        ("SET CHARACTER SET utf8mb4", (("character_set", "utf8mb4"),)),
        ("/*!40101 SET character_set_client = utf8mb4 */", (("character_set_client", "utf8mb4"),)),
        ("/*!40101 SET @saved_cs_client     = @@character_set_client */", ()),
        ("/*!40103 SET TIME_ZONE='+00:00' */", (("time_zone", "'+00:00'"),)),
        ("/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */", (("unique_checks", "0"),)),
        (
            "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */",
            (("foreign_key_checks", "@OLD_FOREIGN_KEY_CHECKS"),),
        ),
        (
            "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */",
            (("sql_mode", "'NO_AUTO_VALUE_ON_ZERO'"),),
        ),
        ("/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */", (("sql_notes", "0"),)),
        ("SET autocommit=0", (("autocommit", "0"),)),
        ("SET SESSION sql_mode = 'STRICT_TRANS_TABLES'", (("sql_mode", "'STRICT_TRANS_TABLES'"),)),
        ("SET @@SESSION.SQL_LOG_BIN= 0", (("sql_log_bin", "0"),)),
        ("SET @@session.time_zone = '+09:00'", (("time_zone", "'+09:00'"),)),
        ("SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN", ()),
        ("SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN", (("sql_log_bin", "@MYSQLDUMP_TEMP_LOG_BIN"),)),
        ("/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */", (("note_verbosity", "0"),)),
        (
            "/*!50717 SET @rocksdb_get_is_supported = IF (@rocksdb_has_p_s_session_variables, 'SELECT COUNT(*) "
            "INTO @rocksdb_is_supported FROM performance_schema.session_variables WHERE "
            "VARIABLE_NAME=\\'rocksdb_bulk_load\\'', 'SELECT 0') */",
            (),
        ),
        ("/*!50717 SET @rocksdb_bulk_load_var_name='rocksdb_bulk_load' */", ()),
    ],
)
def test_session_set_statements_are_validated_and_skipped(sql, settings):
    c = classify(sql)
    assert c.kind is StatementKind.SET and c.sql is None
    assert c.settings == settings


def test_not_executed_version_comment_is_not_even_looked_at():
    assert list(iter_statements([b"/*!90000 GRANT ALL ON *.* TO 'x'@'%' */;"])) == []


# --- refused: one test per kind the contract lists, then the rest ----------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO `tenants` VALUES (1)",
        "CREATE TABLE `tenants` (`id` int)",
        "DROP TABLE IF EXISTS `tenants`",
        "LOCK TABLES `tenants` WRITE",
        "LOCK TABLES `movings` WRITE, `tenants` WRITE",
        "/*!40000 ALTER TABLE `tenants` DISABLE KEYS */",
        "DROP TABLE IF EXISTS `movings`, `tenants`",
        "INSERT INTO `Movings` VALUES (1)",
    ],
)
def test_refuses_another_table(sql):
    err = refused(sql)
    assert "is not one this file carries (expected: movings)" in err.message
    assert err.table in ("tenants", "Movings")


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO `other_db`.`movings` VALUES (1)",
        "INSERT INTO other_db.movings VALUES (1)",
        "INSERT INTO `other_db` . `movings` (`id`) VALUES (1)",
        "CREATE TABLE `other_db`.`movings` (`id` int)",
        "DROP TABLE IF EXISTS `other_db`.`movings`",
        "LOCK TABLES `other_db`.`movings` WRITE",
        "ALTER TABLE `other_db`.`movings` DISABLE KEYS",
    ],
)
def test_refuses_another_schema(sql):
    err = refused(sql)
    assert "schema-qualified table name `other_db`.`movings`" in err.message
    assert err.table == "other_db.movings"


def test_refuses_grant():
    assert refused("GRANT ALL PRIVILEGES ON *.* TO 'etl'@'%'").kind == "GRANT"


def test_refuses_revoke():
    assert refused("REVOKE SELECT ON gghouse.* FROM 'etl'@'%'").kind == "REVOKE"


def test_refuses_create_user():
    assert refused("CREATE USER 'x'@'%' IDENTIFIED BY 'pw'").kind == "CREATE USER"


def test_refuses_drop_database():
    assert refused("DROP DATABASE `staging`").kind == "DROP DATABASE"
    assert refused("DROP SCHEMA IF EXISTS staging").kind == "DROP SCHEMA"


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TRIGGER trg BEFORE INSERT ON movings FOR EACH ROW SET NEW.rent = 0",
        "CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON movings FOR EACH ROW SET NEW.rent = 0",
        "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE INSERT ON movings "
        "FOR EACH ROW SET NEW.rent = 0 */",
    ],
)
def test_refuses_trigger(sql):
    assert refused(sql).kind == "CREATE TRIGGER"


def test_refuses_procedure():
    sql = "CREATE DEFINER=`root`@`%` PROCEDURE p() SQL SECURITY DEFINER SELECT 1"
    assert refused(sql).kind == "CREATE PROCEDURE"


def test_refuses_function():
    assert refused("CREATE FUNCTION f() RETURNS int DETERMINISTIC RETURN 1").kind == "CREATE FUNCTION"


def test_refuses_event():
    sql = (
        "/*!50106 CREATE*/ /*!50117 DEFINER=`root`@`%`*/ /*!50106 EVENT `e` ON SCHEDULE EVERY 1 DAY DO DELETE FROM t */"
    )
    assert refused(sql).kind == "CREATE EVENT"


def test_refuses_view():
    sql = (
        "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`%` SQL SECURITY DEFINER */"
        " /*!50001 VIEW v AS SELECT 1 */"
    )
    assert refused(sql).kind == "CREATE VIEW"


def test_refuses_load_data():
    assert refused("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE movings").kind == "LOAD DATA"


@pytest.mark.parametrize(
    ("target", "kind"), [("OUTFILE", "SELECT ... INTO OUTFILE"), ("DUMPFILE", "SELECT ... INTO DUMPFILE")]
)
def test_refuses_select_into_outfile(target, kind):
    assert refused(f"SELECT * FROM movings INTO {target} '/tmp/x'").kind == kind


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("SELECT SLEEP(10)", "SELECT"),
        ("UPDATE movings SET rent = 0", "UPDATE"),
        ("DELETE FROM movings", "DELETE"),
        ("RENAME TABLE movings TO x", "RENAME"),
        ("TRUNCATE TABLE movings", "TRUNCATE"),
        ("ALTER TABLE `movings` ADD COLUMN x int", "ALTER TABLE"),
        ("ALTER USER root IDENTIFIED BY 'x'", "ALTER USER"),
        ("CREATE TEMPORARY TABLE `movings` (`id` int)", "CREATE TEMPORARY TABLE"),
        ("DROP TEMPORARY TABLE `movings`", "DROP TEMPORARY TABLE"),
        ("CREATE TABLE `movings` SELECT * FROM other", "CREATE TABLE ... SELECT"),
        ("CREATE TABLE `movings` AS SELECT * FROM other", "CREATE TABLE ... AS"),
        ("CREATE TABLE `movings` (`id` int) SELECT * FROM other", "CREATE TABLE ... SELECT"),
        ("CREATE TABLE `movings` (`id` int) AS SELECT 1", "CREATE TABLE ... AS SELECT"),
        ("CREATE TABLE `movings` LIKE other", "CREATE TABLE ... LIKE"),
        ("CREATE TABLE `movings` (LIKE other)", "CREATE TABLE ... LIKE"),
        ("CREATE TABLE `movings` (`id` int) DATA DIRECTORY='/tmp'", "CREATE TABLE ... DATA/INDEX DIRECTORY"),
        ("CREATE TABLE `movings` (`id` int) INDEX DIRECTORY='/tmp'", "CREATE TABLE ... DATA/INDEX DIRECTORY"),
        ("CREATE TABLE `movings` (`id` int) ENGINE=FEDERATED CONNECTION='mysql://u@h/db/t'", "CREATE TABLE ... ENGINE"),
        (
            "CREATE TABLE `movings` (`id` int) ENGINE=CONNECT table_type=CSV file_name='/etc/passwd'",
            "CREATE TABLE ... ENGINE",
        ),
        ("CREATE TABLE `movings` (`id` int) ENGINE=BLACKHOLE", "CREATE TABLE ... ENGINE"),
        ("CREATE TABLE `movings` (`id` int) ENGINE=MyISAM UNION=(a,b)", "CREATE TABLE ... UNION (MERGE table)"),
        ("CREATE TABLE `movings` (`id` int) ENGINE=MRG_MyISAM", "CREATE TABLE ... ENGINE"),
        ("CREATE TABLE `movings` (`id` int REFERENCES other(id))", "CREATE TABLE"),
        ("CREATE INDEX i ON movings (id)", "CREATE INDEX"),
        ("INSERT DELAYED INTO `movings` VALUES (1)", "INSERT DELAYED"),
        ("INSERT INTO `movings` SELECT * FROM other", "INSERT ... SELECT"),
        ("INSERT INTO `movings` (`id`) SELECT id FROM other", "INSERT ... SELECT"),
        ("INSERT INTO `movings` SET id = 1", "INSERT ... SET"),
        ("INSERT INTO `movings` PARTITION (p0) VALUES (1)", "INSERT ... PARTITION"),
        ("SET GLOBAL general_log = 1", "SET GLOBAL"),
        ("SET @@GLOBAL.read_only = 1", "SET GLOBAL"),
        ("SET @@GLOBAL.GTID_PURGED='x', @a=1", "SET GLOBAL"),
        ("SET PERSIST max_connections = 1", "SET PERSIST"),
        ("SET PASSWORD FOR 'etl'@'%' = 'x'", "SET PASSWORD"),
        ("SET PASSWORD = 'x'", "SET PASSWORD"),
        ("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED", "SET TRANSACTION"),
        ("SET ROLE ALL", "SET ROLE"),
        ("SET DEFAULT ROLE ALL TO x", "SET DEFAULT ROLE"),
        ("SET STATEMENT max_statement_time=1 FOR SELECT 1", "SET STATEMENT"),
        ("SET sql_log_off = 1", "SET SQL_LOG_OFF"),
        ("/*!40101 SET NAMES latin1 */", "SET NAMES"),
        ("SET NAMES 'sjis'", "SET NAMES"),
        ("SET character_set_client = cp932", "SET CHARACTER_SET_CLIENT"),
        ("SET SESSION debug = 'x'", "SET DEBUG"),
        ("SET @x = (SELECT password FROM mysql.user)", "SET"),
        ("SET sql_mode = CONCAT(@@sql_mode, ',ANSI')", "SET"),
        ("SET NAMES utf8mb4, @@GLOBAL.x = 1", "SET GLOBAL"),
        ("PREPARE s FROM @evil", "PREPARE"),
        ("EXECUTE other", "EXECUTE"),
        ("CALL p()", "CALL"),
        ("DO SLEEP(1)", "DO"),
        ("FLUSH PRIVILEGES", "FLUSH"),
        ("BINLOG 'base64'", "BINLOG"),
        ("SHUTDOWN", "SHUTDOWN"),
        ("INSTALL PLUGIN x SONAME 'x.so'", "INSTALL PLUGIN"),
        ("CHANGE MASTER TO MASTER_HOST='x'", "CHANGE MASTER"),
        ("LOCK INSTANCE FOR BACKUP", "LOCK INSTANCE"),
        ("UNLOCK INSTANCE", "UNLOCK INSTANCE"),
        ("START TRANSACTION", "START TRANSACTION"),
        ("USE a b", "USE"),
        ("HANDLER movings OPEN", "HANDLER"),
        ("(SELECT 1)", "statement starting with '('"),
        ("system rm -rf /", "SYSTEM"),
    ],
)
def test_refuses_everything_else(sql, kind):
    assert refused(sql).kind == kind


def test_refusal_names_file_line_kind_table_and_an_excerpt():
    text = b"SET a=1;\n\nINSERT INTO `tenants` VALUES " + b",".join(b"(%d,'x')" % i for i in range(500)) + b";"
    stmt = list(iter_statements([text]))[1]
    with pytest.raises(ForbiddenStatement) as info:
        classify_statement(stmt, file_name="movings_20260210.sql", tables=("movings",), target_schema="load")
    err = info.value
    assert (err.file_name, err.line, err.table, err.kind) == ("movings_20260210.sql", 3, "tenants", "INSERT")
    assert err.excerpt.startswith("INSERT INTO `tenants` VALUES (0,'x'),(1,'x')")
    assert len(err.excerpt) <= 120
    text = str(err)
    for part in ("movings_20260210.sql", "line 3", "INSERT", "tenants", "INSERT INTO `tenants` VALUES (0,"):
        assert part in text
    copy = pickle.loads(pickle.dumps(err))
    assert (type(copy), str(copy), copy.line, copy.kind, copy.table) == (type(err), text, 3, "INSERT", "tenants")


def test_classifier_requires_a_schema_name():
    with pytest.raises(ValueError):
        Classifier(file_name="f", tables=("movings",), target_schema="")


def test_classifier_on_a_statement_object_directly():
    c = Classifier(file_name="f", tables=ROOMS, target_schema="s")(Statement(b"INSERT INTO rooms VALUES (1)", 7, 3))
    assert (c.kind, c.table, c.line, c.index) == (StatementKind.INSERT, "rooms", 7, 3)


def test_long_create_table_is_parsed_in_full_and_other_long_statements_refused():
    columns = ", ".join(f"`c{i}` varchar(10) COMMENT '{'x' * 100}'" for i in range(1000))
    c = classify(f"CREATE TABLE `movings` ({columns}, PRIMARY KEY (`c999`))")
    assert len(c.columns) == 1000 and c.primary_key == ("c999",)
    err = refused("SET " + ", ".join(f"@v{i} = 'x'" for i in range(10000)))
    assert err.kind == "SET" and "longer than" in err.message
    assert refused("DROP TABLE " + ", ".join(["movings"] * 10000)).kind == "DROP TABLE"

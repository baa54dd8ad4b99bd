"""What bench_history.py reads from the warehouse: digests of tables (per date for the date-keyed ones), rows and
bytes per table, and the statements a DAG run sent with their durations (MariaDB's slow query log at
long_query_time = 0, written to a table: every statement of every session, like the general log, plus its time and
rows examined), normalised for comparing runs, attributed to the task that sent them, and EXPLAINed.

Every function takes an administrator connection (mysqlclient, autocommit) of the harness server.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

# The tables the daily DAG keeps by date: each run rewrites the rows of its own dates (a window for the last two).
DATE_KEYED = (
    "staging.tenant_daily_snapshots",
    "staging.tenant_snapshot_dates",
    "silver.tenant_room_snapshot_daily",
    "silver.room_count_daily",
    "silver.room_count_by_apartment_daily",
    "gold.property_daily_metrics",
    "gold.occupancy_daily_metrics",
)
# Rebuilt in full every run from the whole date-keyed history, so they grow with it too.
GROWING = ("silver.tenant_status_history", "gold.tenant_status_transitions")
COMPARED_SCHEMAS = ("staging", "silver", "gold")  # staging_prev / staging_load / ops hold other generations
# when a row was written or read, not what it says (CONTRACT.md invariant 1); as tests/harness/warehouse.py has them
AUDIT_COLUMNS = ("computed_at", "written_at", "status_history_read_at")
BIG_ROWS = 50_000  # a full scan (type ALL or index) expected to read at least this many rows is flagged


def rows(conn, sql: str, params: tuple | None = None) -> list[tuple]:
    cur = conn.cursor()
    try:
        cur.execute(sql, params)
        return list(cur.fetchall()) if cur.description else []
    finally:
        cur.close()


def base_tables(conn, schemas) -> list[str]:
    marks = ", ".join(["%s"] * len(schemas))
    found = rows(
        conn,
        f"SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ({marks}) "
        "AND table_type = 'BASE TABLE' ORDER BY 1, 2",
        tuple(schemas),
    )
    return [f"{s}.{t}" for s, t in found]


def quoted(table: str) -> str:
    schema, name = table.split(".")
    return f"`{schema}`.`{name}`"


# -- digests ----------------------------------------------------------------------------------------------------


def digests(conn, tables: tuple[str, ...] = (), date_keyed=DATE_KEYED) -> dict[str, dict[str, tuple]]:
    """table -> {date: (rows, hash sums)} for the date-keyed tables, {"*": ...} for the others, and "ddl" -> SHOW
    CREATE TABLE (comment included), for `tables` (default: every table of staging, silver and gold). Row hashes
    are summed in the server (MD5 of every column's QUOTE(), audit timestamps left out): order-free, and a date
    that differs is named."""
    out = {}
    for table in tables or base_tables(conn, COMPARED_SCHEMAS):
        schema, name = table.split(".")
        columns = [
            c
            for (c,) in rows(
                conn,
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                "ORDER BY ordinal_position",
                (schema, name),
            )
            if c not in AUDIT_COLUMNS
        ]
        row_hash = "MD5(CONCAT_WS(',', " + ", ".join(f"QUOTE(`{c}`)" for c in columns) + "))"
        key = "snapshot_date" if table in date_keyed else "'*'"
        got = rows(
            conn,
            "SELECT k, COUNT(*), SUM(CAST(CONV(LEFT(h, 16), 16, 10) AS UNSIGNED)), "
            "SUM(CAST(CONV(RIGHT(h, 16), 16, 10) AS UNSIGNED)) "
            f"FROM (SELECT {key} AS k, {row_hash} AS h FROM {quoted(table)}) AS d GROUP BY k",
        )
        digest = {str(k): (int(n), str(a), str(b)) for k, n, a, b in got}
        digest["ddl"] = rows(conn, f"SHOW CREATE TABLE {quoted(table)}")[0][1]
        out[table] = digest
    return out


def differences(before: dict, after: dict, dates: set[str] | None = None) -> list[str]:
    """What changed between two digests, naming table and date (or the definition); `dates` limits the date-keyed
    comparison to those dates ("*" rows and definitions are always compared)."""
    found = []
    for table in sorted(set(before) | set(after)):
        if table not in before or table not in after:
            found.append(f"{table}: {'appeared' if table not in before else 'disappeared'}")
            continue
        b, a = before[table], after[table]
        for key in sorted(set(b) | set(a)):
            if dates is not None and key not in ("*", "ddl") and key not in dates:
                continue
            if b.get(key) != a.get(key):
                what = "its definition (SHOW CREATE TABLE)" if key == "ddl" else f"date {key}" if key != "*" else "rows"
                found.append(f"{table}: {what} differ ({_short(b.get(key))} -> {_short(a.get(key))})")
    return found


def _short(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return f"{value[0]} rows, hash {value[1][-6:]}"
    return f"{len(str(value))} characters"


# -- sizes ------------------------------------------------------------------------------------------------------


def table_sizes(conn, schemas=("staging", "staging_prev", "silver", "gold", "ops")) -> dict[str, dict]:
    """table -> exact rows and MB (data_length + index_length after ANALYZE TABLE), biggest first."""
    tables = base_tables(conn, schemas)
    for i in range(0, len(tables), 20):
        rows(conn, "ANALYZE TABLE " + ", ".join(quoted(t) for t in tables[i : i + 20]))
    marks = ", ".join(["%s"] * len(schemas))
    lengths = {
        f"{s}.{t}": int(d or 0) + int(x or 0)
        for s, t, d, x in rows(
            conn,
            f"SELECT table_schema, table_name, data_length, index_length FROM information_schema.tables "
            f"WHERE table_schema IN ({marks}) AND table_type = 'BASE TABLE'",
            tuple(schemas),
        )
    }
    sizes = {t: {"rows": int(rows(conn, f"SELECT COUNT(*) FROM {quoted(t)}")[0][0])} for t in tables}
    for t in tables:
        sizes[t]["mb"] = round(lengths.get(t, 0) / 2**20, 2)
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]["mb"]))


# -- the statement log ------------------------------------------------------------------------------------------


def start_statement_log(conn) -> None:
    """Every statement of every session opened from now on, with its time, into mysql.slow_log."""
    for stmt in (
        "SET GLOBAL slow_query_log = 0",
        "TRUNCATE TABLE mysql.slow_log",
        "SET GLOBAL log_output = 'TABLE'",
        "SET GLOBAL long_query_time = 0",
        "SET GLOBAL log_slow_admin_statements = 1",
        "SET GLOBAL slow_query_log = 1",
    ):
        rows(conn, stmt)


@dataclass
class Statement:
    start: dt.datetime  # UTC
    seconds: float
    rows_examined: int
    thread: int
    text: str
    task: str = ""


def stop_statement_log(conn, user: str) -> list[Statement]:
    """Stop logging; the statements `user` sent, oldest first (start times in UTC)."""
    rows(conn, "SET GLOBAL slow_query_log = 0")
    rows(conn, "SET GLOBAL long_query_time = 10")
    ((offset,),) = rows(conn, "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())")
    got = rows(
        conn,
        "SELECT start_time, TIME_TO_SEC(query_time), rows_examined, thread_id, CONVERT(sql_text USING utf8mb4) "
        "FROM mysql.slow_log WHERE user_host LIKE %s ORDER BY start_time",
        (f"{user}[%",),
    )
    rows(conn, "TRUNCATE TABLE mysql.slow_log")
    shift = dt.timedelta(seconds=int(offset))
    return [Statement((s - shift).replace(tzinfo=dt.UTC), float(q), int(e), int(t), str(x)) for s, q, e, t, x in got]


_DBT_COMMENT = re.compile(r"^\s*/\*\s*(\{.*?\})\s*\*/\s*", re.S)
_NODE = re.compile(r'"node_id":\s*"[a-z]+\.tokyobeta\.([^".]+)')
_DATE = re.compile(r"(?<![0-9])\d{4}-\d{2}-\d{2}(?![0-9])")
_YMD = re.compile(r"(?<![0-9])(19|20)\d{6}(?![0-9])")
_INSERT_VALUES = re.compile(r"\s*(insert|replace)\s+(ignore\s+)?into\s+[`\w.]+\s*(\([^()]*\))?\s*values\b", re.I)
_VALUES = re.compile(r"(\bVALUES\b).*", re.S | re.I)
_SPACE = re.compile(r"\s+")


def without_comment(text: str) -> str:
    return _DBT_COMMENT.sub("", text, count=1)


def normalised(text: str) -> str:
    """A statement with its dates (literals, backup names), row values and dbt's comment taken out: the same
    statement of another day's run reads the same."""
    body = without_comment(text)
    if _INSERT_VALUES.match(body):
        body = _VALUES.sub(r"\1 ...", body, count=1)
    body = _YMD.sub("<yyyymmdd>", _DATE.sub("<date>", body))
    return _SPACE.sub(" ", body).strip()


def attribute(statements: list[Statement], tasks: dict[str, tuple[dt.datetime, dt.datetime]]) -> None:
    """Set each statement's task. A connection belongs to one task: the one running through all of its statements
    (within 2 s if none quite); among several, the one whose name its statements carry (dbt's comment names the
    node; a load names its tables), else "?" with the candidates."""
    slack = dt.timedelta(seconds=2)
    threads: dict[int, list[Statement]] = defaultdict(list)
    for s in statements:
        threads[s.thread].append(s)
    for sessions in threads.values():
        first = min(s.start for s in sessions)
        last = max(s.start + dt.timedelta(seconds=s.seconds) for s in sessions)
        running = [t for t, (a, b) in tasks.items() if a and b and a <= first and last <= b] or [
            t for t, (a, b) in tasks.items() if a and b and a - slack <= first and last <= b + slack
        ]
        text = " ".join(s.text[:3000] for s in sessions)
        nodes = set(_NODE.findall(text))
        named = [t for t in running if any(_task_stem(t) == n for n in nodes)] or [
            t for t in running if re.search(rf"\b{re.escape(_task_stem(t))}\b", text)
        ]
        if len(named) == 1:
            task = named[0]
        elif len(running) == 1:
            task = running[0]
        else:
            task = "? (" + " | ".join(sorted(named or running)) + ")"
        for s in sessions:
            s.task = task


def _task_stem(task: str) -> str:
    """silver.stg_movings_model_build -> stg_movings; load_movings -> movings; a test task -> the test's name."""
    name = task.split(".")[-1]
    for suffix in ("_model_build", "_seed_build", "_test", "_run", "_build"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name.removeprefix("load_")


@dataclass
class StatementGroup:
    key: str
    example: str
    task: str
    count: int = 0
    seconds: float = 0.0
    rows_examined: int = 0
    tasks: set = field(default_factory=set)


def grouped(statements: list[Statement]) -> dict[str, StatementGroup]:
    out: dict[str, StatementGroup] = {}
    for s in statements:
        key = normalised(s.text)
        g = out.setdefault(key, StatementGroup(key, s.text, s.task))
        g.count += 1
        g.seconds += s.seconds
        g.rows_examined += s.rows_examined
        g.tasks.add(s.task)
    return out


def fastest_groups(logs: list[list[Statement]]) -> dict[str, StatementGroup]:
    """Per normalised statement, its group in the repetition where it took least time."""
    out: dict[str, StatementGroup] = {}
    for log in logs:
        for key, g in grouped(log).items():
            if key not in out or g.seconds < out[key].seconds:
                out[key] = g
    return out


def compare_statements(day1: list[list[Statement]], later: list[list[Statement]], most: int = 25) -> list[dict]:
    """The statements whose total time grew most from the day-1 runs to the later ones (the same normalised text,
    the fastest repetition of each)."""
    a, b = fastest_groups(day1), fastest_groups(later)
    out = []
    for key in set(a) | set(b):
        x, y = a.get(key), b.get(key)
        out.append(
            {
                "statement": brief(key),
                "task": (y or x).task,
                "day1": _stats(x),
                "day365": _stats(y),
                "growth_seconds": round((y.seconds if y else 0) - (x.seconds if x else 0), 3),
            }
        )
    out.sort(key=lambda r: -r["growth_seconds"])
    return out[:most]


def _stats(g: StatementGroup | None) -> dict | None:
    if g is None:
        return None
    return {"count": g.count, "seconds": round(g.seconds, 3), "rows_examined": g.rows_examined}


def brief(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 20] + " ... " + text[-15:]


def seconds_by_task(statements: list[Statement]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for s in statements:
        out[s.task] += s.seconds
    return {t: round(v, 2) for t, v in sorted(out.items(), key=lambda kv: -kv[1])}


# -- EXPLAIN ------------------------------------------------------------------------------------------------------

_QUALIFIED = r"`?(staging_load|staging|silver|gold|ops)`?\s*\.\s*`?(\w+)`?"
_ALIAS = re.compile(_QUALIFIED + r"(?:\s+(?:as\s+)?`?(\w+)`?)?", re.I)
_NOT_ALIAS = {
    "where", "on", "inner", "left", "right", "join", "cross", "group", "order", "limit", "set", "values", "using",
    "union", "select", "from", "and", "or", "as", "to", "like", "comment", "add", "partition", "window", "having",
}  # fmt: skip
_CTAS = re.compile(r"^\s*create\s+(?:temporary\s+)?table\s+\S+\s+as\s*(.*)$", re.S | re.I)
_INSERT_HEAD = re.compile(r"^\s*insert\s+into\s+([`\w.]+)\s*(\((?!\s*(?:select|with)\b)[^()]*\))?\s*", re.I)
_QUERY = re.compile(r"^\s*\(?\s*(select|with|insert|replace|delete|update)\b", re.I)


def reads_history(text: str, tables=DATE_KEYED + GROWING) -> bool:
    """Whether the statement names one of `tables` (or a backup of one) as a qualified table, not as a string."""
    names = {t.split(".")[1] for t in tables}
    return any(any(n in m.group(2) for n in names) for m in re.finditer(_QUALIFIED, text, re.I))


def explainable(text: str) -> str | None:
    """The statement EXPLAIN can take: itself (SELECT, WITH, INSERT, REPLACE, DELETE, UPDATE) or, for CREATE TABLE
    ... AS SELECT, its SELECT; None for DDL and the rest."""
    body = without_comment(text).strip().rstrip(";")
    ctas = _CTAS.match(body)
    if ctas:
        body = ctas.group(1).strip()
        while body.startswith("(") and body.endswith(")"):
            body = body[1:-1].strip()
    return body if _QUERY.match(body) else None


def aliases(text: str) -> dict[str, str]:
    """alias (and bare table name) -> schema.table, from the qualified names in the statement."""
    out = {}
    for m in _ALIAS.finditer(text):
        table = f"{m.group(1).lower()}.{m.group(2)}"
        out[m.group(2)] = table
        if m.group(3) and m.group(3).lower() not in _NOT_ALIAS:
            out[m.group(3)] = table
    return out


def explain(conn, text: str, sizes: dict[str, dict]) -> dict:
    """EXPLAIN of one logged statement: the plan rows and the flags (a full scan of a big table). A statement whose
    table is gone by now (dbt's temporary tables; the load area, published since) says so; for the load area the
    same tables are EXPLAINed where the publish put them."""
    query = explainable(text)
    if query is None:
        return {"plan": None, "note": "not a query (DDL or session statement)"}
    notes, plan = [], None
    for _ in range(3):
        try:
            plan = _plan(conn, query)
            break
        except Exception as e:  # noqa: BLE001 - the reason goes into the report
            gone = "doesn't exist" in str(e)
            target, select = _insert_select(query)
            if gone and select and target in str(e).replace("'", ""):
                query = select
                notes.append("its SELECT EXPLAINed (the table it filled is gone)")
            elif gone and "staging_load" in query:
                query = query.replace("staging_load", "staging")
                notes.append("staging_load.* EXPLAINed as staging.* (published since)")
            else:
                return {"plan": None, "note": "; ".join([*notes, f"EXPLAIN failed: {e}"])}
    if plan is None:
        return {"plan": None, "note": "; ".join(notes)}
    note = "; ".join(notes)
    names = aliases(query)
    flags = []
    for r in plan:
        table = names.get(str(r["table"]), str(r["table"]))
        r["resolved_table"] = table
        estimate = int(r["rows"]) if str(r.get("rows") or "").isdigit() else 0
        big = estimate >= BIG_ROWS or sizes.get(table, {}).get("rows", 0) >= BIG_ROWS
        # a base table only: a derived table is the statement's own intermediate result, its estimate a product
        if r["type"] in ("ALL", "index") and "." in table and big:
            flags.append(f"{r['type']} on {table} (~{estimate} rows; key {r.get('key')}; {r.get('Extra') or ''})")
    return {"plan": plan, "note": note, "flags": flags}


def _insert_select(query: str) -> tuple[str, str | None]:
    """(target, its SELECT) of INSERT INTO target [(columns)] [(]SELECT ...[)]; (..., None) for anything else."""
    head = _INSERT_HEAD.match(query)
    if head is None:
        return "", None
    rest = query[head.end() :].strip()
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1].strip()
    return head.group(1).replace("`", ""), rest if re.match(r"(select|with)\b", rest, re.I) else None


def _plan(conn, query: str) -> list[dict]:
    cur = conn.cursor()
    try:
        cur.execute("EXPLAIN " + query)
        columns = [c[0] for c in cur.description]
        return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def plan_line(row: dict) -> str:
    return (
        f"{row.get('resolved_table') or row.get('table')}: type={row.get('type')} key={row.get('key')} "
        f"rows={row.get('rows')} {row.get('Extra') or ''}".strip()
    )

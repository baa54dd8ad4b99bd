"""dbt's Jinja context for sqlfluff's jinja templater on include/dbt (include/dbt/.sqlfluff): what
`apply_dbt_builtins` lacks, and the project's macros. Lint only, never a database: `execute` is false, as in
`dbt parse`. Every public name here becomes a template variable; apply_dbt_builtins fills only the names left unset.

The macros are loaded here rather than with sqlfluff's load_macros_from_path: that loads each file as its own
template, and Jinja binds a macro's free names when its file loads, so a macro could not call one from another file
(clean_movings -> tenant_type). dbt resolves them at call time; one template holding every file does the same.
"""

from __future__ import annotations

import datetime as _datetime
import re as _re
from pathlib import Path as _Path
from types import SimpleNamespace as _Namespace

import jinja2 as _jinja2
import jinja2.runtime as _jinja_runtime
from sqlfluff.core.templaters.jinja import JinjaTemplater as _JinjaTemplater

from tokyobeta_etl import dbt_project as _dbt_project

_MACROS = _Path(__file__).resolve().parents[4] / "include" / "dbt" / "macros"
# The vars the DAG passes, with plausible values; the status sets are the owner's (tokyobeta_etl.data_contract).
_VARS = {
    "batch_date": "2026-02-10",
    "batch_schema": "staging",
    "backup_generations": 3,
    "lock_wait_seconds": 300,
    "lookback_days": 3,
    **_dbt_project.status_set_vars(),
}


class _MacroReturn(Exception):
    def __init__(self, value):
        super().__init__()
        self.value = value


def _return(value):
    raise _MacroReturn(value)


# dbt's `{{ return(x) }}` makes the macro call evaluate to x (a list, a dict, a number), not to its rendered text:
# dbt catches its return exception where it calls the macro. Plain Jinja has no such hook, so the same catch is
# added around every macro call of this process (sqlfluff's, which only lints).
# sqlfluff 3.2's MySQL grammar cannot parse CONVERT(x USING charset) nor COLLATE inside an expression (the cleaning
# macros' binary comparisons): the text a macro hands to the linter has both reduced to x. Lint only.
_CONVERT_USING = _re.compile(r"convert\((.+?) using \w+\)", _re.IGNORECASE)
_COLLATE = _re.compile(r"\s+collate\s+\w+", _re.IGNORECASE)
_render_macro = _jinja_runtime.Macro._invoke


def _parseable(sql: str) -> str:
    return _COLLATE.sub("", _CONVERT_USING.sub(r"\1", sql))


def _invoke(self, arguments, autoescape):
    try:
        rendered = _render_macro(self, arguments, autoescape)
    except _MacroReturn as returned:
        return returned.value
    return type(rendered)(_parseable(rendered)) if isinstance(rendered, str) else rendered


_jinja_runtime.Macro._invoke = _invoke


def var(name, default=None):
    return _VARS.get(name, default)


def _raise_compiler_error(message):
    raise RuntimeError(f"dbt compilation error while linting: {message}")


execute = False
modules = _Namespace(re=_re, datetime=_datetime)
exceptions = _Namespace(raise_compiler_error=_raise_compiler_error)
target = _Namespace(schema="silver", name="lint")


def _project_macros() -> dict:
    """Every macro of include/dbt/macros (generic tests excepted: no model calls them), from one template."""
    context = {
        **_JinjaTemplater._generate_dbt_builtins(),
        "return": _return,
        "var": var,
        "execute": execute,
        "modules": modules,
        "exceptions": exceptions,
        "target": target,
    }
    files = sorted(p for p in _MACROS.rglob("*.sql") if "tests" not in p.relative_to(_MACROS).parts)
    source = "\n".join(p.read_text(encoding="utf-8") for p in files)
    environment = _jinja2.Environment(extensions=["jinja2.ext.do"], keep_trailing_newline=True)
    module = environment.from_string(source, globals=context).module
    return {name: value for name, value in vars(module).items() if isinstance(value, _jinja_runtime.Macro)}


globals().update(_project_macros())
globals()["return"] = _return

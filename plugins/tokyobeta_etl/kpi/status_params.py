"""The tenant status sets the KPI SQL files test against, as driver parameters. tokyobeta_etl.data_contract owns
the sets; the files name them (`IN %(application_statuses)s`) and hold no status number."""

from __future__ import annotations

from tokyobeta_etl import data_contract


def status_params() -> dict[str, tuple[int, ...]]:
    """`application_statuses` and `movein_statuses` as sorted tuples: the driver (mysqlclient, MySqlHook's) writes a
    tuple as a parenthesized list, the operand IN needs. Read at call time, so the sets have one definition."""
    params = {
        "application_statuses": tuple(sorted(data_contract.APPLICATION_STATUSES)),
        "movein_statuses": tuple(sorted(data_contract.MOVEIN_STATUSES)),
    }
    for name, statuses in params.items():
        if not statuses:  # `IN ()` is a syntax error, and an empty set would count nothing
            raise ValueError(f"{name} is empty")
    return params

"""The simulator's Python API: build the source, step it day by day, render its dumps and its ground truth."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from tokyobeta_etl.data_contract import DUMP_FILES, dump_key

from . import evolve, population, truth
from .dumpformat import DumpOptions, render_dump
from .params import Params
from .schema import TABLES
from .sinks import Sink
from .state import State

DUMP_TIME = time(5, 30)  # the source writes its dumps at 05:30 JST
DEFAULT_OPTIONS = DumpOptions()


class Simulator:
    """The source system, positioned at the 05:30 dump of `today`.

    Construction builds the steady-state population `params.warmup_days` before `start` and simulates up to `start`,
    so that applications, notices, renewal windows and transfers are in flight on the first dump date.
    """

    def __init__(self, start: date, *, seed: int = 0, scale: float = 1.0, params: Params | None = None) -> None:
        self.params = replace(params or Params(), scale=scale)
        self.seed = seed
        self._state = population.build(self.params, random.Random(seed), start - timedelta(self.params.warmup_days))
        while self._state.today < start:
            evolve.advance(self._state)
        self._previous = None  # statuses of the previous dump: none before the first simulated day

    @property
    def today(self) -> date:
        return self._state.today

    @property
    def state(self) -> State:
        """The in-memory source (read-only use: tests and tools)."""
        return self._state

    def advance(self) -> None:
        """Move to the next day's dump, remembering today's statuses for the applications KPI."""
        self._previous = truth.statuses(self._state)
        evolve.advance(self._state)

    def truth(self) -> dict:
        return {"seed": self.seed, "scale": self.params.scale} | truth.day_truth(self._state, self._previous)

    def table_rows(self, table: str) -> list[bytes]:
        rows = {
            "movings": self._state.movings,
            "tenants": self._state.tenants,
            "apartments": self._state.apartments,
            "rooms": self._state.rooms,
            "inquiries": self._state.inquiries,
        }[table]
        return [row.sql() for row in rows]

    def dump(self, stem: str, options: DumpOptions = DEFAULT_OPTIONS, dump_date: bool = True) -> bytes:
        """One dump file's bytes (`stem` as in data_contract.DUMP_FILES); dump_date=False mimics --skip-dump-date."""
        tables = [(TABLES[name], self.table_rows(name)) for name in DUMP_FILES[stem]]
        completed = datetime.combine(self.today, DUMP_TIME) if dump_date else None
        return render_dump(tables, options, completed)


@dataclass(frozen=True)
class DayResult:
    date: date
    truth: dict
    files: tuple[str, ...]  # where the dumps and the truth file went (paths or s3:// URLs)


def file_name(stem: str, day: date, options: DumpOptions) -> str:
    return dump_key("", stem, f"{day:%Y%m%d}", options.gzip)


def truth_name(day: date) -> str:
    return f"truth_{day:%Y%m%d}.json"


def simulate(
    start: date,
    days: int,
    *,
    sink: Sink | None,
    seed: int = 0,
    scale: float = 1.0,
    options: DumpOptions = DEFAULT_OPTIONS,
    progress: bool = False,
    params: Params | None = None,
    history_start: date | None = None,
) -> Iterator[DayResult]:
    """Write the four dumps and the truth file for `days` dates from `start` to `sink`, yielding each day's result.

    sink=None computes the truth only (nothing is rendered or written). history_start (<= start): build the source
    on that date and step it, writing nothing, up to `start`; the files of a date are then the same whichever window
    they are written in, as long as seed, scale and history_start are.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if history_start is not None and history_start > start:
        raise ValueError(f"history_start {history_start} is after start {start}")
    sim = Simulator(history_start or start, seed=seed, scale=scale, params=params)
    while sim.today < start:
        sim.advance()
    bar = _progress(days, progress)
    try:
        for index in range(days):
            if index:
                sim.advance()
            day_truth = sim.truth()
            written: list[str] = []
            if sink is not None:
                for stem in DUMP_FILES:
                    written.append(sink.put(file_name(stem, sim.today, options), sim.dump(stem, options)))
                written.append(sink.put(truth_name(sim.today), (json.dumps(day_truth, indent=2) + "\n").encode()))
            if bar is not None:
                bar.update(1)
            yield DayResult(sim.today, day_truth, tuple(written))
    finally:
        if bar is not None:
            bar.close()


def _progress(days: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=days, unit="day", desc="simulating", file=sys.stderr, disable=not sys.stderr.isatty())

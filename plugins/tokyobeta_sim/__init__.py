"""The source simulator: a day-by-day model of the operator's source system that writes the contract's four dumps.

    from tokyobeta_sim import simulate, DirectorySink, DumpOptions
    for day in simulate(date(2026, 2, 1), 7, sink=DirectorySink("out"), seed=1, scale=0.05):
        print(day.date, day.truth["occupied_rooms"])

CLI: `python -m tokyobeta_sim --start 2026-02-01 --days 7 --out DIR` (see cli.py). Standard library plus tqdm;
boto3 only for --bucket.
"""

from .dumpformat import DumpOptions, render_dump
from .engine import DayResult, Simulator, file_name, simulate, truth_name
from .params import Params
from .sinks import DirectorySink, S3Sink, Sink

__all__ = [
    "DayResult",
    "DirectorySink",
    "DumpOptions",
    "Params",
    "S3Sink",
    "Simulator",
    "Sink",
    "file_name",
    "render_dump",
    "simulate",
    "truth_name",
]

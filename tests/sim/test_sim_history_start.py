"""simulate(history_start=...): a date's files do not depend on the window they are written in."""

from __future__ import annotations

import datetime as dt

import pytest
from sim_support import SEED, SMALL_SCALE, START

from tokyobeta_sim import DirectorySink, simulate


def test_windows_over_one_history_write_identical_files_for_the_dates_they_share(tmp_path):
    history = START - dt.timedelta(days=20)
    early, late = tmp_path / "early", tmp_path / "late"
    first = list(simulate(START, 3, sink=DirectorySink(early), seed=SEED, scale=SMALL_SCALE, history_start=history))
    second = list(
        simulate(
            START + dt.timedelta(days=1),
            3,
            sink=DirectorySink(late),
            seed=SEED,
            scale=SMALL_SCALE,
            history_start=history,
        )
    )
    shared = {p.name for p in early.iterdir()} & {p.name for p in late.iterdir()}
    assert len(shared) == 2 * 5  # two dates, four dumps and a truth file each
    for name in sorted(shared):
        assert (early / name).read_bytes() == (late / name).read_bytes(), name
    assert [d.truth for d in first[1:]] == [d.truth for d in second[:2]]
    # stepped from an earlier date, the first written day already has a previous day: its applications count
    assert first[0].truth["applications"] == first[0].truth["events"]["applications"]


def test_history_start_defaults_to_start_and_may_not_follow_it(tmp_path):
    plain = list(simulate(START, 1, sink=None, seed=SEED, scale=SMALL_SCALE))
    same = list(simulate(START, 1, sink=None, seed=SEED, scale=SMALL_SCALE, history_start=START))
    assert plain[0].truth == same[0].truth
    with pytest.raises(ValueError, match="after start"):
        list(simulate(START, 1, sink=None, seed=SEED, scale=SMALL_SCALE, history_start=START + dt.timedelta(days=1)))

"""The shrink rule, owned by tokyobeta_etl.loading.shrink and read by the load and the on-call row counts."""

import pytest

from tokyobeta_etl import row_counts
from tokyobeta_etl.loading.shrink import excessive_shrink, shrink_share


def test_shrink_share():
    assert shrink_share(100, 70) == pytest.approx(0.3)
    assert shrink_share(100, 120) == pytest.approx(-0.2)
    assert shrink_share(None, 5) is None  # no earlier count
    assert shrink_share(0, 5) is None  # nothing to shrink from


@pytest.mark.parametrize(("before", "after"), [(10, 7), (100, 70), (1000, 700)])
def test_a_shrink_of_exactly_the_limit_is_allowed(before, after):
    # 1 - 7/10 is 0.30000000000000004 in floating point: the rule must not refuse a shrink of exactly the limit
    assert excessive_shrink(before, after, 0.3) is None
    assert excessive_shrink(before, after - 1, 0.3) is not None
    assert row_counts.assess(after, before, after, after, 0.3) == ()


def test_beyond_the_limit_both_readers_see_the_same_share():
    assert excessive_shrink(100, 69, 0.3) == pytest.approx(0.31)
    assert excessive_shrink(None, 0, 0.3) is None
    assert row_counts.assess(69, 100, 69, 69, 0.3) == ("dump shrank 31% since the previous batch (limit 30%)",)

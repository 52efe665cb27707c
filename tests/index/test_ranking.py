"""The proximity check used to re-rank the first results."""

import pytest

from index.ranking import close_together


@pytest.mark.parametrize(
    "positions, window, expected",
    [
        ([{1}, {2}], 2, True),
        ([{1}, {9}], 2, False),
        ([{1, 20}, {5, 21}, {19}], 3, True),
        ([{1}, {2}, {40}], 3, False),
    ],
)
def test_close_together(positions, window, expected):
    assert close_together(positions, window) is expected

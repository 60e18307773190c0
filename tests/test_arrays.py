"""The sorting-based set operations answer as numpy's own do, for any integers."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from figures.arrays import distinct, isin

integers = st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=60)
small = st.lists(st.integers(min_value=-5, max_value=5), max_size=60)


@given(st.one_of(integers, small))
def test_distinct_is_np_unique(values):
    array = np.array(values, dtype=np.int64)
    assert np.array_equal(distinct(array), np.unique(array))


@given(st.one_of(integers, small), st.one_of(integers, small))
def test_isin_is_np_isin(values, wanted):
    array, choices = np.array(values, dtype=np.int64), np.array(wanted, dtype=np.int64)
    assert np.array_equal(isin(array, choices), np.isin(array, choices))

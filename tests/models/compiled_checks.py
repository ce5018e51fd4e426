"""A check that both compiled model batches (KTAB's SMP and the exchange model) must pass."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np


def check_threads_get_their_own_forecasts(run, batches: list) -> None:
    """``run(batch)`` returns the batch's forecasts. Run by four threads at once (the compiled turns release
    the GIL), every batch, twice over, gets exactly what it gets alone: no state is shared between calls."""
    alone = [run(batch) for batch in batches]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(run, batches * 2))
    for index, forecast in enumerate(together):
        np.testing.assert_array_equal(forecast, alone[index % len(batches)])

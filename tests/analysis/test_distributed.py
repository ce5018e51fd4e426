"""Scale-out: a 2-worker LocalCluster gives exactly the numbers of the in-process run for the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik import load_scenario
from realpolitik.analysis.distributed import ClusterError, dask_client
from realpolitik.analysis.levers import analyse_levers
from realpolitik.analysis.montecarlo import simulate


def test_a_local_cluster_reproduces_the_in_process_run():
    scenario = load_scenario("ukraine-2025-03")
    with dask_client() as client:
        here = simulate(scenario, "eum", draws=1100, seed=42, thresholds=["ceasefire>=75"], client=client)
        levers_here = analyse_levers(scenario, "eum", client=client)
    with dask_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        there = simulate(scenario, "eum", draws=1100, seed=42, thresholds=["ceasefire>=75"], client=client)
        levers_there = analyse_levers(scenario, "eum", client=client)
    for mine, theirs in zip(here.issues, there.issues):
        np.testing.assert_array_equal(mine.forecasts, theirs.forecasts)
    assert here.to_dict() == there.to_dict()
    assert levers_here.to_dict() == levers_there.to_dict()


@pytest.mark.parametrize(("arguments", "message"), [
    ({"workers": 0}, "the number of workers must be between 1 and 256 (got 0)"),
    ({"workers": 2, "scheduler": "tcp://127.0.0.1:8786"}, "either a number of local workers or a scheduler"),
    ({"scheduler": "nonsense::"}, "'nonsense::' is not a Dask scheduler address"),
    ({"scheduler": "inproc://x"}, "protocol 'inproc' is not one of tcp, tls, ws, wss"),
    ({"scheduler": "tcp://127.0.0.1:9", "connect_timeout": 0.5}, "cannot reach the Dask scheduler at "
                                                                  "'tcp://127.0.0.1:9'"),
])
def test_clusters_that_cannot_be_had_say_why(arguments, message):
    with pytest.raises(ClusterError) as caught:
        with dask_client(**arguments):
            pass
    assert message in str(caught.value)

"""Random stakeholder tables of a given size, for sizing runs (benchmarks, budget checks).

Every actor takes part in every issue; positions are uniform on 0..100, capabilities on
1..100 and saliences on 1..100/K (so that an actor's saliences sum to at most 100, as
KTAB's SMP requires), all drawn from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def synthetic_table(actors: int, issues: int = 1, seed: int = 0) -> dict[str, Any]:
    """A table of ``actors`` x ``issues`` in the native layout (validate it with ``load_scenario_dict``)."""
    rng = np.random.default_rng(seed)
    names = [f"issue-{k}" for k in range(issues)]
    return {"name": "generated", "issues": [{"name": name} for name in names],
            "actors": [{"name": f"actor-{n}", "capability": float(rng.uniform(1, 100)),
                        "stances": {name: {"position": float(rng.uniform(0, 100)),
                                           "salience": float(rng.uniform(1, 100 / issues))} for name in names}}
                       for n in range(actors)]}

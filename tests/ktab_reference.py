"""Parse a KTAB SMP reference log (``20170530_ref-*.txt``) into what the tests compare.

A log echoes the inputs, names the model parameters (``Model Paramaters to run
the model...``), records each turn (``Starting Model::run iteration k``, the
bargains each actor considered: ``Bargains involving actor  0: [1007, 0:0][1011,
2:0]``, and the order in which actors chose: ``Doing scalarPCE for the 3 bargains of
actor 0``), and ends with ``There were T states`` and ``History of actor positions
over time:``, one line per actor and dimension (``XJ, Policy Position:  30.0
30.0 ...``, positions printed to 0.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_STATES = re.compile(r"There were (\d+) states")
_POSITION = re.compile(r"^(?P<actor>[^,]+), (?P<dimension>.*?):(?P<values>(?:\s+-?\d+(?:\.\d+)?)+)\s*$")
_PARAMETER = re.compile(r"^(VictoryProbModel|VotingRule|PCEModel|StateTransitions|BigRRange|BigRAdjust|"
                        r"ThirdPartyCommit|InterVecBrgn|BargnModel): (\S+)\s*$")
_SEED = re.compile(r"Using PRNG seed(?: provided by xml file)?: (\d+)")
_QUEUE = re.compile(r"^Bargains involving actor\s+(\d+): (.*)$")
_BARGAIN = re.compile(r"\[(\d+), (\d+):(\d+)\]")
_RESOLUTION = re.compile(r"^Doing scalarPCE.* bargains of actor\s+(\d+)")


@dataclass
class ReferenceLog:
    """What a KTAB reference log says about its run."""

    states: int
    positions: dict[tuple[str, str], list[float]]  # (actor, dimension) -> one value per state
    parameters: dict[str, str]  # KTAB parameter name -> value name, as logged
    seed: int | None
    queues: list[dict[int, list[tuple[int, int]]]] = field(default_factory=list)  # per turn: actor -> [(i, j)]
    resolution_order: list[list[int]] = field(default_factory=list)  # per turn: actors in the order they chose

    @property
    def actors(self) -> list[str]:
        return list(dict.fromkeys(actor for actor, _ in self.positions))

    @property
    def dimensions(self) -> list[str]:
        return list(dict.fromkeys(dimension for _, dimension in self.positions))


def parse_reference_log(path: str | Path) -> ReferenceLog:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    states = None
    positions: dict[tuple[str, str], list[float]] = {}
    parameters: dict[str, str] = {}
    seed = None
    queues: list[dict[int, list[tuple[int, int]]]] = []
    resolution_order: list[list[int]] = []
    in_history = False
    for line in lines:
        if line.startswith("Starting Model::run iteration"):
            queues.append({})
            resolution_order.append([])
        resolving = _RESOLUTION.match(line)
        if resolving and resolution_order:
            resolution_order[-1].append(int(resolving.group(1)))
        queue = _QUEUE.match(line)
        if queue and queues:
            queues[-1][int(queue.group(1))] = [(int(i), int(j)) for _, i, j in _BARGAIN.findall(queue.group(2))]
        parameter = _PARAMETER.match(line)
        if parameter and not in_history:
            parameters[parameter.group(1)] = parameter.group(2)
        found_seed = _SEED.search(line)
        if found_seed:
            seed = int(found_seed.group(1))
        found_states = _STATES.search(line)
        if found_states:
            states = int(found_states.group(1))
        if line.startswith("History of actor positions over time"):
            in_history = True
            continue
        if in_history:
            match = _POSITION.match(line)
            if not match:
                in_history = False
                continue
            positions[(match.group("actor").strip(), match.group("dimension").strip())] = [
                float(value) for value in match.group("values").split()
            ]
    if states is None or not positions:
        raise ValueError(f"{path}: no 'There were N states' line or no position history")
    return ReferenceLog(states=states, positions=positions, parameters=parameters, seed=seed, queues=queues,
                        resolution_order=resolution_order)

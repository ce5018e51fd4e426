"""Bounded work: what a run will cost, refused up front beyond a budget, and cancelled on the way.

**Cost.** Every model states what one forecast costs as a function of the actors
``N``, the issues ``K`` and its options (:data:`MODEL_COSTS`); draws ``B`` of a
Monte Carlo or levers run multiply the time (draws go through a model in batches
of bounded size, so they do not multiply the memory). The formulas follow the
largest arrays and the loops of each kernel:

==========  =====================================================  ==============================
model       peak memory (bytes)                                    time (element operations)
==========  =====================================================  ==============================
compromise  ``8·c·N·K``                                            ``N·K``
median      ``8·c·N·K``                                            ``N·log N·K``
nash        ``8·c·N·K`` (a grid of 201 points per issue)           ``201·N·K``
veto        ``8·c·N·K`` (the same grid)                            ``201·N·K``
eum         ``8·c·N²`` per issue (the challenge matrices)          ``R·N²·K``, R rounds
smp         ``8·c·N³`` (utilities as seen by each actor, ``N³``)   ``T·N³``, T turns
exchange    ``8·c·N²·K²`` (candidate exchanges per issue pair)     ``R·N²·K²``, R rounds
==========  =====================================================  ==============================

``c`` is the number of such arrays alive at once and the time constant is seconds per
element operation; both were measured on the development machine (a 2-core x86-64
server, 2026) by ``benchmarks/bench_budget.py``, which runs each model beside its
estimate and writes the ratio of measured to estimated into ``benchmarks/results/``.
Estimates are upper bounds for the memory and the order of magnitude for the time
(the number of rounds a dynamic model needs is not known before it runs; its round
limit is used).

**Budget.** A :class:`Budget` caps the memory (``--max-memory`` on the command line,
:data:`DEFAULT_MAX_MEMORY` by default) and optionally the time (the web server:
:data:`WEB_BUDGET`). :func:`check` refuses a run whose estimate exceeds it, before
any work, with the estimate in the message.

**Cancellation.** A :class:`Cancellation` carries a deadline and a flag another
thread can set (the web server sets it when the client disconnects). Kernels call
:func:`checkpoint` once per round; it returns at once when no cancellation is in
force and raises :class:`RunCancelled` when the flag is set or the deadline passed.
"""

from __future__ import annotations

import contextvars
import math
import re
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Callable

GIB = 2**30
#: The command line's memory budget unless ``--max-memory`` says otherwise.
DEFAULT_MAX_MEMORY = 4 * GIB


@dataclass(frozen=True)
class Cost:
    """What a run is estimated to take: peak memory in bytes and processor time in seconds."""

    memory_bytes: float
    seconds: float

    def describe(self) -> str:
        return f"about {format_bytes(self.memory_bytes)} of memory and {format_seconds(self.seconds)}"


@dataclass(frozen=True)
class Budget:
    """The most a run may take: memory in bytes, and time in seconds (None: no limit)."""

    max_memory_bytes: float = DEFAULT_MAX_MEMORY
    max_seconds: float | None = None

    def describe(self) -> str:
        limits = [f"{format_bytes(self.max_memory_bytes)} of memory"]
        if self.max_seconds is not None:
            limits.append(format_seconds(self.max_seconds))
        return " and ".join(limits)


#: The web server's budget unless its configuration says otherwise: runs answer within a minute.
WEB_BUDGET = Budget(max_memory_bytes=1 * GIB, max_seconds=60.0)


class BudgetExceeded(ValueError):
    """A run whose estimated cost exceeds the budget; refused before it starts."""


class RunCancelled(RuntimeError):
    """A run stopped on the way: its client went away or its time limit passed."""


# --------------------------------------------------------------------------- estimates

_BYTES = 8.0  # float64
#: Seconds per element operation, measured by benchmarks/bench_budget.py (see the module docstring).
SECONDS_PER_OPERATION = 3e-8


def _rounds(options: Any, default: int) -> int:
    for name in ("rounds", "max_iterations"):
        value = getattr(options, name, None)
        if isinstance(value, int):
            return max(1, value)
    return default


def _linear(arrays: float, operations: float) -> Callable[[int, int, Any], tuple[float, float]]:
    return lambda n, k, options: (_BYTES * arrays * n * k, operations * n * max(1.0, math.log2(max(n, 2))) * k)


def _eum(n: int, k: int, options: Any) -> tuple[float, float]:
    return _BYTES * 12 * n * n, 20.0 * _rounds(options, 10) * n * n * k


def _smp(n: int, k: int, options: Any) -> tuple[float, float]:
    return _BYTES * 6 * n**3 + _BYTES * 20 * n * n * k, 4.0 * _rounds(options, 100) * n**3


def _exchange(n: int, k: int, options: Any) -> tuple[float, float]:
    return _BYTES * 8 * n * n * k * k + _BYTES * 20 * n * k, 400.0 * _rounds(options, 10) * n * n * k * k


#: ``(actors, issues, options) -> (bytes, element operations)`` of one forecast, per model.
MODEL_COSTS: dict[str, Callable[[int, int, Any], tuple[float, float]]] = {
    "compromise": _linear(8, 4),
    "median": _linear(8, 8),
    "nash": _linear(8 * 201, 4 * 201),
    "veto": _linear(8 * 201, 4 * 201),
    "eum": _eum,
    "smp": _smp,
    "exchange": _exchange,
}
#: Base memory of any run (the interpreter's arrays, the result's rounds): 64 MiB.
BASE_BYTES = 64 * 2**20


def estimate(model: str, actors: int, issues: int, options: Any = None, draws: int = 1) -> Cost:
    """The cost of ``draws`` forecasts of ``model`` on ``actors`` x ``issues`` (a model not in
    :data:`MODEL_COSTS` is costed as the weighted mean is)."""
    formula = MODEL_COSTS.get(model, MODEL_COSTS["compromise"])
    memory, operations = formula(actors, issues, options)
    return Cost(BASE_BYTES + memory, operations * max(1, draws) * SECONDS_PER_OPERATION)


# --------------------------------------------------------------------------- budgets

_budget: contextvars.ContextVar[Budget] = contextvars.ContextVar("budget", default=Budget())


@contextmanager
def _within(variable: contextvars.ContextVar, value: Any) -> Iterator[Any]:
    """``variable`` set to ``value`` within the block, and as it was after it."""
    token = variable.set(value)
    try:
        yield value
    finally:
        variable.reset(token)


def budget_in_force(budget: Budget) -> AbstractContextManager[Budget]:
    """Make ``budget`` the one :func:`check` applies within the block."""
    return _within(_budget, budget)


def budget_now() -> Budget:
    """The budget in force."""
    return _budget.get()


def set_budget(budget: Budget) -> None:
    """Make ``budget`` the one in force for the rest of the enclosing :func:`budget_in_force` block."""
    _budget.set(budget)


def check(model: str, actors: int, issues: int, options: Any = None, draws: int = 1, what: str = "the run",
          unit: str = "draws") -> Cost:
    """The run's cost; :class:`BudgetExceeded`, with the estimate, when it exceeds the budget in force
    (``draws`` forecasts, named ``unit`` in the message)."""
    cost = estimate(model, actors, issues, options, draws)
    budget = _budget.get()
    over_memory = cost.memory_bytes > budget.max_memory_bytes
    over_time = budget.max_seconds is not None and cost.seconds > budget.max_seconds
    if over_memory or over_time:
        size = f"{actors} actors x {issues} issues" + (f" x {draws} {unit}" if draws > 1 else "")
        hint = "raise --max-memory, or " if over_memory else ""
        raise BudgetExceeded(f"{what} ({model} on {size}) would take {cost.describe()}, more than the budget of "
                             f"{budget.describe()}; {hint}use fewer actors, issues or draws, or a lighter model")
    return cost


_UNITS = {"": 1, "b": 1, "k": 2**10, "kb": 2**10, "kib": 2**10, "m": 2**20, "mb": 2**20, "mib": 2**20,
          "g": GIB, "gb": GIB, "gib": GIB, "t": 2**40, "tb": 2**40, "tib": 2**40}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]*)?)\s*([a-zA-Z]*)\s*", re.ASCII)


def parse_size(text: str) -> int:
    """``"4GiB"``, ``"512 MB"``, ``"2g"`` or a number of bytes, as bytes (binary units); ValueError otherwise."""
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size (write e.g. 4GiB, 512MiB or a number of bytes)")
    return int(float(match.group(1)) * _UNITS[unit])


def format_bytes(value: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", GIB), ("MiB", 2**20)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value / 2**10:.3g} KiB"


def format_seconds(value: float) -> str:
    if value >= 3600:
        return f"{value / 3600:.3g} hours"
    if value >= 60:
        return f"{value / 60:.3g} minutes"
    return f"{value:.2g} seconds"


# --------------------------------------------------------------------------- cancellation


class Cancellation:
    """A deadline (seconds from now; None: none) and a flag :meth:`cancel` sets from any thread."""

    def __init__(self, seconds: float | None = None):
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.seconds = seconds
        self._reason: str | None = None
        self._lock = threading.Lock()

    def cancel(self, reason: str) -> None:
        with self._lock:
            self._reason = self._reason or reason

    @property
    def reason(self) -> str | None:
        """Why the run must stop, or None while it may go on."""
        if self._reason is None and self.deadline is not None and time.monotonic() > self.deadline:
            self.cancel(f"it ran past its time limit of {format_seconds(self.seconds or 0)}")
        return self._reason


_cancellation: contextvars.ContextVar[Cancellation | None] = contextvars.ContextVar("cancellation", default=None)


def cancellable(cancellation: Cancellation) -> AbstractContextManager[Cancellation]:
    """Make :func:`checkpoint` answer to ``cancellation`` within the block (in this thread)."""
    return _within(_cancellation, cancellation)


def checkpoint() -> None:
    """Called by kernels once per round: raise :class:`RunCancelled` if the run must stop."""
    cancellation = _cancellation.get()
    if cancellation is not None and cancellation.reason is not None:
        raise RunCancelled(f"the run was stopped: {cancellation.reason}")


async def run_until_done(work: Callable[[], Any], cancellation: Cancellation,
                         disconnected: Callable[[], Any], poll_seconds: float = 0.25) -> Any:
    """``work()`` in a worker thread under ``cancellation`` (with this context's budget), asking
    ``await disconnected()`` every ``poll_seconds`` meanwhile and cancelling the work when it says
    the client has gone. Returns what ``work`` returns, or raises what it raises (:class:`RunCancelled`
    once cancelled: the work stops at its next :func:`checkpoint`)."""
    import asyncio

    def in_thread() -> Any:
        with cancellable(cancellation):
            return work()

    future = asyncio.get_running_loop().run_in_executor(None, contextvars.copy_context().run, in_thread)
    while True:
        done, _ = await asyncio.wait({future}, timeout=poll_seconds)
        if done:
            return future.result()
        if await disconnected():
            cancellation.cancel("its client disconnected")

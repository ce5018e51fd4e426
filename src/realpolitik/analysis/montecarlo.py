"""Monte Carlo forecasts: how sure a forecast is.

Every position, salience and capability is drawn from a normal distribution around
its value, with the value's own standard deviation (``position: 30 ± 10``) or else the
scenario's default noise model (:class:`realpolitik.scenario.Uncertainty`, whose
documented defaults apply when the scenario has none), and **clipped** to the valid
range: positions to the issue's scale, saliences to 0..100, capabilities to >= 0.
Clipping keeps exactly one normal number per value and draw, so draws never depend
on how they are split into tasks; a value near a bound lands on the bound with the
probability that it would have crossed it. An actor's capability is drawn once per
draw and shared by every issue it has no per-issue override for.

All B draws of an issue go through the model as one batch
(``MODELS[model].run_issue`` on ``(B, N)`` arrays). Per issue the result gives the
median, the central 50/80/95% intervals (quantiles, linear interpolation), a
histogram over the issue's scale, the probability of each threshold event, and how
often each anchor is the one nearest the forecast.

Deal or no deal (:mod:`realpolitik.analysis.agreement`): on an issue that declares veto
players, each draw's settlement is an agreement only if every veto player, at its
ideal point of that draw, prefers it to the reversion point. ``P(agreement)`` is the
share of such draws, and what happens is the mixture: the settlement where agreed, the
reversion point elsewhere. The median, intervals, histogram, thresholds and anchors are
those of the mixture; the settlement's own median and intervals are reported beside.

Reproducibility: draws come in streams of :data:`DRAWS_PER_STREAM`; stream s draws
from ``numpy.random.default_rng(SeedSequence(seed).spawn(...)[s])``, so the same seed
gives the same numbers however many workers run the streams, and a larger draw
count keeps the first draws. A stream's draws are forecast in tasks of
:data:`DRAWS_PER_TASK` (each task draws its whole stream and forecasts its own slice), so
that the threads of one machine share even a single stream's work, and progress is
reported task by task.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from realpolitik import budget
from realpolitik.analysis.agreement import accepts, agreement, outcome
from realpolitik.analysis.distributed import dask_client, map_in_order
from realpolitik.analysis.expressions import Threshold, parse_threshold
from realpolitik.analysis.scores import central_interval
from realpolitik.choices import DEFAULT_DRAWS
from realpolitik.forecast import MODELS, resolve_options
from realpolitik.models.table_batch import TableBatch, draw_by_draw
from realpolitik.scenario import Issue, Scenario, Uncertainty

#: Largest draw count accepted (a million draws of a 13-actor EUM scenario take minutes).
MAX_DRAWS = 1_000_000
#: Draws per random stream.
DRAWS_PER_STREAM = 1000
#: Draws forecast per task (a stream is split into tasks of this size).
DRAWS_PER_TASK = 250
#: Central intervals reported, in percent.
INTERVALS = (50, 80, 95)
#: Bins of the histogram over each issue's scale.
HISTOGRAM_BINS = 20
#: Largest batch x actors² handed to a kernel at once (bounds memory for large scenarios).
BATCH_ELEMENTS = 1 << 22


class SimulationRequestError(ValueError):
    """A draw count or seed that cannot be used; the message says why."""


@dataclass(frozen=True)
class IssueColumns:
    """Where an issue's participants find their numbers in a :class:`ValueTable`: ``(N,)`` column indices."""

    issue: Issue
    actors: list[str]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray

    @property
    def veto_position(self) -> np.ndarray:
        """``(V,)``: the columns of the issue's veto players' positions, in declared order."""
        return np.array([self.position[self.actors.index(name)] for name in self.issue.veto_players], dtype=int)



def deal(issue: Issue, settlement: np.ndarray, ideals: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(agreed (B,), accepted (B, V))`` for settlements ``(B,)`` and the veto players' ideal
    points ``ideals (B, V)``; None when the issue declares no veto players (or no reversion point)."""
    if not issue.veto_players or issue.reversion_point is None:
        return None
    width = issue.scale_max - issue.scale_min
    return (agreement(settlement, ideals, issue.reversion_point, width),
            accepts(settlement, ideals, issue.reversion_point, width))


@dataclass(frozen=True)
class ValueTable:
    """Every number a model reads from a scenario as one flat vector of F values.

    ``value``, ``sd``, ``low``, ``high``: ``(F,)``, the value, its standard deviation and its
    valid range; ``labels[f] = (actor, attribute, issue)`` says what column f is (issue
    None for an actor's general capability); ``issues`` maps each issue's participants
    to their columns.
    """

    value: np.ndarray
    sd: np.ndarray
    low: np.ndarray
    high: np.ndarray
    labels: list[tuple[str, str, str | None]]
    issues: list[IssueColumns]

    @classmethod
    def of(cls, scenario: Scenario, noise: Uncertainty) -> ValueTable:
        """The table of ``scenario``; values without an sd of their own take ``noise``'s."""
        columns: list[tuple[tuple[str, str, str | None], float, float, float, float]] = []

        def add(label: tuple[str, str, str | None], value: float, sd: float, low: float, high: float) -> int:
            columns.append((label, value, sd, low, high))
            return len(columns) - 1

        def capability_sd(value: float, own: float | None) -> float:
            return own if own is not None else noise.capability_sd_percent / 100.0 * value

        general = {actor.name: add((actor.name, "capability", None), actor.capability,
                                   capability_sd(actor.capability, actor.capability_sd), 0.0, np.inf)
                   for actor in scenario.actors}
        overrides = {(actor.name, issue): add((actor.name, "capability", issue), override.value,
                                              capability_sd(override.value, override.capability_sd), 0.0, np.inf)
                     for actor in scenario.actors for issue, override in actor.capability_by_issue.items()}
        issues = []
        for issue in scenario.issues:
            width = issue.scale_max - issue.scale_min
            actors, position, salience, capability = [], [], [], []
            for actor in scenario.actors:
                stance = actor.stances.get(issue.name)
                if stance is None:
                    continue
                actors.append(actor.name)
                position_sd = stance.position_sd if stance.position_sd is not None else \
                    noise.position_sd_percent_of_scale / 100.0 * width
                position.append(add((actor.name, "position", issue.name), stance.position, position_sd,
                                    issue.scale_min, issue.scale_max))
                salience_sd = stance.salience_sd if stance.salience_sd is not None else noise.salience_sd
                salience.append(add((actor.name, "salience", issue.name), stance.salience, salience_sd, 0.0, 100.0))
                capability.append(overrides.get((actor.name, issue.name), general[actor.name]))
            issues.append(IssueColumns(issue, actors, np.array(position), np.array(salience), np.array(capability)))
        labels, value, sd, low, high = zip(*columns)
        return cls(np.array(value), np.array(sd), np.array(low), np.array(high), list(labels), issues)

    def draw(self, generator: np.random.Generator, draws: int) -> np.ndarray:
        """``(draws, F)`` values: ``clip(value + sd * Z, low, high)`` with Z standard normal."""
        return self.perturbed(self.value[None], generator.standard_normal((draws, len(self.value))))[0]

    def perturbed(self, centers: np.ndarray, normal: np.ndarray) -> np.ndarray:
        """``(C, D, F)``: each of the ``centers (C, F)`` perturbed by the same ``normal (D, F)``
        standard normal numbers, ``clip(center + sd * Z, low, high)`` (common random numbers)."""
        values = centers[:, None, :] + self.sd * normal[None]
        return np.clip(values, self.low, self.high, out=values)

    def issue_forecasts(self, values: np.ndarray, index: int, model: str, options: BaseModel) -> np.ndarray:
        """The model's forecast of issue ``index`` for each row of ``values (B, F)``: ``(B,)``.

        Rows go to the kernel in batches of at most ``BATCH_ELEMENTS / N²``; every model
        treats draws independently, so the batching never changes a result. Models that
        span issues run the whole table once per row.
        """
        run_issue = MODELS[model].run_issue
        if run_issue is None:
            return self.table_forecasts(values, model, options)[:, index]
        columns = self.issues[index]
        result = np.empty(values.shape[0])
        batch = max(1, BATCH_ELEMENTS // max(1, len(columns.actors)) ** 2)
        for start in range(0, values.shape[0], batch):
            rows = values[start:start + batch]
            result[start:start + batch] = run_issue(
                columns.issue, rows[:, columns.position], rows[:, columns.salience] / 100.0,
                rows[:, columns.capability], options).forecast
        return result

    def table_batch(self, values: np.ndarray) -> TableBatch:
        """The rows of ``values (B, F)`` as a batch of whole tables (for models that span issues)."""
        actors = [actor for actor, attribute, issue in self.labels if attribute == "capability" and issue is None]
        index_of = {name: n for n, name in enumerate(actors)}
        shape = (values.shape[0], len(actors), len(self.issues))
        position, salience, capability = np.full(shape, np.nan), np.zeros(shape), np.zeros(shape)
        for k, columns in enumerate(self.issues):
            rows = [index_of[name] for name in columns.actors]
            position[:, rows, k] = values[:, columns.position]
            salience[:, rows, k] = values[:, columns.salience] / 100.0
            capability[:, rows, k] = values[:, columns.capability]
        return TableBatch(actors, [c.issue.name for c in self.issues], position, salience, capability,
                          np.array([c.issue.scale_min for c in self.issues]),
                          np.array([c.issue.scale_max for c in self.issues]))

    def table_forecasts(self, values: np.ndarray, model: str, options: BaseModel) -> np.ndarray:
        """Forecasts ``(B, K)`` of a model that spans issues: the rows as batches of whole tables
        (``run_tables``, at most ``BATCH_ELEMENTS / N³`` at once), or one run per row for a model
        without a batched path."""
        spec = MODELS[model]
        actors = sum(1 for _, attribute, issue in self.labels if attribute == "capability" and issue is None)
        batch = max(1, BATCH_ELEMENTS // max(1, actors) ** 3)
        result = np.empty((values.shape[0], len(self.issues)))
        for start in range(0, values.shape[0], batch):
            tables = self.table_batch(values[start:start + batch])
            run = (spec.run_tables(tables, options) if spec.run_tables is not None
                   else draw_by_draw(tables, spec.run_table, options))
            result[start:start + batch] = run.forecast
        return result

    def forecasts(self, values: np.ndarray, model: str, options: BaseModel) -> np.ndarray:
        """The model's forecast of every issue for each row of ``values (B, F)``: ``(B, issues)``."""
        if MODELS[model].run_issue is None:
            return self.table_forecasts(values, model, options)
        return np.stack([self.issue_forecasts(values, index, model, options) for index in range(len(self.issues))],
                        axis=1)


@dataclass
class IssueDistribution:
    """The distribution of one issue's forecast over the draws.

    ``forecasts (B,)`` are the model's settlements; on an issue with veto players
    ``agreed (B,)`` says in which draws the settlement is an agreement and ``accepted
    (B, V)`` which veto player accepts it, and :attr:`outcomes` mixes settlement and
    reversion point. Without veto players the outcomes are the settlements.
    """

    issue: Issue
    point_forecast: float
    forecasts: np.ndarray
    thresholds: list[Threshold]
    agreed: np.ndarray | None = None
    accepted: np.ndarray | None = None

    @property
    def outcomes(self) -> np.ndarray:
        """``(B,)``: what happens in each draw (the settlement, or the reversion point without agreement)."""
        if self.agreed is None:
            return self.forecasts
        return outcome(self.forecasts, self.agreed, self.issue.reversion_point)

    @property
    def agreement_probability(self) -> float | None:
        """The share of draws whose settlement every veto player accepts; None without veto players."""
        return None if self.agreed is None else float(self.agreed.mean())

    @property
    def median(self) -> float:
        return float(np.median(self.outcomes))

    def interval(self, percent: float) -> tuple[float, float]:
        """The central interval holding ``percent`` % of the draws' outcomes."""
        return central_interval(self.outcomes, percent)

    def probability(self, threshold: Threshold) -> float:
        """The share of draws in which the threshold event holds (on the outcomes)."""
        return float(threshold.holds(self.outcomes).mean())

    def histogram(self) -> tuple[np.ndarray, np.ndarray]:
        """``(edges (HISTOGRAM_BINS + 1,), counts (HISTOGRAM_BINS,))`` over the issue's scale."""
        counts, edges = np.histogram(self.outcomes, bins=HISTOGRAM_BINS,
                                     range=(self.issue.scale_min, self.issue.scale_max))
        return edges, counts

    def anchor_shares(self) -> dict[str, float]:
        """For each anchor, the share of draws whose outcome lies nearest to it."""
        if not self.issue.anchors:
            return {}
        points = np.array(sorted(self.issue.anchors))
        nearest = np.abs(self.outcomes[:, None] - points[None, :]).argmin(axis=1)
        shares = np.bincount(nearest, minlength=len(points)) / len(self.forecasts)
        return {f"{point:g}": float(share) for point, share in zip(points, shares)}

    def agreement_to_dict(self) -> dict[str, Any] | None:
        """P(agreement), who refuses how often, and the settlement's own distribution; None without veto players."""
        if self.agreed is None or self.accepted is None:
            return None
        return {
            "probability": self.agreement_probability,
            "veto_players": list(self.issue.veto_players),
            "reversion": self.issue.reversion_point,
            "refusal_share": {name: float(1.0 - share) for name, share in
                              zip(self.issue.veto_players, self.accepted.mean(axis=0).tolist())},
            "settlement_median": float(np.median(self.forecasts)),
            "agreed_settlement_median": float(np.median(self.forecasts[self.agreed])) if self.agreed.any() else None,
            "settlement_intervals": {str(percent): list(central_interval(self.forecasts, percent))
                                     for percent in INTERVALS},
            "draws": int(len(self.forecasts)),
        }

    def to_dict(self) -> dict[str, Any]:
        edges, counts = self.histogram()
        outcomes = self.outcomes
        return {
            "issue": self.issue.name,
            "title": self.issue.label,
            "scale": [self.issue.scale_min, self.issue.scale_max],
            "point_forecast": self.point_forecast,
            "median": self.median,
            "mean": float(outcomes.mean()),
            "sd": float(outcomes.std()),
            "intervals": {str(percent): list(self.interval(percent)) for percent in INTERVALS},
            "agreement": self.agreement_to_dict(),
            "thresholds": {threshold.text: self.probability(threshold) for threshold in self.thresholds},
            "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
            "anchors": self.anchor_shares(),
        }


@dataclass
class Simulation:
    """A Monte Carlo forecast of every issue of a scenario."""

    scenario: str
    model: str
    preset: str | None
    options: BaseModel
    draws: int
    seed: int
    noise: Uncertainty
    issues: list[IssueDistribution]

    def issue(self, name: str) -> IssueDistribution:
        return next(item for item in self.issues if item.issue.name == name)

    def to_frame(self):
        """One row per issue as a pandas DataFrame (needs the ``pandas`` extra); see :mod:`realpolitik.notebook`."""
        from realpolitik.notebook import simulation_table

        return simulation_table(self).to_frame()

    def _repr_html_(self) -> str:
        from realpolitik.notebook import simulation_table

        return simulation_table(self).to_html()

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "model": self.model,
            "preset": self.preset,
            "options": self.options.model_dump(),
            "draws": self.draws,
            "seed": self.seed,
            "noise": self.noise.model_dump(),
            "issues": [item.to_dict() for item in self.issues],
        }


def _simulate_slice(scenario: Scenario, model: str, options: BaseModel, noise: Uncertainty,
                    stream: np.random.SeedSequence, draws: int, start: int, stop: int
                    ) -> tuple[np.ndarray, list[np.ndarray]]:
    """One task: draws ``start:stop`` of the ``draws`` drawn from ``stream``: the forecasts on every
    issue ``(stop - start, issues)`` and, per issue, the veto players' ideal points ``(stop - start, V)``.
    The whole stream is drawn (a few milliseconds) so that a draw's numbers do not depend on the slicing."""
    table = ValueTable.of(scenario, noise)
    values = table.draw(np.random.default_rng(stream), draws)[start:stop]
    return (table.forecasts(values, model, options),
            [values[:, columns.veto_position] for columns in table.issues])


def check_draws_and_seed(draws: int, seed: int) -> None:
    """Raise :class:`SimulationRequestError` unless ``1 <= draws <= MAX_DRAWS`` and ``seed >= 0``."""
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= MAX_DRAWS:
        raise SimulationRequestError(f"the number of draws must be a whole number from 1 to {MAX_DRAWS:,} "
                                     f"(got {draws!r})")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SimulationRequestError(f"the seed must be a whole number >= 0 (got {seed!r})")


def simulate(scenario: Scenario, model: str = "eum", options: BaseModel | None = None, *, preset: str | None = None,
             draws: int = DEFAULT_DRAWS, seed: int = 0, thresholds: Sequence[str | Threshold] = (),
             noise: Uncertainty | None = None, client: Any = None,
             progress: Callable[[int], None] | None = None) -> Simulation:
    """Forecast every issue of ``scenario`` under ``draws`` perturbed copies of its numbers.

    ``noise`` replaces the scenario's default noise model (values with their own sd keep
    it); ``thresholds`` are expressions such as ``"ceasefire>=75"``; ``client`` is a Dask
    client (an in-process one is started when None); ``progress(n)`` is called with the
    number of draws finished so far.
    """
    check_draws_and_seed(draws, seed)
    if options is None:
        options = resolve_options(model, preset)
    budget.check(model, len(scenario.actors), len(scenario.issues), options, draws, what="the simulation")
    noise = noise or scenario.uncertainty or Uncertainty()
    parsed = [item if isinstance(item, Threshold) else parse_threshold(item, scenario) for item in thresholds]
    sizes = [min(DRAWS_PER_STREAM, draws - start) for start in range(0, draws, DRAWS_PER_STREAM)]
    streams = np.random.SeedSequence(seed).spawn(len(sizes))
    tasks = [(scenario, model, options, noise, stream, size, start, min(start + DRAWS_PER_TASK, size))
             for stream, size in zip(streams, sizes) for start in range(0, size, DRAWS_PER_TASK)]
    finished = 0

    def done(index: int) -> None:
        nonlocal finished
        finished += tasks[index][-1] - tasks[index][-2]
        if progress is not None:
            progress(finished)

    with nullcontext(client) if client is not None else dask_client() as active:
        blocks = map_in_order(active, _simulate_slice, tasks, done)
    forecasts = np.concatenate([block[0] for block in blocks])
    table = ValueTable.of(scenario, noise)
    point = table.forecasts(table.value[None], model, options)[0]
    issues = []
    for index, columns in enumerate(table.issues):
        issue = columns.issue
        decided = deal(issue, forecasts[:, index], np.concatenate([block[1][index] for block in blocks]))
        issues.append(IssueDistribution(issue, float(point[index]), forecasts[:, index],
                                        [threshold for threshold in parsed if threshold.issue == issue.name],
                                        *(decided or (None, None))))
    return Simulation(scenario.name, model, preset, options, draws, seed, noise, issues)

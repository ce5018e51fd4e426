"""A predictive distribution over candidate outcomes, fitted on resolved negotiations.

Outcomes of negotiations are often one of the positions on the table (on DEU III 64%
of outcomes equal some actor's position) and otherwise lie between them. The
distribution of an issue's outcome is therefore a mixture of

* **atoms** at the candidate outcomes ``c_k``: every distinct position of an actor, the
  reference point (status quo) where there is one, and the forecasts of the models
  (the compromise model, the weighted median, and the model being calibrated);
* a **continuous part** between them: a Gaussian of standard deviation ``h`` (a share
  of the scale) at the compromise forecast ``m`` (the capability x salience weighted
  mean), cut to the scale,

    F = (1 - λ) Σ_k p_k δ(c_k) + λ N_[min,max](m, (h · range)²).

The candidate probabilities are a conditional logit (McFadden 1974), ``p_k ∝ exp(β · z_k)``,
with features ``z_k`` that exist for any stakeholder table (:data:`FEATURES`): the
capability x salience weight of the actors at the candidate, their share of the
actors, its distances to the models' forecasts, whether it is the reference point,
an end of the scale or a model's forecast, its distance to the reference point, and
the highest salience among the actors holding it. Nothing in them is specific to the EU (two
features for the agenda setter's and the veto players' positions, with the Commission,
the Parliament under codecision and every state under unanimity in those roles on DEU
III, scored no better out of sample and were left out).

Fitting maximises the likelihood of the outcomes, atoms and continuous part apart:
an outcome equal to a candidate (within :data:`MATCH_TOLERANCE` of the scale) counts
``log((1 - λ) p_k)``, any other ``log(λ g(o))`` with g the continuous density. So
``λ`` is the share of outcomes at no candidate, ``β`` the conditional logit fitted on
the outcomes at a candidate (with an L2 penalty :data:`PENALTY` that keeps collinear
features finite; L-BFGS-B through :func:`scipy.optimize.minimize`, exact gradient),
and ``h`` the width in :data:`BANDWIDTHS` with the highest likelihood of the outcomes
at no candidate. (A kernel at every candidate, weighted by ``p_k``, scored a CRPS 0.2-0.3
worse out of sample on DEU III.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtr
from threadpoolctl import threadpool_limits

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.models.weighted import weighted_mean, weighted_median

#: The candidate features, in the order of the fitted coefficients.
FEATURES = (
    "log_weight_share",      # log(share of capability x salience at the candidate + 0.01)
    "actor_share",           # share of the participants at the candidate
    "distance_compromise",   # |c - compromise forecast| / range
    "distance_median",       # |c - weighted median| / range
    "distance_model",        # |c - the calibrated model's forecast| / range
    "is_reference_point",
    "is_scale_end",
    "is_model_forecast",
    "is_compromise",
    "distance_reference_point",  # |c - reference point| / range (0 where there is none)
    "no_reference_point",        # 1 where the issue has no reference point
    "top_salience",              # the highest salience (0..1) among the actors at the candidate
)
WEIGHT_SHARE_FLOOR = 0.01
#: Candidates closer than this share of the scale are one candidate; an outcome this close to one is at it.
MATCH_TOLERANCE = 1e-3
PENALTY = 1.0
#: Kernel widths tried, as shares of the scale.
BANDWIDTHS = (0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0)
#: Cells of the continuous part over the scale.
GRID_CELLS = 200


@dataclass
class Candidates:
    """One issue's candidate outcomes: ``values (K,)`` (sorted), ``features (K, F)``, the actors at
    each, and what else each is (``"reference point"``, ``"compromise"``, ``"median"``, ``"model"``)."""

    values: np.ndarray
    features: np.ndarray
    actors: list[list[str]]
    kinds: list[list[str]]
    scale_min: float
    scale_max: float
    compromise: float


def issue_candidates(actors: list[str], position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                     scale_min: float, scale_max: float, reference_point: float | None,
                     model_forecast: float | None) -> Candidates:
    """The candidates of one issue and their features.

    ``position (N,)``, ``salience (N,)`` (0..1) and ``capability (N,)`` of its participants;
    ``model_forecast`` the forecast of the model being calibrated (None: the compromise model's).
    """
    position = np.asarray(position, dtype=float)
    salience = np.asarray(salience, dtype=float)
    weight = salience * np.asarray(capability, dtype=float)
    span = scale_max - scale_min
    compromise = float(weighted_mean(position[None], weight[None])[0])
    median = float(weighted_median(position[None], weight[None])[0])
    model_forecast = compromise if model_forecast is None else float(model_forecast)
    proposals: list[tuple[float, str | None, str | None]] = [(float(x), actor, None) for x, actor in
                                                              zip(position, actors)]
    if reference_point is not None:
        proposals.append((float(reference_point), None, "reference point"))
    proposals += [(compromise, None, "compromise"), (median, None, "median"), (float(model_forecast), None, "model")]
    proposals.sort(key=lambda item: item[0])
    values: list[float] = []
    held: list[list[str]] = []
    kinds: list[list[str]] = []
    for value, actor, kind in proposals:
        if not values or value - values[-1] > MATCH_TOLERANCE * span:
            values.append(value)
            held.append([])
            kinds.append([])
        if actor is not None:
            held[-1].append(actor)
        if kind is not None and kind not in kinds[-1]:
            kinds[-1].append(kind)
    total = weight.sum()
    share_of = dict(zip(actors, weight / total if total > 0 else np.full(len(actors), 1.0 / len(actors))))
    salience_of = dict(zip(actors, salience.tolist()))
    features = np.array([
        [
            np.log(sum(share_of[a] for a in at) + WEIGHT_SHARE_FLOOR),
            len(at) / len(actors),
            abs(value - compromise) / span,
            abs(value - median) / span,
            abs(value - model_forecast) / span,
            float("reference point" in kind),
            float(min(value - scale_min, scale_max - value) <= MATCH_TOLERANCE * span),
            float("model" in kind),
            float("compromise" in kind),
            0.0 if reference_point is None else abs(value - reference_point) / span,
            float(reference_point is None),
            max((salience_of[a] for a in at), default=0.0),
        ]
        for value, at, kind in zip(values, held, kinds)
    ])
    return Candidates(np.asarray(values), features, held, kinds, scale_min, scale_max, compromise)


def _padded(candidates: list[Candidates]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``values (I, K)``, ``features (I, K, F)`` padded to the most candidates, ``present (I, K)``."""
    width = max(len(c.values) for c in candidates)
    values = np.zeros((len(candidates), width))
    features = np.zeros((len(candidates), width, candidates[0].features.shape[1]))
    present = np.zeros((len(candidates), width), dtype=bool)
    for row, c in enumerate(candidates):
        values[row, :len(c.values)] = c.values
        features[row, :len(c.values)] = c.features
        present[row, :len(c.values)] = True
    return values, features, present


def matched_candidate(candidates: Candidates, outcome: float) -> int | None:
    """The index of the candidate the outcome is at, or None."""
    gap = np.abs(candidates.values - outcome)
    index = int(np.argmin(gap))
    return index if gap[index] <= MATCH_TOLERANCE * (candidates.scale_max - candidates.scale_min) else None


def _log_softmax(utility: np.ndarray) -> np.ndarray:
    """``u - log Σ exp(u)`` over the last axis (entries of -inf stay -inf)."""
    top = utility.max(axis=-1, keepdims=True)
    return utility - top - np.log(np.exp(utility - top).sum(axis=-1, keepdims=True))


def _kernel_cells(values: np.ndarray, edges: np.ndarray, width: float) -> np.ndarray:
    """The mass of each cell of ``edges`` under a Gaussian of sd ``width`` at each of ``values`` cut to
    the grid: ``(..., C)`` for values ``(...)``."""
    cumulative = ndtr((edges - values[..., None]) / width)
    cells = np.diff(cumulative, axis=-1)
    return cells / np.maximum(cells.sum(axis=-1, keepdims=True), 1e-300)


@dataclass
class PredictiveModel:
    """The fitted parameters: ``coefficients (F,)`` of :data:`FEATURES`, ``continuous_share`` λ and
    ``bandwidth`` h (share of the scale)."""

    coefficients: np.ndarray
    continuous_share: float
    bandwidth: float
    fit_summary: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, candidates: Candidates) -> np.ndarray:
        """``p_k``, the candidate probabilities given an atom, ``(K,)``."""
        return np.exp(_log_softmax(candidates.features @ self.coefficients))

    def _parts(self, candidates: Candidates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The atoms' masses ``(K,)``, the grid's edges ``(C + 1,)`` and the cells' masses ``(C,)``."""
        edges = np.linspace(candidates.scale_min, candidates.scale_max, GRID_CELLS + 1)
        span = candidates.scale_max - candidates.scale_min
        cells = _kernel_cells(np.asarray(candidates.compromise), edges, self.bandwidth * span)
        share = self.continuous_share
        return (1.0 - share) * self.probabilities(candidates), edges, share * cells

    def distribution(self, candidates: Candidates) -> MixedDistribution:
        """The predictive distribution of the issue's outcome."""
        atoms, edges, cells = self._parts(candidates)
        return MixedDistribution.create(candidates.values, atoms, edges, cells)

    def pit_range(self, candidates: Candidates, outcome: float) -> tuple[float, float]:
        """``(F(o-), F(o))`` of :meth:`distribution`, without building it (the conformal scores need
        many)."""
        atoms, edges, cells = self._parts(candidates)
        continuous = float(np.interp(outcome, edges, np.concatenate([[0.0], np.cumsum(cells)])))
        return (float(atoms[candidates.values < outcome].sum()) + continuous,
                float(atoms[candidates.values <= outcome].sum()) + continuous)

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "coefficients": self.coefficients.tolist(),
                "continuous_share": self.continuous_share, "bandwidth": self.bandwidth}

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> PredictiveModel:
        if list(document["features"]) != list(FEATURES):
            raise ValueError(f"the features {document['features']} are not this version's {list(FEATURES)}")
        return cls(np.asarray(document["coefficients"], dtype=float), float(document["continuous_share"]),
                   float(document["bandwidth"]))


def fit(candidates: list[Candidates], outcome: np.ndarray, penalty: float = PENALTY) -> PredictiveModel:
    """Fit λ, β and h on issues with ``candidates`` and ``outcome (I,)`` (see the module's docstring)."""
    from scipy.optimize import minimize  # 0.7 s to import: only when fitting, not for every forecast

    matches = [matched_candidate(c, o) for c, o in zip(candidates, outcome)]
    at_candidate = np.array([m is not None for m in matches])
    if at_candidate.sum() == 0 or at_candidate.all():
        raise ValueError("fitting needs outcomes both at a candidate and between candidates")
    chosen = [c for c, m in zip(candidates, matches) if m is not None]
    index = np.array([m for m in matches if m is not None])
    _, features, present = _padded(chosen)
    rows = np.arange(len(chosen))

    def loss_and_gradient(beta: np.ndarray) -> tuple[float, np.ndarray]:
        utility = np.where(present, features @ beta, -np.inf)
        log_p = _log_softmax(utility)
        p = np.where(present, np.exp(log_p), 0.0)
        expected = np.einsum("ik,ikf->if", p, features)
        gradient = -(features[rows, index] - expected).sum(axis=0) + penalty * beta
        return float(-log_p[rows, index].sum() + 0.5 * penalty * beta @ beta), gradient

    with threadpool_limits(limits=1, user_api="blas"):  # 9 parameters: threads only add overhead
        solution = minimize(loss_and_gradient, np.zeros(features.shape[2]), jac=True, method="L-BFGS-B")
    beta = solution.x
    share = float(1.0 - at_candidate.mean())
    between = [c for c, hit in zip(candidates, at_candidate) if not hit]
    centre = np.array([c.compromise for c in between])[:, None]
    low = np.array([c.scale_min for c in between])[:, None]
    high = np.array([c.scale_max for c in between])[:, None]
    cell = (high - low) / GRID_CELLS
    observed = outcome[~at_candidate][:, None]
    cell_low = low + np.clip(np.floor((observed - low) / cell), 0, GRID_CELLS - 1) * cell
    likelihoods = []
    for bandwidth in BANDWIDTHS:
        width = bandwidth * (high - low)
        mass = ndtr((cell_low + cell - centre) / width) - ndtr((cell_low - centre) / width)
        inside = ndtr((high - centre) / width) - ndtr((low - centre) / width)
        likelihoods.append(np.log(np.maximum(mass / inside, 1e-300)).sum())
    best = BANDWIDTHS[int(np.argmax(likelihoods))]
    return PredictiveModel(beta, share, best, {"issues": len(candidates), "at_candidate": int(at_candidate.sum()),
                                              "converged": bool(solution.success)})

"""KTAB's Spatial Model of Politics (SMP): multi-dimensional bargaining, turn by turn.

Source: KAPSARC Toolkit for Behavioral Analysis (KTAB), MIT licence,
``examples/smp/libsrc/smp.cpp`` and ``smpbcn.cpp`` with ``kmodel.cpp``
(B. P. Wise and colleagues, King Abdullah Petroleum Studies and Research
Center). Background: Wise, Lester & Efird (2015), "An Introduction to the
KAPSARC Toolkit for Behavioral Analysis (KTAB) Using One-Dimensional Spatial
Models", KAPSARC discussion paper; Wise, "Markov Voting with Incentives in
KTAB" (KTAB documentation); KTAB's SMP tutorial. This is an independent
numpy implementation that reproduces KTAB's arithmetic, checked against
KTAB's reference logs and its compiled engine (``benchmarks/smp_vs_ktab.py``).

One turn, from state ``t`` (positions ``x``, ideal points ``y``):

1. **Assess.** Distances ``d[i, j]`` from ``y_i`` to ``x_j`` weighted by
   ``i``'s saliences; risk-neutral utilities ``1 - d``; a probabilistic
   Condorcet election among the actors' positions (votes weighted by
   capability; ``voting``) gives each position's chance ``p``; risk
   attitudes ``R`` follow from ``p`` (``BigRRange``) and every actor ``h``
   estimates everyone's (``BigRAdjust``), giving ``N`` utility matrices
   ``U^h`` (``utility``).
2. **Challenge.** Each actor ``i`` estimates, with ``U^i``, the probability of
   prevailing over each ``j`` (principals and third parties voting with weight
   capability x total salience, ``ThirdPartyCommit``) and its expected gain;
   it targets the ``j`` with the largest gain above 1e-5 (``challenge``).
3. **Bargain.** Each initiator proposes a bargain that moves both sides
   toward each other by salience^n x probability^n (``InterVecBrgn``,
   ``SMPBargnModel``; ``bargain``).
4. **Resolve.** Every actor weighs the status quo and the bargains involving
   it in a probabilistic Condorcet election over the value of the resulting
   states, adopts the most likely (``Deterministic``) or draws one
   (``Stochastic``, KTAB's generator, ``generator``); all move at once.
   Ideal points follow positions through the accommodation matrix ``A``:
   ``y' = A x' + (1 - rowsum A) y`` (identity by default: ``y = x``).

Stop after turn ``t >= min_iterations`` when the movement of the last turn,
``sum_i |x_t,i - x_t-1,i|``, is below ``min_delta_ratio`` times that of the
first turn (plus ``min_significant_delta``), or after ``max_iterations``
turns. KTAB: 2, 100, 0.02, 1e-4.

Shapes: ``N`` actors, ``D`` dimensions, ``T`` states. Cost per turn O(N^3)
time and memory in blocks (KTAB's engine, logging every estimate, is O(N^4)).
The preset ``"ktab-default"`` is KTAB's default run
(``0,0,0,2,1,1,1,1,0``) and reproduces its reference logs.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from realpolitik.budget import checkpoint

from .bargain import (
    BARGAIN_INTERPOLATIONS,
    BARGAIN_MODELS,
    BargainInterpolation,
    BargainModel,
    adopted_positions,
    propose,
    queue_keys,
    queue_probabilities,
    queues,
    state_values,
)
from .challenge import THIRD_PARTY_COMMITS, ThirdPartyCommit, best_targets, initiator_estimates, pair_estimates
from .generator import KTABRandom
from .utility import (
    BIG_R_ADJUSTS,
    BIG_R_RANGES,
    BigRAdjust,
    BigRRange,
    estimated_risk,
    risk_attitudes,
    utility,
    weighted_distance,
)
from .voting import (
    PCE_MODELS,
    VICTORY_PROBABILITY_MODELS,
    VOTING_RULES,
    PCEModel,
    VictoryProbabilityModel,
    VotingRule,
    coalition_strengths,
    condorcet_probabilities,
)

StateTransitions = Literal["Deterministic", "Stochastic"]

#: ``chooser(turn, keys, probabilities) -> one option index per actor`` (see :func:`run_smp`).
Chooser = Callable[[int, list[list[tuple[int, int, str]]], list[np.ndarray]], Sequence[int]]
STATE_TRANSITIONS: tuple[str, ...] = ("Deterministic", "Stochastic")

# The nine model parameters in the order KTAB's engine reads them, with their value names
# in KTAB's enum order (the integer code of a value is its index).
KTAB_PARAMETERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("victory_probability_model", VICTORY_PROBABILITY_MODELS),
    ("pce_model", PCE_MODELS),
    ("state_transitions", STATE_TRANSITIONS),
    ("voting_rule", VOTING_RULES),
    ("big_r_adjust", BIG_R_ADJUSTS),
    ("big_r_range", BIG_R_RANGES),
    ("third_party_commit", THIRD_PARTY_COMMITS),
    ("bargain_interpolation", BARGAIN_INTERPOLATIONS),
    ("bargain_model", BARGAIN_MODELS),
)

# Other spellings KTAB uses for the same values (log output, C++ enum names).
_ALIASES = {
    "Prop": "Proportional",
    "None": "No",
    "NoRA": "No",
    "OneThirdRA": "OneThird",
    "HalfRA": "Half",
    "TwoThirdsRA": "TwoThirds",
    "FullRA": "Full",
    "ConditionalPCM": "Conditional",
    "MarkovIPCM": "MarkovIncentive",
    "MarkovUPCM": "MarkovUniform",
    "DeterminsticSTM": "Deterministic",
    "DeterministicSTM": "Deterministic",
    "StochasticSTM": "Stochastic",
    "InitOnlyInterpSMPBM": "InitOnlyInterp",
    "InitRcvrInterpSMPBM": "InitRcvrInterp",
    "PWCompInterpSMPBM": "PWCompInterp",
}


class IdealAdjustment(BaseModel):
    """One entry of KTAB's ideal-accommodation matrix (``IdealAdjustment/iaPair`` in its XML): each
    turn, ``adjusting``'s ideal point moves the share ``adjust`` of the way to ``reference``'s position.
    Entries not given are those of the identity matrix (an actor's ideal follows its own position)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    adjusting: str = Field(min_length=1, description="The actor whose ideal point moves.")
    reference: str = Field(min_length=1, description="The actor whose position it moves towards.")
    adjust: float = Field(ge=0, le=1, description="The share of the way, 0..1.")


def accommodation_matrix(actors: Sequence[str], adjustments: Sequence[IdealAdjustment]) -> np.ndarray | None:
    """KTAB's ``(N, N)`` ideal-accommodation matrix over ``actors``: the identity, with each
    adjustment between two of them written in; None when there are no adjustments.

    Raises ValueError naming an actor that is not among ``actors`` or whose row adds up to more than 1.
    """
    if not adjustments:
        return None
    index = {name: n for n, name in enumerate(actors)}
    matrix = np.eye(len(actors))
    for entry in adjustments:
        for name in (entry.adjusting, entry.reference):
            if name not in index:
                raise ValueError(f"ideal adjustment names {name!r}, which is not an actor taking part")
        matrix[index[entry.adjusting], index[entry.reference]] = entry.adjust
    for name, total in zip(actors, matrix.sum(axis=1)):
        if total > 1 + 1e-10:
            raise ValueError(f"the ideal adjustments of {name!r} add up to {total:g}, more than 1")
    return matrix


class SMPOptions(BaseModel):
    """The SMP's model parameters, named as in KTAB (``smpSchema.xsd``), its stopping rule, and
    what a KTAB scenario file may add: the seed of ``Stochastic`` transitions (``prngSeed``) and
    the ideal adjustments (``IdealAdjustment``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    #: Fields that describe a scenario rather than the model: a preset leaves them as the file gave them.
    scenario_fields: ClassVar[tuple[str, ...]] = ("seed", "ideal_adjustment")

    victory_probability_model: VictoryProbabilityModel = "Linear"
    pce_model: PCEModel = "Conditional"
    state_transitions: StateTransitions = "Deterministic"
    voting_rule: VotingRule = "Proportional"
    big_r_adjust: BigRAdjust = "OneThird"
    big_r_range: BigRRange = "Mid"
    third_party_commit: ThirdPartyCommit = "SemiCommit"
    bargain_interpolation: BargainInterpolation = "S2P2"
    bargain_model: BargainModel = "InitOnlyInterp"
    min_iterations: int = 2
    max_iterations: int = 100
    min_delta_ratio: float = 0.02
    min_significant_delta: float = 1e-4
    seed: int | None = Field(None, ge=0, lt=2**64, description="Seed of KTAB's generator for Stochastic "
                             "transitions (KTAB's prngSeed); drawn at random when not given.")
    ideal_adjustment: list[IdealAdjustment] = Field(
        default_factory=list, description="KTAB's ideal adjustments; none: every actor's ideal is its position.")

    @model_validator(mode="after")
    def _check(self) -> SMPOptions:
        for name, allowed in KTAB_PARAMETERS:
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"SMP option {name}={value!r} is not one of {', '.join(allowed)}")
        if not 1 <= self.min_iterations <= self.max_iterations:
            raise ValueError("SMP options need 1 <= min_iterations <= max_iterations")
        if not (self.min_delta_ratio >= 0 and self.min_significant_delta > 0):
            raise ValueError("SMP options need min_delta_ratio >= 0 and min_significant_delta > 0")
        return self

    def ktab_codes(self) -> tuple[int, ...]:
        """The nine integers KTAB's engine (``runSmpModel``) reads, in its order."""
        return tuple(allowed.index(getattr(self, name)) for name, allowed in KTAB_PARAMETERS)

    @classmethod
    def from_ktab_codes(cls, codes: Sequence[int], **stopping) -> SMPOptions:
        """Options from KTAB's nine integer codes (e.g. ``0,0,0,2,1,1,1,1,0``)."""
        if len(codes) != len(KTAB_PARAMETERS):
            raise ValueError(f"KTAB takes {len(KTAB_PARAMETERS)} model parameters, got {len(codes)}")
        values = {}
        for code, (name, allowed) in zip(codes, KTAB_PARAMETERS):
            if not 0 <= int(code) < len(allowed):
                raise ValueError(f"KTAB code {code} for {name} is not in 0..{len(allowed) - 1}")
            values[name] = allowed[int(code)]
        return cls(**values, **stopping)

    @classmethod
    def from_ktab_names(cls, names: Mapping[str, str], **stopping) -> SMPOptions:
        """Options from KTAB's parameter names, as in its XML (``VictoryProbModel``, ``PCEModel``, ...)."""
        xml_names = {
            "VictoryProbModel": "victory_probability_model",
            "PCEModel": "pce_model",
            "StateTransitions": "state_transitions",
            "VotingRule": "voting_rule",
            "BigRAdjust": "big_r_adjust",
            "BigRRange": "big_r_range",
            "ThirdPartyCommit": "third_party_commit",
            "InterVecBrgn": "bargain_interpolation",
            "BargnModel": "bargain_model",
        }
        values = {}
        for key, value in names.items():
            name = xml_names.get(key, key)
            if name not in dict(KTAB_PARAMETERS):
                raise ValueError(f"unknown SMP parameter {key!r}")
            values[name] = _ALIASES.get(value, value)
        return cls(**values, **stopping)

    def as_dict(self) -> dict[str, object]:
        return self.model_dump()


#: Named option sets. ``ktab-default`` is KTAB's default run and reproduces its 2017 reference logs.
PRESETS: dict[str, SMPOptions] = {"ktab-default": SMPOptions()}


@dataclass(frozen=True)
class Bargain:
    """A proposed bargain: where ``initiator`` and ``receiver`` would move (input scale)."""

    initiator: int
    receiver: int
    initiator_position: np.ndarray  # (D,)
    receiver_position: np.ndarray  # (D,)
    kind: str  # "initiator", "receiver" or "compromise": whose perspective formed it


@dataclass
class SMPTurn:
    """What happened between state ``turn`` and state ``turn + 1``."""

    turn: int
    target: np.ndarray  # (N,) receiver each actor challenged, -1 for none
    expected_gain: np.ndarray  # (N,) the initiator's expected gain from that challenge
    probability_of_success: np.ndarray  # (N,) the initiator's estimate that it prevails
    bargains: list[Bargain]
    adopted: np.ndarray  # (N,) index into ``bargains`` of the bargain each actor took, -1 = status quo
    adoption_probability: np.ndarray  # (N,) PCE probability of the option each actor took


@dataclass
class SMPResult:
    """A whole SMP run. Positions and ideals on the input scale."""

    positions: np.ndarray  # (T, N, D)
    ideals: np.ndarray  # (T, N, D)
    risk_attitude: np.ndarray  # (T, N)
    turns: list[SMPTurn]  # T - 1 turns
    stop_reason: str  # "converged" or "max-iterations"
    options: SMPOptions
    seed: int | None = None
    scale: tuple[np.ndarray, np.ndarray] | None = None  # (low, high), each (D,)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def n_states(self) -> int:
        return int(self.positions.shape[0])

    @property
    def final_positions(self) -> np.ndarray:
        return self.positions[-1]


def _resolve_options(options: SMPOptions | str | None) -> SMPOptions:
    if options is None:
        return PRESETS["ktab-default"]
    if isinstance(options, str):
        try:
            return PRESETS[options]
        except KeyError:
            raise ValueError(f"unknown SMP preset {options!r}; known: {', '.join(PRESETS)}") from None
    return options


def _validated(position, salience, capability, accommodation, scale):
    position = np.asarray(position, dtype=float)
    salience = np.asarray(salience, dtype=float)
    capability = np.asarray(capability, dtype=float)
    if position.ndim != 2 or salience.shape != position.shape or capability.shape != position.shape[:1]:
        raise ValueError("run_smp needs position and salience of shape (N, D) and capability of shape (N,)")
    actors, dimensions = position.shape
    if actors < 2 or dimensions < 1:
        raise ValueError(f"run_smp needs at least 2 actors and 1 dimension, got {actors} x {dimensions}")
    try:
        low = np.broadcast_to(np.asarray(scale[0], dtype=float), (dimensions,)).copy()
        high = np.broadcast_to(np.asarray(scale[1], dtype=float), (dimensions,)).copy()
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"scale must be (low, high), numbers or one per dimension, got {scale!r}") from None
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high)) and np.all(low < high)):
        raise ValueError(f"scale must be finite with low < high on every dimension, got {scale!r}")

    def first_bad(mask: np.ndarray) -> int:
        return int(np.flatnonzero(mask.reshape(actors, -1).any(axis=1))[0])

    for name, values in (("position", position), ("salience", salience), ("capability", capability)):
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} of actor {first_bad(~np.isfinite(values))} is not a finite number")
    outside = (position < low) | (position > high)
    if outside.any():
        actor = first_bad(outside)
        dimension = int(np.flatnonzero(outside[actor])[0])
        raise ValueError(f"position of actor {actor} on dimension {dimension} lies outside the scale "
                         f"{low[dimension]:g}..{high[dimension]:g}")
    if ((salience < 0) | (salience > 1)).any():
        raise ValueError(f"salience of actor {first_bad((salience < 0) | (salience > 1))} is outside 0..1")
    total = salience.sum(axis=1)
    if (total <= 0).any() or (total > 1 + 1e-9).any():
        raise ValueError(
            f"the saliences of actor {first_bad((total <= 0) | (total > 1 + 1e-9))} must sum to more than 0 "
            "and at most 1 (KTAB's SMP shares one unit of attention among the dimensions)"
        )
    if (capability <= 0).any():
        raise ValueError(f"capability of actor {first_bad(capability <= 0)} must be positive")
    if accommodation is not None:
        accommodation = np.array(accommodation, dtype=float)
        if accommodation.shape != (actors, actors) or not np.all(np.isfinite(accommodation)):
            raise ValueError(f"accommodation must be a finite ({actors}, {actors}) matrix")
        if (accommodation < 0).any() or (accommodation > 1).any() or (accommodation.sum(axis=1) > 1 + 1e-10).any():
            raise ValueError("accommodation entries must lie in 0..1 with rows summing to at most 1")
        if np.array_equal(accommodation, np.eye(actors)):
            accommodation = None
    internal = (position - low) / (high - low)
    return internal, salience, capability, accommodation, (low, high)


@dataclass
class _Assessment:
    risk: np.ndarray  # (N,)
    utilities: np.ndarray  # (N, N, N) U^h[a, b]
    own_utility: np.ndarray  # (N, N) U^a[a, b]


def _assess(position, ideal, salience, capability, options: SMPOptions) -> _Assessment:
    distance = weighted_distance(ideal, position, salience)
    neutral = 1 - distance
    strengths = coalition_strengths(options.voting_rule, capability, neutral)
    probability = condorcet_probabilities(options.pce_model, options.victory_probability_model, strengths)
    risk = risk_attitudes(probability, options.big_r_range)
    estimate = estimated_risk(risk, options.big_r_adjust)  # [h, a]
    utilities = utility(distance[None, :, :], estimate[:, :, None])
    index = np.arange(risk.size)
    return _Assessment(risk, utilities, utilities[index, index, :])


def _movement(before: np.ndarray, after: np.ndarray) -> float:
    step = after - before
    return float(np.sqrt((step * step).sum(axis=1)).sum())


def run_smp(
    position,
    salience,
    capability,
    options: SMPOptions | str | None = "ktab-default",
    *,
    accommodation=None,
    seed: int | None = None,
    scale: tuple = (0.0, 100.0),
    chooser: Chooser | None = None,
) -> SMPResult:
    """Run KTAB's Spatial Model of Politics to convergence and return the whole trajectory.

    Parameters
    ----------
    position : (N, D) array
        Each actor's position on each dimension, within ``scale`` (KTAB: 0..100).
    salience : (N, D) array
        Salience on 0..1; each actor's saliences must sum to more than 0 and at most 1.
    capability : (N,) array
        Positive clout (only ratios matter).
    options : SMPOptions or preset name
        Model parameters and stopping rule; default ``"ktab-default"``.
    accommodation : (N, N) array, optional
        KTAB's ideal-adjustment matrix (``IdealAdjustment`` in its XML): how far each
        actor's ideal point follows each actor's new position per turn. Identity
        (ideals = positions) when omitted.
    seed : int, optional
        64-bit seed of KTAB's generator for ``Stochastic`` transitions; ``options.seed``
        when omitted, else drawn at random (and returned in the result).
    scale : (low, high)
        The issue scales, as two numbers or two ``(D,)`` arrays; positions are mapped
        to KTAB's internal [0, 1] on every dimension.
    chooser : callable, optional
        ``chooser(turn, keys, probabilities) -> choices`` replaces the state-transition
        rule: for every actor, ``keys[k]`` lists its options as ``(initiator, receiver,
        kind)`` (status quo ``(k, k, "status-quo")`` first, then the bargains involving
        ``k`` by initiator) and ``probabilities[k]`` their PCE probabilities; it returns
        one option index per actor. Used to replay a logged KTAB run, whose threads
        order the options and the draws.

    Returns
    -------
    SMPResult
        ``positions (T, N, D)``, ``ideals``, ``risk_attitude (T, N)``, per-turn
        ``turns`` (targets, expected gains, bargains, adoptions), ``n_states`` and
        ``stop_reason``.
    """
    options = _resolve_options(options)
    current, salience, capability, accommodation, scale = _validated(
        position, salience, capability, accommodation, scale
    )
    low, high = scale
    actors = current.shape[0]
    salience_total = salience.sum(axis=1)
    weight = capability * salience_total
    stochastic = options.state_transitions == "Stochastic"
    if stochastic and seed is None:
        seed = options.seed if options.seed is not None else secrets.randbits(64) or 1
    generator = KTABRandom(seed) if stochastic else None

    ideal = current.copy()
    history, ideal_history = [current], [ideal]
    assessment = _assess(current, ideal, salience, capability, options)
    risk_history = [assessment.risk]
    turns: list[SMPTurn] = []
    stop_reason = "max-iterations"
    for iteration in range(1, options.max_iterations + 1):
        checkpoint()  # a cancelled run stops here (see realpolitik.budget)
        turn = iteration - 1
        probability, gain = initiator_estimates(
            assessment.utilities, weight, salience_total, options.voting_rule, options.third_party_commit
        )
        target, best_gain = best_targets(gain)
        initiators = np.flatnonzero(target >= 0)
        receivers = target[initiators]
        receiver_estimate = None
        if options.bargain_model != "InitOnlyInterp" and initiators.size:
            _, receiver_estimate = pair_estimates(
                assessment.utilities, receivers, initiators, initiators, receivers,
                weight, salience_total, options.voting_rule, options.third_party_commit,
            )
        proposals = propose(
            options.bargain_model, options.bargain_interpolation, current, salience, capability,
            initiators, receivers, probability[initiators, receivers], receiver_estimate,
        )
        status_quo_value, bargain_value = state_values(
            proposals, ideal, salience, assessment.risk, assessment.own_utility
        )
        option_queues = queues(proposals, actors)
        probabilities = queue_probabilities(
            option_queues, status_quo_value, bargain_value, capability,
            options.voting_rule, options.victory_probability_model, options.pce_model,
        )
        if chooser is not None:
            keys = [queue_keys(proposals, actor, queue) for actor, queue in enumerate(option_queues)]
            picks = [int(pick) for pick in chooser(turn, keys, probabilities)]
            if len(picks) != actors or any(not 0 <= p < len(q) for p, q in zip(picks, option_queues)):
                raise ValueError("chooser must return one valid option index per actor")
        elif generator is not None:
            picks = [generator.select(p) for p in probabilities]
        else:
            picks = [int(np.argmax(p)) for p in probabilities]
        choice = np.array([option_queues[actor][pick] for actor, pick in enumerate(picks)], dtype=int)
        taken = np.array([probabilities[actor][pick] for actor, pick in enumerate(picks)])
        following = adopted_positions(proposals, choice, current)
        if accommodation is None:
            ideal = following.copy()
        else:
            lag = 1.0 - np.minimum(accommodation.sum(axis=1), 1.0)
            ideal = accommodation @ following + lag[:, None] * ideal

        to_scale = high - low
        turns.append(SMPTurn(
            turn=turn,
            target=target,
            expected_gain=best_gain,
            probability_of_success=np.where(target >= 0, probability[np.arange(actors), np.maximum(target, 0)], 0.0),
            bargains=[
                Bargain(int(proposals.initiator[b]), int(proposals.receiver[b]),
                        low + to_scale * proposals.initiator_position[b],
                        low + to_scale * proposals.receiver_position[b], proposals.kind[b])
                for b in range(proposals.size)
            ],
            adopted=choice,
            adoption_probability=taken,
        ))
        history.append(following)
        ideal_history.append(ideal)
        current = following
        assessment = _assess(current, ideal, salience, capability, options)
        risk_history.append(assessment.risk)

        first_step = _movement(history[0], history[1]) + options.min_significant_delta
        ratio = _movement(history[-2], history[-1]) / first_step
        if iteration >= options.min_iterations and ratio < options.min_delta_ratio:
            stop_reason = "converged"
            break

    positions = low + (high - low) * np.stack(history)
    ideals = low + (high - low) * np.stack(ideal_history)
    positions[0] = ideals[0] = np.asarray(position, dtype=float)  # exactly as given
    return SMPResult(
        positions=positions,
        ideals=ideals,
        risk_attitude=np.stack(risk_history),
        turns=turns,
        stop_reason=stop_reason,
        options=options,
        seed=seed if stochastic else None,
        scale=scale,
    )

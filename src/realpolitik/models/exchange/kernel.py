"""The exchange model: actors trade voting positions across pairs of issues (equal gain).

Stokman & Van Oosten's model of vote trading. Every issue ``k`` has an *expected
outcome*, the Nash bargaining solution of the participants' voting positions

    O_k = Σ_n c_nk s_nk x_nk / Σ_n c_nk s_nk          (``power`` c, ``salience`` s)

An actor gains from a shift of ``O_k`` toward its own position in proportion to
its salience. Two actors ``i`` and ``j`` can trade on a pair of issues (p, q) when
they stand on opposite sides of the expected outcome on *both* issues and value
them differently (``s_ip/s_iq > s_jp/s_jq``): ``i`` then gives way on ``q``
(its *supply* issue, ``j``'s *demand* issue) by moving its vote toward ``x_jq``,
and ``j`` gives way on ``p`` by moving toward ``x_ip``. A move of ``m`` by actor
``a`` on issue ``k`` shifts the outcome by ``m c_ak s_ak / Σ_n c_nk s_nk``.

**Equal gain.** With ``Δ_p`` and ``Δ_q`` the outcome shifts the trade causes,
``i`` gains ``s_ip Δ_p - s_iq Δ_q`` and ``j`` gains ``s_jq Δ_q - s_jp Δ_p``. The
equal-gain rate sets the two equal::

    Δ_q = Δ_p (s_ip + s_jp) / (s_iq + s_jq)
    gain = Δ_p (s_ip s_jq - s_iq s_jp) / (s_iq + s_jq)

The larger move is capped: first ``j`` moves all the way to ``x_ip`` and ``i``'s
move follows from the rate; if that would take ``i`` past ``x_jq``, ``i`` moves to
``x_jq`` and ``j``'s move follows instead. A trade must not push an outcome past
the position of the actor who demanded it: when a move would carry the outcome
(as seen by the demander, counting the moves the demander already obtained on that
issue this round) across the demander's position, the move is shortened so that
the outcome stops on it, and the partner's move is scaled down by the same rate.

**A round.** Compute the outcomes; sort the actors left (``x <= O``) or right of
them; list every candidate exchange (issue pairs in issue order, then actor pairs
in actor order); then repeatedly execute the exchange of highest gain, and
recompute the exchanges it touches: those in which the same actor supplies the
same issue (it now starts from its new voting position, and may not reverse
direction) and those whose demander on an issue is the executed exchange's
demander there (the outcome it sees has moved). Exchanges that become unprofitable
or invalid drop out; the round ends when none is left. The round's forecast is the
expected outcome of the voting positions.

**Between rounds** (``position_update="partial_adjustment"``) every actor who
traded a vote on issue ``k`` starts the next round from
``x + (fixed_weight + salience_weight (1 - s)) (y - x)``, a part of the way from its
round-start position ``x`` to its voting position ``y`` (the less it cares, the
further it goes); everything else (outcomes, sides, candidates) is recomputed.
With ``"voting_position"`` actors start the next round from their votes.

Sources: Stokman, F. N. & Van Oosten, R. (1994). "The exchange of voting
positions: an object-oriented model of policy networks", in Bueno de Mesquita, B. &
Stokman, F. N. (eds.), *European Community Decision Making*, Yale University Press;
Van Assen, M., Stokman, F. N. & Van Oosten, R. (2003). "Conflict measures in
cooperative exchange models of collective decision-making", *Rationality and
Society* 15(1); Dijkstra, J., Van Assen, M. & Stokman, F. N. (2008). "Outcomes of
collective decisions with externalities predicted", *Journal of Conflict
Resolution* 52(5). The operational details (candidate order, recomputation, move
validity, the between-round update with weights 0.1 and 0.4, tie handling) follow
the public implementation ``decide-exchange-model`` 2022.1.28 (Draaijer), against
which ``benchmarks/exchange_vs_decide.py`` checks this module round by round.

Numbers: every issue is mapped to a 0..100 working scale before the arithmetic
(the peer's convention; its thresholds below are on that scale) and mapped back,
so results are equivariant to an affine change of an issue's scale. Ties between
exchanges of equal gain are rare in continuous data but common in hand-made tables
(repeated saliences); ``tie_break`` says how they are resolved. Because the
candidates are listed in actor order, a trajectory is invariant to the order of
actors only when no two candidate exchanges tie.

Agreement with the peer: with ``PRESETS["decide-2022"]`` the two agree to 1e-13
until the peer meets an exact tie or an outcome lying exactly on a demander's
position. It decides both by the rounding error of its 28-digit decimal arithmetic
(ties are ordered by it, and the outcome counts as on one side or the other by it);
here a tie goes to the first candidate and such an outcome counts as on the position.
From there the trajectories part (by several points after ten rounds on cop21).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from realpolitik.budget import checkpoint
from realpolitik.models.exchange.options import PRESETS, ExchangeOptions
from realpolitik.models.exchange.trades import POSITION_TOLERANCE, WORKING_SCALE, exchange_round, expected_outcomes

#: Largest number of candidate exchanges per round accepted (about 250 bytes each).
MAX_CANDIDATES = 4_000_000


@dataclass(frozen=True)
class ExchangeRecord:
    """One executed exchange: ``actor_i`` moves its vote on ``issue_i`` toward ``actor_j``,
    which in return moves its vote on ``issue_j`` toward ``actor_i`` (indices into the inputs;
    positions on the issues' own scales)."""

    round: int
    order: int
    actor_i: int
    issue_i: int
    position_i_before: float
    position_i_after: float
    actor_j: int
    issue_j: int
    position_j_before: float
    position_j_after: float
    gain: float


@dataclass(frozen=True)
class ExchangeResult:
    """The whole trajectory of an exchange-model run (R rounds, N actors, K issues).

    ``positions[r]`` are the positions each round starts from (``positions[0]`` the input,
    NaN where an actor does not take part); ``voting_positions[r]`` the votes after the
    exchanges of round ``r + 1``; ``outcomes[0]`` the expected outcomes of the input and
    ``outcomes[r]`` those of round ``r``'s votes (the forecast after ``r`` rounds);
    ``exchanges[r]`` the exchanges of round ``r + 1`` in the order they were made;
    ``ties[r]`` how many exact ties between the two best exchanges round ``r + 1`` met.
    """

    positions: np.ndarray  # (R + 1, N, K)
    voting_positions: np.ndarray  # (R, N, K)
    outcomes: np.ndarray  # (R + 1, K)
    exchanges: list[list[ExchangeRecord]]
    ties: list[int]
    options: ExchangeOptions

    @property
    def forecast(self) -> np.ndarray:
        """The expected outcome per issue after the last round, shape (K,)."""
        return self.outcomes[-1]


def run_exchange(
    positions: np.ndarray,
    salience: np.ndarray,
    power: np.ndarray,
    scale_min: np.ndarray | float = 0.0,
    scale_max: np.ndarray | float = 100.0,
    options: ExchangeOptions | str | None = None,
    participates: np.ndarray | None = None,
) -> ExchangeResult:
    """Run the exchange model (see the module docstring for the model and its sources).

    ``positions``, ``salience`` (0..1) and ``power`` are (N, K) over N actors and K issues;
    an actor takes part in an issue where ``participates`` is true (default: where its
    position is not NaN). ``scale_min``/``scale_max`` are per issue (K,) or scalars.
    ``options`` is an :class:`ExchangeOptions`, a name from :data:`PRESETS`, or None for
    the defaults. Returns the whole trajectory as an :class:`ExchangeResult`.
    """
    if options is None:
        options = ExchangeOptions()
    elif isinstance(options, str):
        if options not in PRESETS:
            raise ValueError(f"unknown exchange preset '{options}' (known: {', '.join(PRESETS)})")
        options = PRESETS[options]
    working, salience, weight, taking_part, step, low = _working_inputs(
        positions, salience, power, scale_min, scale_max, participates)
    coin = random.Random(options.seed)
    trajectory, votes, outcomes, exchanges, ties = [working], [], [expected_outcomes(working, weight)], [], []
    for number in range(1, options.rounds + 1):
        checkpoint()  # a cancelled run stops here (see realpolitik.budget)
        start = trajectory[-1]
        voting, made, tie_count = exchange_round(start, salience, weight, taking_part, options, coin)
        votes.append(voting)
        outcomes.append(expected_outcomes(voting, weight))
        exchanges.append([_record(number, order, row, step, low) for order, row in enumerate(made)])
        ties.append(tie_count)
        if options.position_update == "voting_position":
            trajectory.append(voting)
        else:
            share = options.fixed_weight + options.salience_weight * (1.0 - salience)
            trajectory.append(np.where(voting != start, start + share * (voting - start), start))
    return ExchangeResult(
        positions=np.stack(trajectory) / step + low,
        voting_positions=np.stack(votes) / step + low if votes else np.empty((0, *working.shape)),
        outcomes=np.stack(outcomes) / step + low,
        exchanges=exchanges,
        ties=ties,
        options=options,
    )


def _working_inputs(positions, salience, power, scale_min, scale_max, participates):
    """Check the inputs; positions on the 0..100 working scale, weights ``power * salience``."""
    positions, salience, power = (np.array(values, dtype=float, ndmin=2) for values in (positions, salience, power))
    if positions.ndim != 2 or salience.shape != positions.shape or power.shape != positions.shape:
        raise ValueError(f"positions, salience and power must share one (N, K) shape; got {positions.shape}, "
                         f"{salience.shape} and {power.shape}")
    count, issues = positions.shape
    if issues * (issues - 1) / 2 * (count * count / 4) > MAX_CANDIDATES:
        raise ValueError(f"{count} actors on {issues} issues could make more than the {MAX_CANDIDATES} candidate "
                         "exchanges per round this model accepts")
    low = np.broadcast_to(np.asarray(scale_min, dtype=float), (issues,)).copy()
    high = np.broadcast_to(np.asarray(scale_max, dtype=float), (issues,)).copy()
    if not np.all(np.isfinite(low) & np.isfinite(high) & (low < high)):
        raise ValueError("every issue needs finite scale bounds with scale_min < scale_max")
    taking_part = ~np.isnan(positions) if participates is None else np.array(participates, dtype=bool)
    if taking_part.shape != positions.shape:
        raise ValueError(f"participates must have shape {positions.shape}")
    for name, values in (("positions", positions), ("salience", salience), ("power", power)):
        if not np.all(np.isfinite(values[taking_part])):
            raise ValueError(f"{name} must be finite wherever an actor takes part")
    if np.any(salience[taking_part] < 0) or np.any(salience[taking_part] > 1) or np.any(power[taking_part] < 0):
        raise ValueError("salience must lie in 0..1 and power must not be negative")
    step = WORKING_SCALE / (high - low)
    working = np.where(taking_part, (np.where(taking_part, positions, low) - low) * step, np.nan)
    inside = (working >= -POSITION_TOLERANCE) & (working <= WORKING_SCALE + POSITION_TOLERANCE)
    if not np.all(inside[taking_part]):
        raise ValueError("every position must lie within its issue's scale")
    salience = np.where(taking_part, salience, 0.0)
    return working, salience, np.where(taking_part, power * salience, 0.0), taking_part, step, low


def _record(number: int, order: int, made: tuple, step: np.ndarray, low: np.ndarray) -> ExchangeRecord:
    actor_i, issue_i, before_i, after_i, actor_j, issue_j, before_j, after_j, gain = made
    return ExchangeRecord(
        round=number, order=order,
        actor_i=int(actor_i), issue_i=int(issue_i),
        position_i_before=float(before_i / step[issue_i] + low[issue_i]),
        position_i_after=float(after_i / step[issue_i] + low[issue_i]),
        actor_j=int(actor_j), issue_j=int(issue_j),
        position_j_before=float(before_j / step[issue_j] + low[issue_j]),
        position_j_after=float(after_j / step[issue_j] + low[issue_j]),
        gain=float(gain),
    )

"""One round of the exchange model: list the candidate exchanges, then execute them best gain first.

See :mod:`realpolitik.models.exchange.kernel` for the model, its sources and the peer
(``decide-exchange-model`` 2022.1.28) whose operational details this follows. All
positions here are on the 0..100 working scale.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from realpolitik.models.exchange.options import ExchangeOptions

#: The working scale every issue is mapped to.
WORKING_SCALE = 100.0
#: An exchange whose gain is below this is not worth making.
MINIMUM_GAIN = 1e-10
#: A move no larger than this is no move.
MINIMUM_MOVE = 1e-10
#: Float guard for comparisons that are exact in the peer's decimal arithmetic.
POSITION_TOLERANCE = 1e-9
#: Two gains within this relative distance are an exact tie.
GAIN_TIE_TOLERANCE = 1e-11


def expected_outcomes(positions: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``O_k = Σ w x / Σ w`` per issue (NaN positions carry no weight); the plain mean where Σ w = 0."""
    present = ~np.isnan(positions)
    filled = np.where(present, positions, 0.0)
    total = weight.sum(axis=0)
    mean = filled.sum(axis=0) / np.maximum(present.sum(axis=0), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weight * filled).sum(axis=0) / np.where(total > 0, total, 1.0), mean)


@dataclass
class _Round:
    """One round's state: the candidate exchanges as parallel arrays, and what demanders see.

    Candidate ``e``: ``actor_i`` supplies ``issue_i`` (moving toward ``demand_j``, the
    position of ``actor_j`` there) and demands ``issue_j``; ``actor_j`` the reverse.
    ``seen_position[a, k, n]`` is where demander ``a`` has seen actor ``n`` vote on issue
    ``k`` this round after trading with it (NaN: not yet), and ``seen_numerator[a, k]``
    the numerator ``Σ w x`` of issue ``k``'s outcome counting those votes.
    """

    start: np.ndarray  # (N, K) round-start positions on the working scale
    weight: np.ndarray  # (N, K) power * salience
    total: np.ndarray  # (K,) Σ weight
    seen_position: np.ndarray  # (N, K, N)
    seen_numerator: np.ndarray  # (N, K)
    actor_i: np.ndarray
    issue_i: np.ndarray
    actor_j: np.ndarray
    issue_j: np.ndarray
    demand_i: np.ndarray  # actor_i's position on issue_j
    demand_j: np.ndarray  # actor_j's position on issue_i
    rate: np.ndarray  # Δ_i / Δ_j = (saliences on issue_j) / (saliences on issue_i)
    cross: np.ndarray  # gain per unit of Δ_j
    hold_at_demander: bool  # outcome_limit == "demander_position"
    supply_i: np.ndarray = field(init=False)
    supply_j: np.ndarray = field(init=False)
    move_i: np.ndarray = field(init=False)
    move_j: np.ndarray = field(init=False)
    vote_i: np.ndarray = field(init=False)
    vote_j: np.ndarray = field(init=False)
    gain: np.ndarray = field(init=False)
    valid: np.ndarray = field(init=False)
    # Earlier moves of the same exchange, kept when its supplier was moved by another
    # exchange: a supplier never reverses direction, and its moves add up to at most 100.
    earlier_min_i: np.ndarray = field(init=False)
    earlier_max_i: np.ndarray = field(init=False)
    earlier_sum_i: np.ndarray = field(init=False)
    earlier_min_j: np.ndarray = field(init=False)
    earlier_max_j: np.ndarray = field(init=False)
    earlier_sum_j: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        count = len(self.actor_i)
        self.supply_i = self.start[self.actor_i, self.issue_i].copy()
        self.supply_j = self.start[self.actor_j, self.issue_j].copy()
        for name in ("move_i", "move_j", "vote_i", "vote_j", "gain", "earlier_sum_i", "earlier_sum_j"):
            setattr(self, name, np.zeros(count))
        self.valid = np.zeros(count, dtype=bool)
        self.earlier_min_i, self.earlier_min_j = np.full(count, np.inf), np.full(count, np.inf)
        self.earlier_max_i, self.earlier_max_j = np.full(count, -np.inf), np.full(count, -np.inf)


def _candidates(start: np.ndarray, salience: np.ndarray, weight: np.ndarray, taking_part: np.ndarray,
                hold_at_demander: bool) -> _Round:
    """Every candidate exchange of a round, in the peer's order.

    For each issue pair (p, q), p before q: the actors taking part in both, split by side
    (left means ``x <= O``): right on both (A) with left on both (D), then left on p only (B)
    with left on q only (C), each in actor order. Of a pair, the actor with the larger
    ``s_p / s_q`` demands p and supplies q (ties: the actor listed first).
    """
    count, issues = start.shape
    outcome = expected_outcomes(start, weight)
    left = taking_part & (start <= outcome + POSITION_TOLERANCE)
    tradable = taking_part & (weight > 0)
    first, second, issue_p, issue_q = [], [], [], []
    actors = np.arange(count)
    for p in range(issues - 1):
        for q in range(p + 1, issues):
            both = tradable[:, p] & tradable[:, q]
            sides = left[:, p].astype(int) + 2 * left[:, q].astype(int)
            groups = [actors[both & (sides == side)] for side in range(4)]
            for one, other in ((groups[0], groups[3]), (groups[1], groups[2])):
                if len(one) and len(other):
                    a, b = np.meshgrid(one, other, indexing="ij")
                    first.append(a.ravel())
                    second.append(b.ravel())
                    issue_p.append(np.full(a.size, p))
                    issue_q.append(np.full(a.size, q))
    empty = np.zeros(0, dtype=int)
    first = np.concatenate(first) if first else empty
    second = np.concatenate(second) if second else empty
    issue_p = np.concatenate(issue_p) if issue_p else empty
    issue_q = np.concatenate(issue_q) if issue_q else empty
    # The first actor demands p unless the second values p relatively more.
    swap = salience[first, issue_p] * salience[second, issue_q] < salience[second, issue_p] * salience[first, issue_q]
    actor_i = np.where(swap, second, first)
    actor_j = np.where(swap, first, second)
    issue_i, issue_j = issue_q, issue_p
    salience_i_supply, salience_i_demand = salience[actor_i, issue_i], salience[actor_i, issue_j]
    salience_j_supply, salience_j_demand = salience[actor_j, issue_j], salience[actor_j, issue_i]
    on_issue_i = salience_i_supply + salience_j_demand
    on_issue_j = salience_i_demand + salience_j_supply
    rate = on_issue_j / on_issue_i
    cross = np.abs(salience_i_demand * salience_j_demand - salience_i_supply * salience_j_supply) / on_issue_i
    numerator = np.nansum(weight * np.where(taking_part, start, 0.0), axis=0)
    state = _Round(
        start=start, weight=weight, total=weight.sum(axis=0),
        seen_position=np.full((count, issues, count), np.nan),
        seen_numerator=np.repeat(numerator[None, :], count, axis=0),
        actor_i=actor_i, issue_i=issue_i, actor_j=actor_j, issue_j=issue_j,
        demand_i=start[actor_i, issue_j], demand_j=start[actor_j, issue_i], rate=rate, cross=cross,
        hold_at_demander=hold_at_demander,
    )
    _evaluate(state, np.arange(len(actor_i)))
    return state


def _move_is_valid(move, supply, earlier_min, earlier_max, earlier_sum) -> np.ndarray:
    """A move is made when it is not negligible, stays on the scale, keeps the direction of the
    exchange's earlier moves and, with them, adds up to at most the width of the scale."""
    size = np.abs(move)
    lowest, highest = np.minimum(earlier_min, move), np.maximum(earlier_max, move)
    return ((size > MINIMUM_MOVE) & (size <= WORKING_SCALE + POSITION_TOLERANCE)
            & (supply + move >= -POSITION_TOLERANCE) & (supply + move <= WORKING_SCALE + POSITION_TOLERANCE)
            & (earlier_sum + move <= WORKING_SCALE + POSITION_TOLERANCE)
            & (((lowest < 0) & (highest < 0)) | ((lowest > 0) & (highest > 0))))


def _evaluate(state: _Round, ids: np.ndarray) -> None:
    """(Re)compute the equal-gain moves, gains and validity of candidates ``ids``."""
    if len(ids) == 0:
        return
    s = state
    actor_i, issue_i, actor_j, issue_j = s.actor_i[ids], s.issue_i[ids], s.actor_j[ids], s.issue_j[ids]
    weight_i, weight_j = s.weight[actor_i, issue_i], s.weight[actor_j, issue_j]
    total_i, total_j = s.total[issue_i], s.total[issue_j]
    supply_i, supply_j = s.supply_i[ids], s.supply_j[ids]
    target_i, target_j = s.demand_j[ids], s.demand_i[ids]  # where each supplier moves toward
    rate, cross = s.rate[ids], s.cross[ids]
    distance_i, distance_j = np.abs(target_i - supply_i), np.abs(target_j - supply_j)
    # j moves all the way; i's move follows from the equal-gain rate ...
    shift_j = distance_j * weight_j / total_j
    size_i = shift_j * rate * total_i / weight_i
    # ... unless that takes i past j's position: then i moves all the way instead.
    i_whole = size_i > distance_i
    shift_j = np.where(i_whole, distance_i * weight_i / total_i / rate, shift_j)
    size_i = np.where(i_whole, distance_i, size_i)
    size_j = np.where(i_whole, shift_j * total_j / weight_j, distance_j)
    direction_i = np.where(supply_i > target_i, -1.0, 1.0)
    direction_j = np.where(supply_j > target_j, -1.0, 1.0)
    move_i, move_j = direction_i * size_i, direction_j * size_j
    vote_i = np.where(i_whole, target_i, supply_i + move_i)
    vote_j = np.where(i_whole, supply_j + move_j, target_j)
    gain = shift_j * cross
    valid = (gain >= MINIMUM_GAIN) & _validity(s, ids, move_i, move_j)
    # The outcome must not cross the demander's position: first on i's supply issue, then on j's.
    for side in ("i", "j"):
        checked = np.flatnonzero(valid)
        if len(checked) == 0:
            break
        if side == "i":
            demander, supplier, issue = actor_j[checked], actor_i[checked], issue_i[checked]
            supply, vote, target = supply_i[checked], vote_i[checked], target_i[checked]
            weight, total = weight_i[checked], total_i[checked]
        else:
            demander, supplier, issue = actor_i[checked], actor_j[checked], issue_j[checked]
            supply, vote, target = supply_j[checked], vote_j[checked], target_j[checked]
            weight, total = weight_j[checked], total_j[checked]
        seen = s.seen_position[demander, issue, supplier]
        counted = np.where(np.isnan(seen), s.start[supplier, issue], seen)
        numerator = s.seen_numerator[demander, issue] - weight * counted
        # Signed distances of the demander's position from the outcome before and after the move;
        # distances within the float guard are exactly zero (as they are in exact arithmetic).
        before = target - (numerator + weight * supply) / total
        after = target - (numerator + weight * vote) / total
        before = np.where(np.abs(before) <= POSITION_TOLERANCE, 0.0, before)
        after = np.where(np.abs(after) <= POSITION_TOLERANCE, 0.0, after)
        crossing = ((before > 0) & (after < 0)) | ((before < 0) & (after > 0))
        if s.hold_at_demander:  # an outcome already on the demander's position stays there
            crossing |= (before == 0) & (after != 0)
        if not crossing.any():
            continue
        rows = checked[crossing]
        # Shorten the move so that the outcome lands on the target. The peer counts the supplier
        # where the demander last recorded its vote, which need not be where it now stands.
        reference = supply if s.hold_at_demander else np.where(np.isnan(seen), supply, seen)
        reference = reference[crossing]
        size = np.abs(target[crossing] * total[crossing] - numerator[crossing] - weight[crossing] * reference) \
            / weight[crossing]
        shift = size * weight[crossing] / total[crossing]
        if side == "i":
            shift_j[rows] = shift / rate[rows]
            size_i_new, size_j_new = size, shift_j[rows] * total_j[rows] / weight_j[rows]
        else:
            shift_j[rows] = shift
            size_i_new, size_j_new = shift * rate[rows] * total_i[rows] / weight_i[rows], size
        move_i[rows], move_j[rows] = direction_i[rows] * size_i_new, direction_j[rows] * size_j_new
        vote_i[rows], vote_j[rows] = supply_i[rows] + move_i[rows], supply_j[rows] + move_j[rows]
        gain[rows] = shift_j[rows] * cross[rows]
    checked = np.flatnonzero(valid)
    valid[checked] = _validity(s, ids[checked], move_i[checked], move_j[checked])
    s.move_i[ids], s.move_j[ids], s.vote_i[ids], s.vote_j[ids] = move_i, move_j, vote_i, vote_j
    s.gain[ids], s.valid[ids] = gain, valid


def _validity(s: _Round, ids: np.ndarray, move_i: np.ndarray, move_j: np.ndarray) -> np.ndarray:
    return (_move_is_valid(move_i, s.supply_i[ids], s.earlier_min_i[ids], s.earlier_max_i[ids], s.earlier_sum_i[ids])
            & _move_is_valid(move_j, s.supply_j[ids], s.earlier_min_j[ids], s.earlier_max_j[ids],
                             s.earlier_sum_j[ids]))


def _sorted_by_gain(gain: np.ndarray, queue: np.ndarray) -> np.ndarray:
    """The queue by gain, highest first; exchanges of equal gain keep their queue order.

    Gains within :data:`GAIN_TIE_TOLERANCE` of each other count as equal, so that gains
    equal in exact arithmetic stay tied in floating point.
    """
    values = gain[queue]
    order = np.argsort(-values, kind="stable")
    ranked = values[order]
    gap = (ranked[:-1] - ranked[1:]) > GAIN_TIE_TOLERANCE * np.maximum(np.abs(ranked[:-1]), 1e-3)
    cluster = np.concatenate(([0], np.cumsum(gap)))
    return queue[order[np.lexsort((order, cluster))]]


def _tied(best: float, runner_up: float) -> bool:
    return best - runner_up <= GAIN_TIE_TOLERANCE * max(abs(best), 1e-3)


def exchange_round(start, salience, weight, taking_part, options: ExchangeOptions, coin: random.Random):
    """One round: execute exchanges, best gain first, until none is left; return the votes."""
    s = _candidates(start, salience, weight, taking_part, options.outcome_limit == "demander_position")
    queue = np.arange(len(s.actor_i))  # may hold an exchange twice under coin_flip, as the peer's list does
    made, records, ties = [], [], 0
    while len(queue):
        queue = _sorted_by_gain(s.gain, queue)
        chosen, queue = queue[0], queue[1:]
        if options.tie_break == "coin_flip" and len(queue) and _tied(s.gain[chosen], s.gain[queue[0]]):
            ties += 1
            if coin.random() >= 0.5:  # the runner-up goes first; the winner waits at the back
                chosen, queue = queue[0], np.append(queue[1:], chosen)
            else:  # the winner goes first; the peer also queues the runner-up a second time
                queue = np.append(queue, queue[0])
        if not s.valid[chosen]:
            continue
        made.append(chosen)
        records.append((s.actor_i[chosen], s.issue_i[chosen], s.supply_i[chosen], s.vote_i[chosen],
                        s.actor_j[chosen], s.issue_j[chosen], s.supply_j[chosen], s.vote_j[chosen],
                        s.gain[chosen]))
        queue = _after_exchange(s, chosen, queue)
    voting = start.copy()
    for chosen in made:
        voting[s.actor_i[chosen], s.issue_i[chosen]] = s.vote_i[chosen]
        voting[s.actor_j[chosen], s.issue_j[chosen]] = s.vote_j[chosen]
    return voting, records, ties


def seen_vote(before: float, origin: float, vote: float, hold_at_demander: bool) -> tuple[float, float]:
    """``(seen, counted)``: the mover's position a demander counts once it has obtained the vote ``vote``,
    and the one it counted until now. ``before`` is the vote it recorded earlier (NaN: none, so it counted
    the mover's start ``origin``). With ``hold_at_demander`` (outcome_limit="demander_position") it counts
    the new vote; otherwise, as the peer does (outcome_limit="decide_2022"), of the new vote and the one
    recorded before, the one nearer the mover's start."""
    if np.isnan(before):
        return vote, origin
    if hold_at_demander:
        return vote, before
    return (min(before, vote) if origin <= before else max(before, vote)), before


def _see(s: _Round, demander: int, issue: int, mover: int, vote: float) -> None:
    """Demander has obtained mover's vote ``vote`` on issue: it counts :func:`seen_vote` from now on."""
    before = s.seen_position[demander, issue, mover]
    seen, counted = seen_vote(before, s.start[mover, issue], vote, s.hold_at_demander)
    s.seen_numerator[demander, issue] += s.weight[mover, issue] * (seen - counted)
    s.seen_position[demander, issue, mover] = seen


def move_supplier(s: _Round, role: str, ids: np.ndarray, supply: np.ndarray) -> None:
    """Candidates ``ids`` whose supplier ``role`` ("i" or "j") was moved by an executed exchange: it
    starts from ``supply`` now, and the move computed so far joins the earlier moves."""
    current = getattr(s, f"move_{role}")[ids]
    lowest, highest = getattr(s, f"earlier_min_{role}"), getattr(s, f"earlier_max_{role}")
    lowest[ids] = np.minimum(lowest[ids], current)
    highest[ids] = np.maximum(highest[ids], current)
    getattr(s, f"earlier_sum_{role}")[ids] += current
    getattr(s, f"supply_{role}")[ids] = supply


def _after_exchange(s: _Round, done: int, queue: np.ndarray) -> np.ndarray:
    """Recompute the queued exchanges that ``done`` touched and drop those no longer valid.

    Touched: an exchange whose supplier is one of ``done``'s suppliers on the same issue
    (it now starts from the new vote, and its earlier move is kept for the direction
    check), or whose demander on an issue is ``done``'s demander there (the outcome it
    sees has moved). An exchange queued twice is recomputed twice, as in the peer.
    """
    actor_i, issue_i, actor_j, issue_j = s.actor_i[done], s.issue_i[done], s.actor_j[done], s.issue_j[done]
    _see(s, actor_j, issue_i, actor_i, s.vote_i[done])
    _see(s, actor_i, issue_j, actor_j, s.vote_j[done])
    unique, counts = np.unique(queue, return_counts=True)
    ai, qi, aj, qj = s.actor_i[unique], s.issue_i[unique], s.actor_j[unique], s.issue_j[unique]
    new_supply_i = np.where((ai == actor_i) & (qi == issue_i), s.vote_i[done],
                            np.where((ai == actor_j) & (qi == issue_j), s.vote_j[done], np.nan))
    new_supply_j = np.where((aj == actor_i) & (qj == issue_i), s.vote_i[done],
                            np.where((aj == actor_j) & (qj == issue_j), s.vote_j[done], np.nan))
    same_demand = (((aj == actor_j) & (qi == issue_i)) | ((ai == actor_j) & (qj == issue_i))
                   | ((aj == actor_i) & (qi == issue_j)) | ((ai == actor_i) & (qj == issue_j)))
    moved_i, moved_j = ~np.isnan(new_supply_i), ~np.isnan(new_supply_j)
    touched = moved_i | moved_j | same_demand
    alive = s.valid[unique].copy()
    surviving = np.zeros(len(unique), dtype=int)
    visit = 1
    while True:
        visiting = alive & (counts >= visit)
        if not visiting.any():
            break
        for moved, new_supply, role in ((moved_i, new_supply_i, "i"), (moved_j, new_supply_j, "j")):
            rows = visiting & moved
            move_supplier(s, role, unique[rows], new_supply[rows])
        _evaluate(s, unique[visiting & touched])
        alive = visiting & s.valid[unique]
        surviving += alive
        visit += 1
    if counts.max(initial=1) == 1:
        return queue[s.valid[queue]] if len(queue) else queue
    allowed = dict(zip(unique.tolist(), surviving.tolist()))
    seen: dict[int, int] = {}
    kept = []
    for entry in queue.tolist():
        seen[entry] = seen.get(entry, 0) + 1
        if seen[entry] <= allowed[entry]:
            kept.append(entry)
    return np.array(kept, dtype=int)

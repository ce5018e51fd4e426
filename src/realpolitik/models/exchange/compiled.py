"""The rounds of the exchange model, compiled: one table at a time, with the kernel's arithmetic.

:func:`run_draws` runs every round of :func:`realpolitik.models.exchange.kernel.run_exchange`
on each table of a batch (a Monte Carlo draw or a lever step). A round, as
:func:`realpolitik.models.exchange.trades.exchange_round` makes it:

1. the expected outcomes ``O_k = Σ w x / Σ w`` (``w = c s``) of the round's start, each
   participant left (``x <= O_k``) or right of them, and the candidate exchanges in the
   kernel's order (issue pairs ``p < q``; right on both with left on both, then left on ``p``
   only with left on ``q`` only; then actors in order), the actor with the larger ``s_p / s_q``
   demanding ``p``;
2. every candidate's equal-gain moves, gain and validity
   (:func:`realpolitik.models.exchange.trades._evaluate`: ``Δ_q = Δ_p (s_ip + s_jp) / (s_iq +
   s_jq)``, the larger move capped at the partner's position, the outcome a demander sees kept
   from crossing its position, a supplier never reversing and moving at most 100 in all);
3. step by step, the exchange of highest gain executed, what its demanders see updated
   (:func:`~realpolitik.models.exchange.trades._see`), and the candidates it touched moved
   (:func:`~realpolitik.models.exchange.trades.move_supplier`) and evaluated again: those whose
   supplier is one of its suppliers on the same issue, and those whose demander on an issue is
   its demander there. They are found through an index of the round's candidates by supplier
   and by demander (``actor x K + issue``), not by a scan.

Each expression is written as the kernel's numpy expression is, in the same order, and divides
as numpy does (``error_model="numpy"``: no test for a zero divisor, which a candidate never has,
its traders having positive weight and salience), so the numbers are the kernel's to the last
bit; the tests compare with the kernel draw by draw.

**Ties.** The kernel keeps a queue sorted by gain each step, gains within
:data:`~realpolitik.models.exchange.trades.GAIN_TIE_TOLERANCE` of each other (relative, chained)
counting as equal and kept in queue order (or settled by a coin). Without such a tie its
choice is the valid exchange of highest gain, whatever the queue order. Each step here takes
that exchange, unless another queued exchange lies within ``2 E GAIN_TIE_TOLERANCE max(g, 1e-3)``
of it (``E`` the round's candidates, ``g`` the highest queued gain: wider than any chain of
ties the kernel's queue can hold). Such a near-tie makes the round run again in the kernel's
own queue order (``tie_break="enumeration_order"``: the queue re-sorted each step, stable, ties
by their place in it) or, where a coin would decide (``"coin_flip"``), marks the table for the
kernel itself. With a coin, exchanges not valid are counted too until the round's first
exchange (the kernel's queue still holds them, and a tie between them costs a coin).

**Why compiled.** On ukraine-2025-03 (13 actors, 6 issues: about 220 candidate exchanges and
40 exchanges a round, 10 rounds) the kernel takes about 120 ms a table, and the numpy batch
that ran the draws in lockstep 9.1 s for 1000 Monte Carlo draws and 5.2 s for the 396 tables
of the lever sweep: every step of a round paid numpy's overhead on small arrays. Compiled,
the same take 0.65 s and 0.36 s (a 2-core x86-64 server shared with other work, one thread;
``benchmarks/compiled_batch.py --model exchange``, ``benchmarks/results/exchange_batch.json``). A process pays
numba's start once, about 0.4 s with its cache filled (and about 17 s to compile into an empty
one). The functions release the GIL (``nogil``), so callers' threads run batches side by side;
they use no parallel layer of numba's own, which is not safe to enter from several threads at
once.
"""

from __future__ import annotations

from collections import namedtuple

import numba
import numpy as np

from realpolitik.models.exchange.trades import (
    GAIN_TIE_TOLERANCE,
    MINIMUM_GAIN,
    MINIMUM_MOVE,
    POSITION_TOLERANCE,
    WORKING_SCALE,
    seen_vote,
)

#: What a round met: no near-tie; a near-tie, the round run again in queue order; a near-tie a coin decides.
CLEAR, QUEUE_ORDER, COIN = 0, 1, 2
#: Floor of the scale of :data:`GAIN_TIE_TOLERANCE` (as in the kernel's tie test).
GAIN_FLOOR = 1e-3

# Rows of Round.who, per candidate: actor_i supplies issue_i and demands issue_j, actor_j the reverse.
ACTOR_I, ISSUE_I, ACTOR_J, ISSUE_J = 0, 1, 2, 3
# Rows of Round.real, per candidate; a pair of rows per trader, row + 0 for i and row + 1 for j.
TARGET = 0  # where the supplier moves toward: j's position on issue_i, i's on issue_j
SUPPLY = 2  # where it starts from (its round-start position, or a vote it gave since)
MOVE = 4  # its move, signed
VOTE = 6  # its vote after the move
EARLIER_MIN, EARLIER_MAX, EARLIER_SUM = 8, 10, 12  # the exchange's earlier moves of that supplier
RATE = 14  # Δ_i / Δ_j = (saliences on issue_j) / (saliences on issue_i)
CROSS = 15  # gain per unit of Δ_j
GAIN = 16
REALS = 17
# Rows of Round.flags.
VALID, QUEUED = 0, 1
# Rows of Round.table (N, K): round-start positions, weights power x salience, and per demander
# and issue the numerator Σ w x of the outcome it sees.
START, WEIGHT, SEEN_NUMERATOR = 0, 1, 2
# Rows of Round.work: when a candidate was last touched, the candidates touched, the queue, queue places.
STAMP, TOUCHED, QUEUE, PLACE = 0, 1, 2, 3
# Rows of Round.index_start and Round.index: candidates by supplier key, by demander key.
BY_SUPPLIER, BY_DEMANDER = 0, 1

#: One round's state (the kernel's ``_Round``), as a few packed arrays: the candidates (``who``,
#: ``real``, ``flags``, columns ``(·, E)``), the table (``table``, ``total (K,)``), what demanders saw
#: (``seen_position[a, k, n]``: where demander ``a`` saw actor ``n`` vote on issue ``k`` this round,
#: NaN: not yet), the candidates by supplier and by demander key ``actor x K + issue`` (``index[r,
#: index_start[r, key] : index_start[r, key + 1]]``), scratch rows (``work``) and
#: ``hold_at_demander`` (``outcome_limit == "demander_position"``). Few arrays, because numba counts
#: references to each array a call passes.
Round = namedtuple("Round", ["who", "real", "flags", "table", "total", "seen_position", "index_start", "index",
                             "work", "hold_at_demander"])

#: :func:`~realpolitik.models.exchange.trades.seen_vote`, compiled (one rule for both engines).
_seen_vote = numba.njit(cache=True, nogil=True, error_model="numpy")(seen_vote)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def capacity(actors, issues):
    """Most candidate exchanges a round can list: ``K (K - 1) / 2`` issue pairs, at most ``N² / 4`` actor
    pairs each (``a d + b c <= (a + b + c + d)² / 4`` over the four sides)."""
    return max(1, issues * (issues - 1) // 2 * (actors * actors // 4))


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _new_round(actors, issues, hold_at_demander):
    size = capacity(actors, issues)
    return Round(np.empty((4, size), np.int64), np.empty((REALS, size)), np.zeros((2, size), np.bool_),
                 np.empty((3, actors, issues)), np.empty(issues), np.empty((actors, issues, actors)),
                 np.empty((2, actors * issues + 1), np.int64), np.empty((2, 2 * size), np.int64),
                 np.zeros((4, size), np.int64), hold_at_demander)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def expected_outcomes(positions, weight, out):
    """:func:`realpolitik.models.exchange.trades.expected_outcomes` of one table ``(N, K)`` into ``out (K,)``:
    ``O_k = Σ w x / Σ w`` over the participants (NaN positions), the plain mean where ``Σ w = 0``."""
    actors, issues = positions.shape
    for k in range(issues):
        total = 0.0
        weighted = 0.0
        plain = 0.0
        present = 0
        for n in range(actors):
            x = positions[n, k]
            filled = 0.0 if np.isnan(x) else x
            total += weight[n, k]
            weighted += weight[n, k] * filled
            plain += filled
            present += 0 if np.isnan(x) else 1
        out[k] = weighted / total if total > 0 else plain / max(present, 1)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _list_candidates(s, start, salience, weight, taking_part):
    """The round's candidates in the kernel's order (:func:`realpolitik.models.exchange.trades._candidates`),
    each evaluated, and the index by supplier and demander; returns their number ``E``.

    For each issue pair (p, q), p before q: the actors taking part in both with weight, split by side
    (left: ``x <= O``), right on both with left on both, then left on p only with left on q only, each
    in actor order. Of a pair, the actor with the larger ``s_p / s_q`` demands p and supplies q (ties:
    the actor listed first); ``rate = (s_i,p + s_j,p) / (s_i,q + s_j,q)`` and ``cross = |s_i,p s_j,q -
    s_i,q s_j,p| / (s_i,q + s_j,q)``, with i the supplier of q.
    """
    who, real, table, total = s.who, s.real, s.table, s.total
    actors, issues = start.shape
    outcome = np.empty(issues)
    expected_outcomes(start, weight, outcome)
    for k in range(issues):
        sum_weight = 0.0
        numerator = 0.0
        for n in range(actors):
            table[START, n, k] = start[n, k]
            table[WEIGHT, n, k] = weight[n, k]
            sum_weight += weight[n, k]
            numerator += weight[n, k] * (start[n, k] if taking_part[n, k] else 0.0)
        total[k] = sum_weight
        for a in range(actors):
            table[SEEN_NUMERATOR, a, k] = numerator
    s.seen_position[:, :, :] = np.nan
    members = np.empty((4, actors), np.int64)  # per side (left on p + 2 x left on q), its actors in order
    sizes = np.empty(4, np.int64)
    count = 0
    for p in range(issues - 1):
        for q in range(p + 1, issues):
            sizes[:] = 0
            for n in range(actors):
                if taking_part[n, p] and taking_part[n, q] and weight[n, p] > 0 and weight[n, q] > 0:
                    side = (int(start[n, p] <= outcome[p] + POSITION_TOLERANCE)
                            + 2 * int(start[n, q] <= outcome[q] + POSITION_TOLERANCE))
                    members[side, sizes[side]] = n
                    sizes[side] += 1
            for one, other in ((0, 3), (1, 2)):
                for a in range(sizes[one]):
                    first = members[one, a]
                    for b in range(sizes[other]):
                        second = members[other, b]
                        if salience[first, p] * salience[second, q] < salience[second, p] * salience[first, q]:
                            actor_i, actor_j = second, first
                        else:
                            actor_i, actor_j = first, second
                        issue_i, issue_j = q, p
                        salience_i_supply, salience_i_demand = salience[actor_i, issue_i], salience[actor_i, issue_j]
                        salience_j_supply, salience_j_demand = salience[actor_j, issue_j], salience[actor_j, issue_i]
                        on_issue_i = salience_i_supply + salience_j_demand
                        on_issue_j = salience_i_demand + salience_j_supply
                        who[ACTOR_I, count], who[ISSUE_I, count] = actor_i, issue_i
                        who[ACTOR_J, count], who[ISSUE_J, count] = actor_j, issue_j
                        real[RATE, count] = on_issue_j / on_issue_i
                        real[CROSS, count] = abs(salience_i_demand * salience_j_demand
                                                 - salience_i_supply * salience_j_supply) / on_issue_i
                        real[TARGET, count] = start[actor_j, issue_i]
                        real[TARGET + 1, count] = start[actor_i, issue_j]
                        real[SUPPLY, count] = start[actor_i, issue_i]
                        real[SUPPLY + 1, count] = start[actor_j, issue_j]
                        for role in range(2):
                            real[EARLIER_MIN + role, count] = np.inf
                            real[EARLIER_MAX + role, count] = -np.inf
                            real[EARLIER_SUM + role, count] = 0.0
                        count += 1
    work = s.work
    for e in range(count):
        work[STAMP, e] = 0
        work[TOUCHED, e] = e
        s.flags[QUEUED, e] = True
    _evaluate(s, work[TOUCHED], count)
    _index(s, count, actors, issues)
    return count


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _index(s, count, actors, issues):
    """Candidates by supplier key (``actor_i x K + issue_i`` and ``actor_j x K + issue_j``) and by demander
    key (``actor_j x K + issue_i`` and ``actor_i x K + issue_j``), each as offsets and entries (CSR)."""
    who, index_start, index = s.who, s.index_start, s.index
    keys = actors * issues
    index_start[:, :] = 0
    for e in range(count):
        for row, first, second in ((BY_SUPPLIER, ISSUE_I, ISSUE_J), (BY_DEMANDER, ISSUE_J, ISSUE_I)):
            index_start[row, who[ACTOR_I, e] * issues + who[first, e] + 1] += 1
            index_start[row, who[ACTOR_J, e] * issues + who[second, e] + 1] += 1
    for row in range(2):
        for key in range(keys):
            index_start[row, key + 1] += index_start[row, key]
    filled = index_start[:, :keys].copy()
    for e in range(count):
        for row, first, second in ((BY_SUPPLIER, ISSUE_I, ISSUE_J), (BY_DEMANDER, ISSUE_J, ISSUE_I)):
            for key in (who[ACTOR_I, e] * issues + who[first, e], who[ACTOR_J, e] * issues + who[second, e]):
                index[row, filled[row, key]] = e
                filled[row, key] += 1


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _move_is_valid(move, supply, earlier_min, earlier_max, earlier_sum):
    """:func:`realpolitik.models.exchange.trades._move_is_valid`: not negligible, on the scale, in the
    direction of the earlier moves and, with them, at most the width of the scale."""
    size = abs(move)
    lowest, highest = min(earlier_min, move), max(earlier_max, move)
    return ((size > MINIMUM_MOVE) and (size <= WORKING_SCALE + POSITION_TOLERANCE)
            and (supply + move >= -POSITION_TOLERANCE) and (supply + move <= WORKING_SCALE + POSITION_TOLERANCE)
            and (earlier_sum + move <= WORKING_SCALE + POSITION_TOLERANCE)
            and ((lowest < 0 and highest < 0) or (lowest > 0 and highest > 0)))


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _evaluate(s, ids, count):
    """:func:`realpolitik.models.exchange.trades._evaluate` of candidates ``ids[:count]``: the equal-gain
    moves (``j`` all the way to ``i``'s position, or ``i`` all the way where that would take ``i`` past
    ``j``'s), the gain ``Δ_j x cross``, the outcome each demander sees kept from crossing its position
    (first on ``i``'s supply issue, then on ``j``'s: the move shortened to land it there, the partner's
    scaled by the rate), and validity."""
    who, real, flags, table, total, seen_position = s.who, s.real, s.flags, s.table, s.total, s.seen_position
    hold_at_demander = s.hold_at_demander
    for at in range(count):
        e = ids[at]
        actor_i, issue_i, actor_j, issue_j = who[ACTOR_I, e], who[ISSUE_I, e], who[ACTOR_J, e], who[ISSUE_J, e]
        weight_i, weight_j = table[WEIGHT, actor_i, issue_i], table[WEIGHT, actor_j, issue_j]
        total_i, total_j = total[issue_i], total[issue_j]
        supply_i, supply_j = real[SUPPLY, e], real[SUPPLY + 1, e]
        target_i, target_j = real[TARGET, e], real[TARGET + 1, e]
        rate, cross = real[RATE, e], real[CROSS, e]
        distance_i, distance_j = abs(target_i - supply_i), abs(target_j - supply_j)
        # j moves all the way; i's move follows from the equal-gain rate ...
        shift_j = distance_j * weight_j / total_j
        size_i = shift_j * rate * total_i / weight_i
        # ... unless that takes i past j's position: then i moves all the way instead.
        i_whole = size_i > distance_i
        if i_whole:
            shift_j = distance_i * weight_i / total_i / rate
            size_i = distance_i
            size_j = shift_j * total_j / weight_j
        else:
            size_j = distance_j
        direction_i = -1.0 if supply_i > target_i else 1.0
        direction_j = -1.0 if supply_j > target_j else 1.0
        move_i, move_j = direction_i * size_i, direction_j * size_j
        vote_i = target_i if i_whole else supply_i + move_i
        vote_j = supply_j + move_j if i_whole else target_j
        gain = shift_j * cross
        earlier_min_i, earlier_max_i, earlier_sum_i = real[EARLIER_MIN, e], real[EARLIER_MAX, e], real[EARLIER_SUM, e]
        earlier_min_j, earlier_max_j = real[EARLIER_MIN + 1, e], real[EARLIER_MAX + 1, e]
        earlier_sum_j = real[EARLIER_SUM + 1, e]
        valid = (gain >= MINIMUM_GAIN
                 and _move_is_valid(move_i, supply_i, earlier_min_i, earlier_max_i, earlier_sum_i)
                 and _move_is_valid(move_j, supply_j, earlier_min_j, earlier_max_j, earlier_sum_j))
        if valid:
            for role in range(2):  # i's supply issue (demanded by j), then j's (demanded by i)
                if role == 0:
                    demander, supplier, issue = actor_j, actor_i, issue_i
                    supply, vote, target, weight, sum_weight = supply_i, vote_i, target_i, weight_i, total_i
                else:
                    demander, supplier, issue = actor_i, actor_j, issue_j
                    supply, vote, target, weight, sum_weight = supply_j, vote_j, target_j, weight_j, total_j
                seen = seen_position[demander, issue, supplier]
                counted = table[START, supplier, issue] if np.isnan(seen) else seen
                numerator = table[SEEN_NUMERATOR, demander, issue] - weight * counted
                # Signed distances of the demander's position from the outcome before and after the move;
                # within the float guard exactly zero (as they are in exact arithmetic).
                before = target - (numerator + weight * supply) / sum_weight
                after = target - (numerator + weight * vote) / sum_weight
                if abs(before) <= POSITION_TOLERANCE:
                    before = 0.0
                if abs(after) <= POSITION_TOLERANCE:
                    after = 0.0
                crossing = (before > 0 and after < 0) or (before < 0 and after > 0)
                if hold_at_demander and before == 0 and after != 0:  # an outcome on the position stays there
                    crossing = True
                if not crossing:
                    continue
                # Shorten the move so that the outcome lands on the target; the peer counts the supplier
                # where the demander last recorded its vote.
                reference = supply if (hold_at_demander or np.isnan(seen)) else seen
                size = abs(target * sum_weight - numerator - weight * reference) / weight
                shift = size * weight / sum_weight
                if role == 0:
                    shift_j = shift / rate
                    size_i, size_j = size, shift_j * total_j / weight_j
                else:
                    shift_j = shift
                    size_i, size_j = shift * rate * total_i / weight_i, size
                move_i, move_j = direction_i * size_i, direction_j * size_j
                vote_i, vote_j = supply_i + move_i, supply_j + move_j
                gain = shift_j * cross
            valid = (_move_is_valid(move_i, supply_i, earlier_min_i, earlier_max_i, earlier_sum_i)
                     and _move_is_valid(move_j, supply_j, earlier_min_j, earlier_max_j, earlier_sum_j))
        real[MOVE, e], real[MOVE + 1, e] = move_i, move_j
        real[VOTE, e], real[VOTE + 1, e] = vote_i, vote_j
        real[GAIN, e] = gain
        flags[VALID, e] = valid


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _execute(s, done, clock, voting):
    """Execute candidate ``done`` (no longer queued) as step ``clock`` (1, 2, ... in the round): its votes,
    what its demanders see, and the queued valid candidates it touched moved and evaluated again
    (:func:`realpolitik.models.exchange.trades._after_exchange` on a queue without repeats, with
    :func:`~realpolitik.models.exchange.trades._see` and :func:`~realpolitik.models.exchange.trades.move_supplier`);
    those no longer valid leave the queue."""
    who, real, flags, index_start, index, work = s.who, s.real, s.flags, s.index_start, s.index, s.work
    table, seen_position = s.table, s.seen_position
    issues = s.total.shape[0]
    actor_i, issue_i, actor_j, issue_j = who[ACTOR_I, done], who[ISSUE_I, done], who[ACTOR_J, done], who[ISSUE_J, done]
    vote_i, vote_j = real[VOTE, done], real[VOTE + 1, done]
    voting[actor_i, issue_i] = vote_i
    voting[actor_j, issue_j] = vote_j
    # Each demander counts the vote it obtained from now on (trades._see, trades.seen_vote).
    for demander, issue, mover, vote in ((actor_j, issue_i, actor_i, vote_i), (actor_i, issue_j, actor_j, vote_j)):
        seen, counted = _seen_vote(seen_position[demander, issue, mover], table[START, mover, issue], vote,
                                   s.hold_at_demander)
        table[SEEN_NUMERATOR, demander, issue] += table[WEIGHT, mover, issue] * (seen - counted)
        seen_position[demander, issue, mover] = seen
    touched = 0
    # Candidates supplying where done's suppliers did start from the new votes, their moves so far kept.
    for key, vote in ((actor_i * issues + issue_i, vote_i), (actor_j * issues + issue_j, vote_j)):
        for entry in range(index_start[BY_SUPPLIER, key], index_start[BY_SUPPLIER, key + 1]):
            e = index[BY_SUPPLIER, entry]
            if not (flags[QUEUED, e] and flags[VALID, e]):
                continue
            role = 0 if who[ACTOR_I, e] * issues + who[ISSUE_I, e] == key else 1
            current = real[MOVE + role, e]
            real[EARLIER_MIN + role, e] = min(real[EARLIER_MIN + role, e], current)
            real[EARLIER_MAX + role, e] = max(real[EARLIER_MAX + role, e], current)
            real[EARLIER_SUM + role, e] += current
            real[SUPPLY + role, e] = vote
            if work[STAMP, e] != clock:
                work[STAMP, e] = clock
                work[TOUCHED, touched] = e
                touched += 1
    # Candidates demanding where done's demanders did: the outcome they see has moved.
    for key in (actor_j * issues + issue_i, actor_i * issues + issue_j):
        for entry in range(index_start[BY_DEMANDER, key], index_start[BY_DEMANDER, key + 1]):
            e = index[BY_DEMANDER, entry]
            if flags[QUEUED, e] and flags[VALID, e] and work[STAMP, e] != clock:
                work[STAMP, e] = clock
                work[TOUCHED, touched] = e
                touched += 1
    _evaluate(s, work[TOUCHED], touched)
    for at in range(touched):
        e = work[TOUCHED, at]
        if not flags[VALID, e]:
            flags[QUEUED, e] = False


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _best_first(s, count, voting, coin):
    """The round taking, each step, the queued valid exchange of highest gain; returns True (the round
    unfinished) at the first near-tie, where the kernel's queue order or its coin would decide. The
    queued candidates are kept in a list (``work[QUEUE]``), cleared of those gone at each scan."""
    real, flags, queue = s.real, s.flags, s.work[QUEUE]
    for e in range(count):
        queue[e] = e
    length = count
    clock = 0
    while True:
        scale, best, best_gain, second = -np.inf, -1, -np.inf, -np.inf
        kept = 0
        for at in range(length):
            e = queue[at]
            if not flags[QUEUED, e]:
                continue
            queue[kept] = e
            kept += 1
            gain = real[GAIN, e]
            scale = max(scale, gain)
            if flags[VALID, e]:
                if gain > best_gain:
                    best, best_gain, second = e, gain, best_gain
                elif gain > second:
                    second = gain
        length = kept
        if best < 0:
            return False
        # Wider than any chain of gains the kernel counts as tied (each within the tolerance of the next).
        threshold = best_gain - 2.0 * count * GAIN_TIE_TOLERANCE * max(abs(scale), GAIN_FLOOR)
        if second >= threshold:
            return True
        if coin and clock == 0:  # the kernel's queue still holds invalid exchanges, and may toss for them
            near = 0
            for at in range(length):
                if real[GAIN, queue[at]] >= threshold:
                    near += 1
            if near > 1:
                return True
        flags[QUEUED, best] = False
        clock += 1
        _execute(s, best, clock, voting)
        if clock == 1:  # after its first exchange the kernel's queue holds valid exchanges only
            for at in range(length):
                if not flags[VALID, queue[at]]:
                    flags[QUEUED, queue[at]] = False


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _in_queue_order(s, count, voting):
    """The round as the kernel runs it with ``tie_break="enumeration_order"`` (:func:`realpolitik.models.
    exchange.trades.exchange_round`): a queue in enumeration order, sorted by gain each step (stable; a run
    of gains each within :data:`GAIN_TIE_TOLERANCE` of the one above is one cluster, kept in queue order,
    as :func:`realpolitik.models.exchange.trades._sorted_by_gain`), its first popped and executed if
    valid, and after each exchange the queue cleared of exchanges no longer valid."""
    real, flags, work = s.real, s.flags, s.work
    queue, place = work[QUEUE], work[PLACE]
    length = count
    for r in range(count):
        queue[r] = r
    clock = 0
    first = True
    while length > 0:
        for r in range(length):
            place[queue[r]] = r
        if first:  # in enumeration order: a stable sort
            order = np.argsort(-real[GAIN][queue[:length]], kind="mergesort")
            unsorted = queue[:length].copy()
            for r in range(length):
                queue[r] = unsorted[order[r]]
            first = False
        else:  # sorted the step before, only the exchanges touched since have moved: stable insertion
            for r in range(1, length):
                e = queue[r]
                at = r
                while at > 0 and real[GAIN, queue[at - 1]] < real[GAIN, e]:
                    queue[at] = queue[at - 1]
                    at -= 1
                queue[at] = e
        begin = 0
        while begin < length:
            end = begin + 1
            while end < length:
                upper = real[GAIN, queue[end - 1]]
                if upper - real[GAIN, queue[end]] > GAIN_TIE_TOLERANCE * max(abs(upper), GAIN_FLOOR):
                    break
                end += 1
            for r in range(begin + 1, end):  # a cluster of ties: in queue order
                e = queue[r]
                at = r
                while at > begin and place[queue[at - 1]] > place[e]:
                    queue[at] = queue[at - 1]
                    at -= 1
                queue[at] = e
            begin = end
        chosen = queue[0]
        for r in range(1, length):
            queue[r - 1] = queue[r]
        length -= 1
        flags[QUEUED, chosen] = False
        if not flags[VALID, chosen]:
            continue
        clock += 1
        _execute(s, chosen, clock, voting)
        kept = 0
        for r in range(length):
            e = queue[r]
            if flags[VALID, e]:
                queue[kept] = e
                kept += 1
            else:
                flags[QUEUED, e] = False
        length = kept


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _round(s, start, salience, weight, taking_part, voting, coin):
    """One round from ``start (N, K)``: the votes into ``voting``; returns :data:`CLEAR`, :data:`QUEUE_ORDER`
    (a near-tie: the round was run again in the kernel's queue order) or :data:`COIN` (a near-tie a coin
    decides: ``voting`` is not the round's)."""
    voting[:, :] = start
    count = _list_candidates(s, start, salience, weight, taking_part)
    if not _best_first(s, count, voting, coin):
        return CLEAR
    if coin:
        return COIN
    voting[:, :] = start
    count = _list_candidates(s, start, salience, weight, taking_part)
    _in_queue_order(s, count, voting)
    return QUEUE_ORDER


@numba.njit(cache=True, nogil=True, error_model="numpy")
def run_draws(working, salience, weight, taking_part, rounds, voting_position, fixed_weight, salience_weight,
              hold_at_demander, coin, first, last, trajectory, outcomes, to_kernel, queue_rounds):
    """Every round of draws ``first .. last - 1``, as :func:`realpolitik.models.exchange.kernel.run_exchange`.

    Inputs on the 0..100 working scale: ``working``, ``salience`` (0 where an actor takes no part) and
    ``weight = power x salience`` ``(B, N, K)``, ``taking_part (N, K)``; the options as plain values
    (``voting_position``: ``position_update == "voting_position"``; ``hold_at_demander``: ``outcome_limit
    == "demander_position"``; ``coin``: ``tie_break == "coin_flip"``). Fills ``trajectory (R + 1, B, N,
    K)`` with the positions each round starts from (the last row: after the last round; between rounds
    ``x + (fixed_weight + salience_weight (1 - s)) (y - x)`` where the vote ``y`` moved, or ``y``),
    ``outcomes (R + 1, B, K)`` with the expected outcomes of the input and of each round's votes,
    ``to_kernel (B,)`` with the draws that met a near-tie a coin decides (their rows are not the kernel's),
    and ``queue_rounds (B,)`` with each draw's rounds run again in queue order.
    """
    actors, issues = taking_part.shape
    s = _new_round(actors, issues, hold_at_demander)
    voting = np.empty((actors, issues))
    for b in range(first, last):
        trajectory[0, b] = working[b]
        expected_outcomes(working[b], weight[b], outcomes[0, b])
        to_kernel[b] = False
        queue_rounds[b] = 0
        for number in range(rounds):
            start = trajectory[number, b]
            status = _round(s, start, salience[b], weight[b], taking_part, voting, coin)
            if status == COIN:
                to_kernel[b] = True
                for later in range(number + 1, rounds + 1):
                    trajectory[later, b] = start
                    outcomes[later, b] = outcomes[number, b]
                break
            if status == QUEUE_ORDER:
                queue_rounds[b] += 1
            expected_outcomes(voting, weight[b], outcomes[number + 1, b])
            after = trajectory[number + 1, b]
            for n in range(actors):
                for k in range(issues):
                    if voting_position:
                        after[n, k] = voting[n, k]
                    elif voting[n, k] != start[n, k]:  # NaN where an actor takes no part: stays NaN
                        share = fixed_weight + salience_weight * (1.0 - salience[b, n, k])
                        after[n, k] = start[n, k] + share * (voting[n, k] - start[n, k])
                    else:
                        after[n, k] = start[n, k]

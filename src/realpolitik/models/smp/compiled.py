"""KTAB's SMP turns compiled with numba, one table at a time: the engine of :mod:`.batch`.

Why compiled. A Monte Carlo run or a lever sweep puts hundreds to thousands of tables
through the SMP. Run in lockstep over the draws with numpy, the turns paid Python's
overhead on many small arrays per turn and ran until the slowest draw stopped: 1000
draws of ukraine-2025-03 (13 actors, 6 issues; half the draws stop within 15 turns, 4%
run all 100) took 5.1 s on the 2-core development machine, its 396 lever tables 1.9 s,
and the kernel run draw by draw takes 21 ms a table. Compiled, each draw runs its own
turns in scalar loops without temporaries: 0.65 s for the 1000 draws and 0.31 s for the
lever sweep, stability judged included, about 30 times the kernel's speed
(``benchmarks/compiled_batch.py --model smp``, results in ``benchmarks/results/smp_batch.json``). The
price: numba compiles this module in about 11 s on its first use and caches the machine
code beside it; a later process loads it in about 0.4 s, most of which is numba's own
start-up (its numpy support imports ``scipy.linalg``), which the exchange model's compiled
rounds share. The functions release the GIL (``nogil``), so that callers' threads run
draws side by side; numba's parallel layer is not used, as the web server calls this from
several threads at once.

What is computed: :func:`realpolitik.models.smp.kernel.run_smp` with ``Deterministic``
transitions and ``InitOnlyInterp`` bargains, every other option by its integer code
(its index in the option's tuple of names), operation by operation as the numpy kernel
does it (the formulas are in :mod:`.utility`, :mod:`.voting`, :mod:`.challenge` and
:mod:`.bargain`). Ties are decided the kernel's way (the first of equal gains or
probabilities), and every sum is taken in the order numpy takes the kernel's, because
a rounding difference decides between equal options: numpy sums a row that lies
contiguous in memory pairwise (:func:`_pairwise_sums`) and any other axis term by term:

===================================================  ==========================================
sum                                                  order, as the kernel's array layouts give it
===================================================  ==========================================
squares of salience-weighted differences (dims)      pairwise
votes for the actors' positions (assessment)         term by term over the voters
votes among a queue's options                        pairwise over the voters
Conditional PCE: log-probabilities, normaliser       pairwise
Markov PCE: update over options                      pairwise
MarkovIncentive: challenge normaliser (columns)      term by term
third parties' votes in a challenge                  term by term
value of a state (KTAB's order, ``cumsum``)          term by term
movement of a turn: over dimensions, over actors     pairwise, pairwise
ideal accommodation ``A x'``, over actors            term by term (the kernel: BLAS)
===================================================  ==========================================

The result then equals the kernel's to the last bit, but where the kernel calls a library
whose rounding is its own: ``log`` and ``exp`` (the Conditional PCE) are the C library's
here, and numpy's own on processors with AVX-512, which differ from it in the last bit for
a few arguments in a thousand; the kernel's product by the ideal-accommodation matrix is
BLAS's (fused multiply-adds in blocks). Last-bit differences stay last-bit differences
unless they decide between options equal to the last bit, and options that are equal in
the kernel are equal here too (the same operations on the same numbers).

Shapes: ``B`` draws, ``N`` actors, ``D`` dimensions, ``T`` the round limit. Cost per turn
``O(N^3)`` time (the challenges) and ``N^3`` numbers of memory (the utilities).
numba's cache is keyed on this file: constants imported from the kernel's modules are
frozen into it, so a change to one of them takes effect here when this file changes.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .bargain import _MIN_BARGAIN_WEIGHT, BARGAIN_INTERPOLATIONS
from .challenge import _MIN_CONTEST, MIN_SIGNIFICANT_GAIN, THIRD_PARTY_COMMITS
from .utility import BIG_R_ADJUSTS, BIG_R_RANGES
from .voting import (
    _BINARY_FLOOR,
    _BINARY_SHARE,
    _BINARY_STEP,
    _BINARY_THRESHOLD,
    _CUBIC_SHARE,
    _INCENTIVE_EPSILON,
    _MAX_MARKOV_ITERATIONS,
    MIN_COALITION,
    PCE_MODELS,
    VICTORY_PROBABILITY_MODELS,
    VOTING_RULES,
)

# Option codes: each value's index in its tuple of names.
BINARY_RULE, PROP_BIN, PROPORTIONAL, PROP_CBC, CUBIC, ASYM_PROSP = (VOTING_RULES.index(name) for name in (
    "Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"))
LINEAR, SQUARE, QUARTIC, OCTIC, BINARY_VICTORY = (VICTORY_PROBABILITY_MODELS.index(name) for name in (
    "Linear", "Square", "Quartic", "Octic", "Binary"))
CONDITIONAL, MARKOV_INCENTIVE, MARKOV_UNIFORM = (PCE_MODELS.index(name) for name in (
    "Conditional", "MarkovIncentive", "MarkovUniform"))
RANGE_MIN, RANGE_MID, RANGE_MAX = (BIG_R_RANGES.index(name) for name in ("Min", "Mid", "Max"))
ADJUST_NO, ADJUST_ONE_THIRD, ADJUST_HALF, ADJUST_TWO_THIRDS, ADJUST_FULL = (BIG_R_ADJUSTS.index(name) for name in (
    "No", "OneThird", "Half", "TwoThirds", "Full"))
SEMI_COMMIT = THIRD_PARTY_COMMITS.index("SemiCommit")
S1P1, S2P2, S2PMAX = (BARGAIN_INTERPOLATIONS.index(name) for name in ("S1P1", "S2P2", "S2PMax"))

#: Markov chains stop when no probability moves by more than this (``condorcet_probabilities``).
_INCENTIVE_TOLERANCE = 1e-8
_UNIFORM_TOLERANCE = 1e-6
#: numpy's pairwise summation: blocks of at most this many terms are summed with eight running sums.
_PAIRWISE_BLOCK = 128
#: 1 as an int64 object: passed as a literal 1, numba would compile the function called once more for it.
_ONE_ROW = np.int64(1)

#: Compiled to machine code once and cached on disk; without the GIL; IEEE division (x / 0 is inf
#: or nan, as in numpy, not an exception).
_compiled = njit(cache=True, nogil=True, error_model="numpy")


@_compiled
def _pairwise_sums(terms, rows, count, sums):
    """``sums[r] = terms[r, 0] + ... + terms[r, count-1]`` for ``r < rows``, as numpy sums a row
    that lies contiguous in memory (``terms.sum(axis=-1)``): term by term below 8 terms; up to 128
    with eight running sums ``s_m`` (term ``8q + m`` goes to ``s_m``), combined as
    ``((s_0 + s_1) + (s_2 + s_3)) + ((s_4 + s_5) + (s_6 + s_7))``, then the terms left over; a
    longer row in two halves, the first a multiple of 8 long, each summed so (:func:`_long_sum`).
    Rows go in one call: in the inner loops a call with arrays costs more than a short sum."""
    for row in range(rows):
        if count < 8:
            total = 0.0
            for index in range(count):
                total += terms[row, index]
        elif count <= _PAIRWISE_BLOCK:
            total = _eight_running_sums(terms[row], count)
        else:
            total = _long_sum(terms[row], count)
        sums[row] = total


@_compiled
def _eight_running_sums(values, count):
    """numpy's sum of ``values[:count]``, 8 <= count <= 128 (see :func:`_pairwise_sums`)."""
    s0, s1, s2, s3 = values[0], values[1], values[2], values[3]
    s4, s5, s6, s7 = values[4], values[5], values[6], values[7]
    index = 8
    whole = count - count % 8
    while index < whole:
        s0 += values[index]
        s1 += values[index + 1]
        s2 += values[index + 2]
        s3 += values[index + 3]
        s4 += values[index + 4]
        s5 += values[index + 5]
        s6 += values[index + 6]
        s7 += values[index + 7]
        index += 8
    total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    while index < count:
        total += values[index]
        index += 1
    return total


@_compiled
def _long_sum(values, count):
    """numpy's sum of ``values[:count]``, count > 128: split in halves, each half again until at most
    128 long (see :func:`_pairwise_sums`); the tree walked with a stack, first half first (numba
    caches no recursive function)."""
    depth = 128  # two entries per level; a row of 2^63 terms has 57 levels above its blocks
    starts, counts = np.empty(depth, dtype=np.int64), np.empty(depth, dtype=np.int64)
    split, partial = np.zeros(depth, dtype=np.bool_), np.empty(depth)
    top, done = 0, 0
    starts[0], counts[0] = 0, count
    while top >= 0:
        start, size = starts[top], counts[top]
        if size <= _PAIRWISE_BLOCK:
            partial[done] = _eight_running_sums(values[start:start + size], size)
            done += 1
            top -= 1
        elif not split[top]:
            split[top] = True
            half = size // 2
            half -= half % 8
            starts[top + 1], counts[top + 1], split[top + 1] = start + half, size - half, False
            starts[top + 2], counts[top + 2], split[top + 2] = start, half, False
            top += 2
        else:  # both halves summed: the first half's sum plus the second's
            partial[done - 2] = partial[done - 2] + partial[done - 1]
            done -= 1
            top -= 1
    return partial[0]


@_compiled
def _vote(rule, weight, utility_for, utility_against):
    """:func:`realpolitik.models.smp.voting.vote` of one voter: ``weight`` times its response to
    ``du = utility_for - utility_against`` under the voting rule ``rule`` (a code)."""
    du = utility_for - utility_against
    if rule == PROPORTIONAL:
        return weight * du
    if rule == BINARY_RULE or rule == PROP_BIN:
        binary = min(max(du / _BINARY_STEP, -1.0), 1.0)
        if rule == BINARY_RULE:
            return weight * binary
        return weight * ((1 - _BINARY_SHARE) * du + _BINARY_SHARE * binary)
    if rule == PROP_CBC:
        return weight * ((1 - _CUBIC_SHARE) * du + _CUBIC_SHARE * (du * du * du))
    if rule == CUBIC:
        return weight * (du * du * du)
    if du < 0.0:  # ASymProsp
        return weight * du
    if du > 0.0:
        return (2.0 * weight * du) / 3.0
    return 0.0


@_compiled
def _powered(model, strength):
    """``S^nu`` of the victory-probability model (``voting._powered``)."""
    if model == LINEAR:
        return strength
    if model == SQUARE:
        return strength * strength
    square = strength * strength
    if model == QUARTIC:
        return square * square
    quartic = square * square
    return quartic * quartic


@_compiled
def _victory(model, strengths, count, victory):
    """``victory[i, j] = P[i > j]`` among the first ``count`` options from their coalition strengths
    (``voting.victory_probabilities``): each pair ``i > j`` once, from ``(S[i:j], S[j:i])``."""
    for high in range(count):
        victory[high, high] = 0.5
        for low in range(high):
            s1, s2 = strengths[high, low], strengths[low, high]
            if model == BINARY_VICTORY:
                ratio = s1 / (s1 + s2)
                inside = (ratio * (_BINARY_THRESHOLD + 1.0) - 1.0) / (_BINARY_THRESHOLD - 1.0)
                if s1 >= _BINARY_THRESHOLD * s2:
                    x1, x2 = 1.0, _BINARY_FLOOR
                elif s2 >= _BINARY_THRESHOLD * s1:
                    x1, x2 = _BINARY_FLOOR, 1.0
                else:
                    x1, x2 = inside, 1 - inside
            else:
                x1, x2 = _powered(model, s1), _powered(model, s2)
            victory[high, low] = x1 / (x1 + x2)
            victory[low, high] = x2 / (x1 + x2)


@_compiled
def _condorcet(pce, model, strengths, count, victory, challenge, terms, sums, probability):
    """``probability[:count]``: each option's chance to be the collective choice, from the coalition
    strengths ``strengths[:count, :count]`` (``voting.condorcet_probabilities``); ``victory``,
    ``challenge``, ``terms`` (at least ``count x count``) and ``sums`` are scratch space."""
    _victory(model, strengths, count, victory)
    if pce == CONDITIONAL:
        for option in range(count):
            for other in range(count):
                terms[option, other] = math.log(victory[option, other])
        _pairwise_sums(terms, count, count, sums)
        top = sums[0]
        for option in range(1, count):
            top = max(top, sums[option])
        for option in range(count):
            terms[0, option] = math.exp(sums[option] - top)
        _pairwise_sums(terms, _ONE_ROW, count, sums)
        total = sums[0]
        for option in range(count):
            probability[option] = terms[0, option] / total
        return
    incentive = pce == MARKOV_INCENTIVE
    if incentive:  # challenge[b, a] = P[b -> a | a]: each column of S[b:a] P[b > a] (+ 1e-10 on b = a) normalised
        for target in range(count):
            for challenger in range(count):
                value = strengths[challenger, target] * victory[challenger, target]
                challenge[challenger, target] = value + (_INCENTIVE_EPSILON if challenger == target else 0.0)
            total = 0.0
            for challenger in range(count):
                total += challenge[challenger, target]
            for challenger in range(count):
                challenge[challenger, target] = challenge[challenger, target] / total
    tolerance = _INCENTIVE_TOLERANCE if incentive else _UNIFORM_TOLERANCE
    for option in range(count):
        probability[option] = 1.0 / count
    for _ in range(_MAX_MARKOV_ITERATIONS):
        for option in range(count):
            for other in range(count):
                if incentive:  # contests C(a, b) = p(a) P[b -> a | a]: C(option, other) + C(other, option)
                    terms[option, other] = victory[option, other] * (probability[option] * challenge[other, option]
                                                                     + probability[other] * challenge[option, other])
                else:
                    terms[option, other] = victory[option, other] * (probability[option] + probability[other])
        _pairwise_sums(terms, count, count, sums)
        change = 0.0
        for option in range(count):
            update = sums[option] if incentive else sums[option] / count
            change = max(change, abs(update - probability[option]))
            sums[option] = update
        for option in range(count):
            probability[option] = (probability[option] + sums[option]) / 2.0
        if not change > tolerance:
            return


@_compiled
def _distances(ideal, salience, salience_squared, actor, points, count, terms, sums, distance):
    """``distance[m]``: the salience-weighted distance from ``actor``'s ideal to ``points[m]``, ``m <
    count``: ``sqrt(sum_k (s_k (y_k - x_k))^2 / sum_k s_k^2)`` (``utility.weighted_distance``)."""
    dimensions = ideal.shape[1]
    for point in range(count):
        for k in range(dimensions):
            difference = (ideal[actor, k] - points[point, k]) * salience[actor, k]
            terms[point, k] = difference * difference
    _pairwise_sums(terms, count, dimensions, sums)
    for point in range(count):
        distance[point] = math.sqrt(sums[point] / salience_squared[actor])


@_compiled
def _utility(distance, risk):
    """KTAB's ``bsUtil``: ``(1 - d)(1 + min(d, 1) R)``."""
    return (1 - distance) * (1 + min(distance, 1.0) * risk)


@_compiled
def _assess(codes, position, ideal, salience, salience_squared, capability, distance, strengths, victory, challenge,
            terms, sums, probability, risk, utilities):
    """The kernel's assessment of a state (``kernel._assess``): distances ``distance[a, b]`` from
    ``a``'s ideal to ``b``'s position, the risk-neutral PCE over the actors' positions (votes
    weighted by capability), risk attitudes ``risk`` and the utilities ``utilities[h, a, b] = U^h[a, b]``
    with ``h``'s estimates of the risk attitudes."""
    rule, model, pce, big_r_range, big_r_adjust = codes[0], codes[1], codes[2], codes[3], codes[4]
    actors = position.shape[0]
    for a in range(actors):
        _distances(ideal, salience, salience_squared, a, position, actors, terms, sums, distance[a])
    for high in range(actors):
        strengths[high, high] = MIN_COALITION
        for low in range(high):
            support, opposition = 0.0, 0.0
            for voter in range(actors):
                vote = _vote(rule, capability[voter], 1 - distance[voter, high], 1 - distance[voter, low])
                support += vote if vote > 0 else 0.0
                opposition += -vote if vote < 0 else 0.0
            strengths[high, low] = MIN_COALITION + support
            strengths[low, high] = MIN_COALITION + opposition
    _condorcet(pce, model, strengths, actors, victory, challenge, terms, sums, probability)
    low, high = probability[0], probability[0]
    for a in range(1, actors):
        low, high = min(low, probability[a]), max(high, probability[a])
    spread = high - low
    safe = spread if spread > 0 else 1.0
    for a in range(actors):
        if not spread > 0:
            risk[a] = 0.0
        elif big_r_range == RANGE_MIN:
            risk[a] = (probability[a] - low) / safe
        elif big_r_range == RANGE_MID:
            risk[a] = (3 * probability[a] - (high + 2 * low)) / (2 * safe)
        else:
            risk[a] = (2 * probability[a] - (high + low)) / safe
    for h in range(actors):
        for a in range(actors):
            own, other = risk[h], risk[a]
            if big_r_adjust == ADJUST_FULL:
                estimate = other
            elif big_r_adjust == ADJUST_TWO_THIRDS:
                estimate = (own + (2.0 * other)) / 3.0
            elif big_r_adjust == ADJUST_HALF:
                estimate = (own + other) / 2
            elif big_r_adjust == ADJUST_ONE_THIRD:
                estimate = ((2.0 * own) + other) / 3.0
            else:
                estimate = own
            for b in range(actors):
                utilities[h, a, b] = _utility(distance[a, b], estimate)


@_compiled
def _challenges(codes, utilities, weight, salience_total, target, success):
    """Each initiator's best target (``challenge.initiator_estimates`` then ``best_targets``):
    ``target[i]`` the receiver of the largest expected gain (the first of equal gains), -1 when
    none exceeds :data:`MIN_SIGNIFICANT_GAIN`; ``success[i]`` ``i``'s estimate that it prevails."""
    rule, commitment = codes[0], codes[5]
    actors = weight.shape[0]
    for i in range(actors):
        own = utilities[i]  # U^i
        uii = own[i, i]
        best, best_target, best_probability = -np.inf, 0, 0.0
        for j in range(actors):
            if j == i:
                continue
            uij, uji, ujj = own[i, j], own[j, i], own[j, j]
            contribution_i = _vote(rule, weight[i], uii, uij)
            contribution_j = _vote(rule, weight[j], uji, ujj)
            strength_ij = _MIN_CONTEST + (contribution_i if contribution_i > 0 else 0.0)
            strength_ji = _MIN_CONTEST + (-contribution_i if contribution_i < 0 else 0.0)
            strength_ij = strength_ij + (contribution_j if contribution_j > 0 else 0.0)
            strength_ji = strength_ji + (-contribution_j if contribution_j < 0 else 0.0)
            if commitment == SEMI_COMMIT:
                helping_i_total, helping_j_total = 0.0, 0.0
                for n in range(actors):
                    if n == i or n == j:
                        continue  # the principals are no third parties (their votes count 0)
                    uni, unj, unn = own[n, i], own[n, j], own[n, n]
                    first = _vote(rule, weight[n], uni, unj)
                    side_i = max(first, 0.0) + strength_ij
                    side_j = max(-first, 0.0) + strength_ji
                    total = side_i + side_j
                    probability_i = side_i / total
                    probability_j = 1.0 - probability_i
                    triple_j = unj + unj
                    helping_i = probability_i * ((uni + uni) + unn) + (triple_j + unj) * probability_j
                    helping_j = probability_i * ((uni + uni) + uni) + (triple_j + unn) * probability_j
                    third = _vote(rule, weight[n], helping_i, helping_j)
                    helping_i_total += max(third, 0.0)
                    helping_j_total += max(-third, 0.0)
                strength_ij = strength_ij + helping_i_total
                strength_ji = strength_ji + helping_j_total
            probability = strength_ij / (strength_ij + strength_ji)
            probability_j = strength_ji / (strength_ij + strength_ji)
            victory = uii + uii
            defeat = uij + uij
            contest = probability * victory + probability_j * defeat
            gain = ((1 - salience_total[j]) * victory + salience_total[j] * contest) - (uii + uij)
            if gain > best:
                best, best_target, best_probability = gain, j, probability
        target[i] = best_target if best > MIN_SIGNIFICANT_GAIN else -1
        success[i] = best_probability


@_compiled
def _interpolate(method, position_i, salience_i, probability_i, position_j, salience_j, bargain_i, bargain_j):
    """The bargain of ``i`` with ``j`` (``bargain.interpolate``, ``InterVecBrgn``), dimension by
    dimension, with ``p_j = 1 - p_i``; written to ``bargain_i`` and ``bargain_j``."""
    probability_j = 1 - probability_i
    for k in range(position_i.shape[0]):
        t_i, t_j, s_i, s_j = position_i[k], position_j[k], salience_i[k], salience_j[k]
        if method == S2PMAX:
            gap_i = probability_j - probability_i if probability_j > probability_i else 0.0
            gap_j = probability_i - probability_j if probability_i > probability_j else 0.0
            square_i, square_j = s_i * s_i, s_j * s_j
            share_i = (gap_i * square_j) / ((gap_i * square_j) + _MIN_BARGAIN_WEIGHT + ((1 - gap_i) * square_i))
            share_j = (gap_j * square_i) / ((gap_j * square_i) + _MIN_BARGAIN_WEIGHT + ((1 - gap_j) * square_j))
            bargain_i[k] = t_i + share_i * (t_j - t_i)
            bargain_j[k] = t_j + share_j * (t_i - t_j)
            continue
        if method == S1P1:
            weight_i, weight_j = s_i * probability_i, s_j * probability_j
        else:
            weight_i = (s_i * s_i) * (probability_i * probability_i)
            weight_j = (s_j * s_j) * (probability_j * probability_j)
        total = weight_i + _MIN_BARGAIN_WEIGHT + weight_j
        moved_i = ((weight_i + _MIN_BARGAIN_WEIGHT) * t_i + weight_j * t_j) / total
        moved_j = (weight_i * t_i + (_MIN_BARGAIN_WEIGHT + weight_j) * t_j) / total
        bargain_i[k] = math.floor(0.5 + moved_i * 10000.0) / 10000.0  # KTAB rounds to 4 decimals
        bargain_j[k] = math.floor(0.5 + moved_j * 10000.0) / 10000.0


@_compiled
def _state_values(target, bargain_i, bargain_j, ideal, salience, salience_squared, risk, utilities, terms, sums,
                  moved, values):
    """``values[a, 0]``: the value to ``a`` of the status quo, ``values[a, 1 + i]`` of the state after
    initiator ``i``'s bargain: the mean of ``a``'s utility over every actor's position, the two
    bargainers moved, summed in KTAB's order (the moved two first, then the others by index;
    ``bargain.state_values``); the sums of all bargains advance together, actor by actor.
    ``moved (2, N)`` holds the distances to each side of the bargains."""
    actors = target.shape[0]
    for a in range(actors):
        own = utilities[a, a]  # U^a[a, n]
        total = 0.0
        for n in range(actors):
            total += own[n]
        values[a, 0] = total / actors
        _distances(ideal, salience, salience_squared, a, bargain_i, actors, terms, sums, moved[0])
        _distances(ideal, salience, salience_squared, a, bargain_j, actors, terms, sums, moved[1])
        for i in range(actors):
            if target[i] >= 0:
                values[a, 1 + i] = _utility(moved[0, i], risk[a]) + _utility(moved[1, i], risk[a])
        for n in range(actors):
            for i in range(actors):
                if target[i] >= 0 and n != i and n != target[i]:
                    values[a, 1 + i] += own[n]
        for i in range(actors):
            if target[i] >= 0:
                values[a, 1 + i] = values[a, 1 + i] / actors


@_compiled
def _choices(codes, target, values, capability, queue, options, strengths, victory, challenge, terms, sums,
             probability, choice):
    """``choice[k]``: the initiator whose bargain ``k`` adopts, or -1 for the status quo: the most
    likely option of ``k``'s queue (the status quo, then the bargains involving ``k`` by initiator)
    in the PCE over the values of the states (``bargain.queue_probabilities``: votes weighted by
    capability, summed pairwise over the voters). ``options[o, voter]``: the value of option ``o``."""
    rule, model, pce = codes[0], codes[1], codes[2]
    actors = target.shape[0]
    for k in range(actors):
        length = _ONE_ROW  # an int64, not a literal 1 (see _ONE_ROW)
        queue[0] = -1
        for i in range(actors):
            if target[i] >= 0 and (i == k or target[i] == k):
                queue[length] = i
                length += 1
        if length == 1:
            choice[k] = -1
            continue
        for option in range(length):
            for voter in range(actors):
                options[option, voter] = values[voter, 1 + queue[option]]
        for high in range(length):
            strengths[high, high] = MIN_COALITION
            for low in range(high):  # terms: the votes for high over low, row 2 low; against, row 2 low + 1
                for voter in range(actors):
                    vote = _vote(rule, capability[voter], options[high, voter], options[low, voter])
                    terms[2 * low, voter] = vote if vote > 0 else 0.0
                    terms[2 * low + 1, voter] = -vote if vote < 0 else 0.0
            _pairwise_sums(terms, 2 * high, actors, sums)
            for low in range(high):
                strengths[high, low] = MIN_COALITION + sums[2 * low]
                strengths[low, high] = MIN_COALITION + sums[2 * low + 1]
        _condorcet(pce, model, strengths, length, victory, challenge, terms, sums, probability)
        pick = 0
        for option in range(1, length):
            if probability[option] > probability[pick]:
                pick = option
        choice[k] = queue[pick]


@_compiled
def _movement(before, after, terms, sums):
    """``sum_i |x_i' - x_i|``: each actor's Euclidean move, summed over the actors (``kernel._movement``)."""
    actors, dimensions = before.shape
    for n in range(actors):
        for k in range(dimensions):
            step = after[n, k] - before[n, k]
            terms[n, k] = step * step
    _pairwise_sums(terms, actors, dimensions, sums)
    for n in range(actors):
        terms[0, n] = math.sqrt(sums[n])
    _pairwise_sums(terms, _ONE_ROW, actors, sums)
    return sums[0]


@_compiled
def run_draw(position, internal, salience, capability, low, high, accommodation, lag, codes, min_iterations,
             max_iterations, min_delta_ratio, min_significant_delta, states):
    """KTAB's SMP on one table until it stops (:func:`realpolitik.models.smp.kernel.run_smp`,
    ``Deterministic``, ``InitOnlyInterp``).

    ``position (N, D)`` on the input scale ``low .. high (D,)`` and ``internal`` the same on
    0..1; ``salience (N, D)`` (each row summing to at most 1), ``capability (N,)``;
    ``accommodation (N, N)`` KTAB's ideal-accommodation matrix with ``lag (N,)`` ``= 1 - min(rowsum, 1)``,
    or ``(0, 0)`` when ideals follow positions; ``codes``: the option codes of the voting rule,
    victory-probability model, PCE model, big-R range, big-R adjustment, third-party commitment and
    bargain interpolation (:func:`option_codes`); the stopping rule. Writes the state after each turn
    ``t`` to ``states[t] (N, D)`` on the input scale (``states[0] = position``) and returns the turns
    run and whether KTAB's rule stopped the run (else the round limit did).
    """
    actors, dimensions = position.shape
    interpolation = codes[6]
    adjusted = accommodation.shape[0] > 0
    # scratch space: terms of sums, row by row (2 per pair of a queue's options), and their sums
    terms = np.zeros((2 * (actors + 1), max(actors + 1, dimensions)))
    sums = np.zeros(2 * (actors + 1))
    salience_total, salience_squared, weight = np.empty(actors), np.empty(actors), np.empty(actors)
    for n in range(actors):
        for k in range(dimensions):
            terms[n, k] = salience[n, k] * salience[n, k]
    _pairwise_sums(terms, actors, dimensions, salience_squared)
    _pairwise_sums(salience, actors, dimensions, salience_total)
    for n in range(actors):
        weight[n] = capability[n] * salience_total[n]
    current, ideal, following = internal.copy(), internal.copy(), internal.copy()
    distance, moved = np.empty((actors, actors)), np.empty((2, actors))
    strengths, victory, challenge = (np.empty((actors + 1, actors + 1)), np.empty((actors + 1, actors + 1)),
                                     np.empty((actors + 1, actors + 1)))
    probability, risk = np.empty(actors + 1), np.empty(actors)
    utilities = np.empty((actors, actors, actors))
    target, success = np.empty(actors, dtype=np.int64), np.empty(actors)
    bargain_i, bargain_j = np.zeros((actors, dimensions)), np.zeros((actors, dimensions))
    values = np.empty((actors, actors + 1))
    queue, choice = np.empty(actors + 1, dtype=np.int64), np.empty(actors, dtype=np.int64)
    options = np.empty((actors + 1, actors))
    for n in range(actors):
        for d in range(dimensions):
            states[0, n, d] = position[n, d]
    _assess(codes, current, ideal, salience, salience_squared, capability, distance, strengths, victory, challenge,
            terms, sums, probability, risk, utilities)
    first_step = 0.0
    for iteration in range(1, max_iterations + 1):
        _challenges(codes, utilities, weight, salience_total, target, success)
        for i in range(actors):
            if target[i] >= 0:
                _interpolate(interpolation, current[i], salience[i], success[i], current[target[i]],
                             salience[target[i]], bargain_i[i], bargain_j[i])
        _state_values(target, bargain_i, bargain_j, ideal, salience, salience_squared, risk, utilities, terms, sums,
                      moved, values)
        _choices(codes, target, values, capability, queue, options, strengths, victory, challenge, terms, sums,
                 probability, choice)
        for k in range(actors):
            chosen = choice[k]
            for d in range(dimensions):
                if chosen < 0:
                    following[k, d] = current[k, d]
                elif chosen == k:
                    following[k, d] = bargain_i[chosen, d]
                else:
                    following[k, d] = bargain_j[chosen, d]
        if adjusted:  # y' = A x' + (1 - rowsum A) y
            for n in range(actors):
                for d in range(dimensions):
                    product = 0.0
                    for m in range(actors):
                        product += accommodation[n, m] * following[m, d]
                    ideal[n, d] = product + lag[n] * ideal[n, d]
        for n in range(actors):
            for d in range(dimensions):
                if not adjusted:
                    ideal[n, d] = following[n, d]
                states[iteration, n, d] = low[d] + (high[d] - low[d]) * following[n, d]
        if iteration == 1:
            first_step = _movement(internal, following, terms, sums) + min_significant_delta
        ratio = _movement(current, following, terms, sums) / first_step
        current, following = following, current
        if iteration >= min_iterations and ratio < min_delta_ratio:
            return iteration, True
        if iteration < max_iterations:
            _assess(codes, current, ideal, salience, salience_squared, capability, distance, strengths, victory,
                    challenge, terms, sums, probability, risk, utilities)
    return max_iterations, False


@_compiled
def run_draws(position, internal, salience, capability, low, high, accommodation, lag, codes, min_iterations,
              max_iterations, min_delta_ratio, min_significant_delta, states, rounds, converged):
    """:func:`run_draw` on every table of a batch: ``position``, ``internal``, ``salience`` ``(B, N, D)``,
    ``capability (B, N)``; writes ``states (B, T+1, N, D)`` (rows past a draw's last turn untouched),
    ``rounds (B,)`` and ``converged (B,)``."""
    for b in range(position.shape[0]):
        rounds[b], converged[b] = run_draw(position[b], internal[b], salience[b], capability[b], low, high,
                                           accommodation, lag, codes, min_iterations, max_iterations,
                                           min_delta_ratio, min_significant_delta, states[b])


def option_codes(options) -> np.ndarray:
    """The codes :func:`run_draw` reads from :class:`~realpolitik.models.smp.kernel.SMPOptions`, in its order."""
    return np.array([VOTING_RULES.index(options.voting_rule),
                     VICTORY_PROBABILITY_MODELS.index(options.victory_probability_model),
                     PCE_MODELS.index(options.pce_model), BIG_R_RANGES.index(options.big_r_range),
                     BIG_R_ADJUSTS.index(options.big_r_adjust), THIRD_PARTY_COMMITS.index(options.third_party_commit),
                     BARGAIN_INTERPOLATIONS.index(options.bargain_interpolation)], dtype=np.int64)

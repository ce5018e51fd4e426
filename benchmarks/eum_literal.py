"""The expected utility model written literally, with Python loops, from docs/models.md section 4.

This is the cross-check for the vectorised kernel :func:`realpolitik.models.eum.run_eum`:
every sum is a loop over voters and actor pairs, exactly as the formulas read, so a
round costs O(N^3) (the all-triples denominator of the "scholz" probability). It
shares no code with the package beyond the options object.

Formulas (Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011, JTP 23(4)), with
``Δ = max(x) - min(x)`` of the initial positions:

* vote of k for a over b: ``v_k(a, b) = c_k s_k ((|x_k - b|/Δ)^r_k - (|x_k - a|/Δ)^r_k)``;
* ``P(i, j) = Σ_k max(0, v_k(x_i, x_j)) / D`` with ``D = Σ_k Σ_(a,b) |v_k(x_a, x_b)|``
  ("scholz") or ``D = Σ_k |v_k(x_i, x_j)|`` ("pairwise"); 0 when ``x_i == x_j``;
* utilities seen by p with ``r = r_p`` and ``d = |x_i - x_j|/Δ``: ``U_s = 2 - 4(0.5 - 0.5d)^r``,
  ``U_f = 2 - 4(0.5 + 0.5d)^r``, ``U_sq = 2 - 4(0.5)^r``, and with μ the weighted median,
  ``e = (|x_i - μ| + |x_i - x_j|)/Δ``: ``U_b = 2 - 4(0.5 - 0.25e)^r``, ``U_w = 2 - 4(0.5 + 0.25e)^r``;
* ``EU_p(i→j) = s_j(P U_s + (1-P) U_f) + (1-s_j) U_s - Q U_sq - (1-Q)(T U_b + (1-T) U_w)``,
  ``T = 1`` if ``|x_i - μ| < |x_i - x_j|``;
* risk: with every r = 1, ``D_a = Σ_(o≠a) EU_a(o→a)``, ``R_a = (2 D_a - max D - min D)/(max D - min D)``,
  ``r_a = (1 - R_a/3)/(1 + R_a/3)``;
* offers to i from j (``a = EU_i(i→j)``, ``b = EU_i(j→i)``): confrontation if ``b > a > 0``,
  compromise if ``b > 0 > a`` and ``b > |a|`` (to ``x_i + (x_j - x_i)|a/b|``), capitulation
  if ``b > 0 > a`` and ``|a| > b``; a confrontation if any, else a compromise, else a
  capitulation; the one that moves i least (compromises: the smallest
  ``(|a| x_i + |b| x_j)/(|a| + |b|)`` under ``compromise_choice="scholz_code"``); ties
  go to the lower target, then to the heaviest offerer ``c_j s_j``.

Run as a script, it checks that the vectorised kernel agrees with this one to 1e-9 on
several seeded scenarios, for every probability rule and compromise choice::

    python benchmarks/eum_literal.py
"""

from __future__ import annotations

import math
import sys

TIE = 1e-12


def literal_weighted_median(position: list[float], weight: list[float]) -> float:
    """The first position at which the cumulative weight reaches half the total (actors sorted
    by position); at exactly half, the midpoint with the next position past half (models.md §2)."""
    total = sum(weight)
    if total <= 0:
        ordered = sorted(position)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    pairs = sorted(zip(position, weight), key=lambda pair: pair[0])
    half = total / 2
    tolerance = TIE * total
    cumulative = 0.0
    running = []
    for value, mass in pairs:
        cumulative += mass
        running.append((value, cumulative))
    median, reached = next((value, mass) for value, mass in running if mass >= half - tolerance)
    if abs(reached - half) <= tolerance:
        upper = next(value for value, mass in running if mass > half + tolerance)
        return (median + upper) / 2
    return median


def literal_probability(position, weight, exponent, delta, rule) -> list[list[float]]:
    """``P[i][j]`` by the definition: loops over voters k and, for "scholz", all pairs (a, b)."""
    count = len(position)

    def vote(k: int, a: float, b: float) -> float:
        farther = (abs(position[k] - b) / delta) ** exponent[k]
        nearer = (abs(position[k] - a) / delta) ** exponent[k]
        return weight[k] * (farther - nearer)

    all_triples = 0.0
    if rule == "scholz":
        for k in range(count):
            for a in range(count):
                for b in range(count):
                    all_triples += abs(vote(k, position[a], position[b]))
    result = [[0.0] * count for _ in range(count)]
    for i in range(count):
        for j in range(count):
            if position[i] == position[j]:
                continue
            support = 0.0
            pair_total = 0.0
            for k in range(count):
                value = vote(k, position[i], position[j])
                support += max(0.0, value)
                pair_total += abs(value)
            denominator = all_triples if rule == "scholz" else pair_total
            result[i][j] = support / denominator if denominator > 0 else 0.0
    return result


def literal_expected_utility(p_exponent, success, target_salience, distance, challenger_to_median, quo) -> float:
    """``EU_p(i→j)`` of step 4 for one challenge, seen by p with exponent ``p_exponent``."""
    def utility(base: float) -> float:
        return 2.0 - 4.0 * max(base, 0.0) ** p_exponent

    value = target_salience * (success * utility(0.5 - 0.5 * distance) + (1 - success) * utility(0.5 + 0.5 * distance))
    value += (1 - target_salience) * utility(0.5 - 0.5 * distance) - quo * utility(0.5)
    if quo < 1:
        spread = challenger_to_median + distance
        better = 1.0 if challenger_to_median < distance else 0.0
        value -= (1 - quo) * (better * utility(0.5 - 0.25 * spread) + (1 - better) * utility(0.5 + 0.25 * spread))
    return value


def literal_round(position, salience, capability, delta, options):
    """One round; returns ``(new positions, risk exponents, kinds, partners)`` as lists.

    Kinds: 0 none, 1 confrontation, 2 compromise, 3 capitulation; partner -1 without a move.
    """
    count = len(position)
    weight = [capability[k] * salience[k] for k in range(count)]
    median = literal_weighted_median(position, weight)
    quo = options.status_quo_probability

    def challenge(perspective_exponent, success, challenger, target):
        return literal_expected_utility(
            perspective_exponent, success[challenger][target], salience[target],
            abs(position[challenger] - position[target]) / delta, abs(position[challenger] - median) / delta, quo)

    neutral = literal_probability(position, weight, [1.0] * count, delta, options.probability)
    danger = [sum(challenge(1.0, neutral, other, actor) for other in range(count) if other != actor)
              for actor in range(count)]
    high, low = max(danger), min(danger)
    exponent = []
    for actor in range(count):
        relative = (2 * danger[actor] - high - low) / (high - low) if high > low else 0.0
        exponent.append((1 - relative / 3) / (1 + relative / 3))

    success = literal_probability(position, weight, exponent, delta, options.probability)
    new_position, kinds, partners = list(position), [0] * count, [-1] * count
    for i in range(count):
        offers = {1: [], 2: [], 3: []}  # kind -> [(criterion, target, -offerer weight, j)]
        for j in range(count):
            if position[j] == position[i]:
                continue
            attack = challenge(exponent[i], success, i, j)
            defence = challenge(exponent[i], success, j, i)
            movement = abs(position[j] - position[i])
            if defence > attack > 0:
                offers[1].append((movement, position[j], -weight[j], j))
            elif defence > 0 > attack and defence > abs(attack):
                target = position[i] + (position[j] - position[i]) * abs(attack / defence)
                if options.compromise_choice == "scholz_code":
                    key = (abs(attack) * position[i] + abs(defence) * position[j]) / (abs(attack) + abs(defence))
                else:
                    key = abs(target - position[i])
                offers[2].append((key, target, -weight[j], j))
            elif defence > 0 > attack and abs(attack) > defence:
                offers[3].append((movement, position[j], -weight[j], j))
        for kind in (1, 2, 3):
            if not offers[kind]:
                continue
            best = min(offer[0] for offer in offers[kind])
            near = [offer for offer in offers[kind] if offer[0] <= best + TIE * max(abs(best), 1.0)]
            lowest = min(offer[1] for offer in near)
            near = [offer for offer in near if offer[1] <= lowest + TIE * max(abs(lowest), 1.0)]
            _, target, _, partner = min(near, key=lambda offer: (offer[2], offer[3]))
            new_position[i], kinds[i], partners[i] = target, kind, partner
            break
    return new_position, exponent, kinds, partners


def literal_eum(position, salience, capability, options):
    """Run the model on one issue: ``position``, ``salience`` (0..1), ``capability`` as lists.

    Returns ``(positions by round, weighted means by round, weighted medians by round)``;
    stops after ``options.rounds`` rounds or when no actor moves more than ``tolerance x Δ``.
    """
    position = [float(value) for value in position]
    spread = max(position) - min(position)
    delta = spread if spread > 0 else 1.0
    weight = [c * s for c, s in zip(capability, salience)]
    trajectory = [position]
    for _ in range(options.rounds):
        if spread <= 0:
            break
        new, _, _, _ = literal_round(trajectory[-1], salience, capability, delta, options)
        moved = max(abs(after - before) for after, before in zip(new, trajectory[-1]))
        trajectory.append(new)
        if moved <= options.tolerance * delta:
            break
    total = sum(weight)
    means = [sum(w * x for w, x in zip(weight, row)) / total for row in trajectory]
    medians = [literal_weighted_median(row, weight) for row in trajectory]
    return trajectory, means, medians


def check_agreement(seeds=range(6), tolerance: float = 1e-9) -> list[str]:
    """Run both implementations on seeded random issues (odd seeds with shared positions);
    returns one line per disagreement."""
    import numpy as np

    from realpolitik.models.eum import EUMOptions, run_eum

    failures = []
    settings = [
        EUMOptions(rounds=8),
        EUMOptions(rounds=8, probability="pairwise", compromise_choice="least_movement"),
        EUMOptions(rounds=8, compromise_choice="least_movement", status_quo_probability=0.6),
    ]
    for seed in seeds:
        rng = np.random.default_rng(seed)
        count = int(rng.integers(4, 14))
        # Odd seeds put positions on a coarse grid: shared positions, voters on midpoints.
        position = rng.choice(np.linspace(0, 100, 11), count) if seed % 2 else rng.uniform(0, 100, count)
        salience = rng.uniform(0.05, 1.0, count)
        capability = rng.uniform(1, 100, count)
        for options in settings:
            positions, means, medians = literal_eum(position.tolist(), salience.tolist(), capability.tolist(),
                                                    options)
            fast = run_eum(position, salience, capability, options)
            worst = max(
                float(np.abs(fast.positions[:, 0] - np.array(positions)).max()) if len(positions) ==
                fast.positions.shape[0] else math.inf,
                float(np.abs(fast.weighted_mean[:, 0] - np.array(means)).max()) if len(means) ==
                fast.weighted_mean.shape[0] else math.inf,
                float(np.abs(fast.weighted_median[:, 0] - np.array(medians)).max()) if len(medians) ==
                fast.weighted_median.shape[0] else math.inf,
            )
            if not worst <= tolerance:
                failures.append(f"seed {seed}, N={count}, {options.probability}/{options.compromise_choice}/"
                                f"Q={options.status_quo_probability}: largest difference {worst:.3g}")
    return failures


if __name__ == "__main__":
    problems = check_agreement()
    for line in problems:
        print(line)
    print("literal loop and vectorised kernel agree to 1e-9" if not problems else f"{len(problems)} disagreement(s)")
    sys.exit(1 if problems else 0)

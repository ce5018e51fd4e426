"""KTAB's SMP on a batch of tables at once: the turns of :func:`realpolitik.models.smp.kernel.run_smp`
with a leading draw axis, for Monte Carlo draws and lever sweeps.

Each turn works on the draws still running (a draw stops by KTAB's rule, as in the
kernel, and keeps its state). The arithmetic is the kernel's, operation by operation,
on ``(B, ...)`` arrays; what varies in length between draws is batched by length:

* the bargains: one slot per initiator (``-1`` target: none), in initiator order, as
  the kernel lists them;
* each actor's queue (the status quo, then the bargains involving it, in that order):
  the queues of all draws are grouped by length and each group's probabilistic
  Condorcet elections run as one batch.

The batch covers the deterministic state transitions with the ``InitOnlyInterp``
bargain model (KTAB's default); :func:`batched` says so, and the forecast layer runs
other options draw by draw. The adapter's preparation of a table (fillers for actors
not taking part, saliences as shares, clout) is that of
:func:`realpolitik.models.smp.adapter.run_table`, per draw.
"""

from __future__ import annotations

import numpy as np

from realpolitik.budget import checkpoint
from realpolitik.models.smp.adapter import _accommodation, run_table
from realpolitik.models.smp.bargain import interpolate
from realpolitik.models.smp.challenge import MIN_SIGNIFICANT_GAIN, _outcome, _principal_strengths, _third_party_votes
from realpolitik.models.smp.kernel import SMPOptions
from realpolitik.models.smp.utility import estimated_risk, risk_attitudes, utility, weighted_distance
from realpolitik.models.smp.voting import coalition_strengths, condorcet_probabilities, scalar_pce
from realpolitik.models.table_batch import (
    TableBatch,
    TableBatchRun,
    classify_by_rounds,
    draw_by_draw,
    weighted_means,
)

#: Largest draws x actors³ handled in one block of the challenge estimates.
BLOCK_ELEMENTS = 1 << 17


def batched(options: SMPOptions) -> bool:
    """Whether :func:`run_tables` covers these options (else the draws run one by one)."""
    return options.state_transitions == "Deterministic" and options.bargain_model == "InitOnlyInterp"


def run_tables(batch: TableBatch, options: SMPOptions) -> TableBatchRun:
    """The SMP on every table of ``batch``: per draw, what
    :func:`realpolitik.models.smp.adapter.run_table` gives that table (options that
    :func:`batched` does not cover run draw by draw)."""
    if not batched(options):
        return draw_by_draw(batch, run_table, options)
    weight = batch.capability * batch.salience
    taking_part = batch.participates
    filler = np.nansum(np.where(taking_part, batch.position, 0.0) * weight, axis=1) / np.maximum(
        weight.sum(axis=1), 1e-300)
    position = np.where(taking_part, batch.position, filler[:, None, :])
    total = batch.salience.sum(axis=2, keepdims=True)
    salience = np.where(total > 1.0, batch.salience / np.where(total > 0, total, 1.0), batch.salience)
    capability = (batch.capability * batch.salience).sum(axis=2) / np.where(total[:, :, 0] > 0, total[:, :, 0], 1.0)
    has_say = (total[:, :, 0] > 0) & (capability > 0)
    draws = batch.draws
    states_by_group, rounds_run, stopped = [], np.zeros(draws, dtype=int), np.zeros(draws, dtype=bool)
    patterns, group_of = np.unique(has_say, axis=0, return_inverse=True)
    for number, pattern in enumerate(patterns):
        members = np.flatnonzero(group_of.reshape(-1) == number)
        active = np.flatnonzero(pattern)
        if len(active) < 2:
            states_by_group.append((members, position[members][None]))
            stopped[members] = True
            continue
        accommodation = _accommodation([batch.actors[n] for n in active], options)
        moved, rounds, converged = _turns(position[members][:, active], salience[members][:, active],
                                          capability[members][:, active], options, batch.scale_min,
                                          batch.scale_max, accommodation)
        states = np.repeat(position[members][None], moved.shape[0], axis=0)
        states[:, :, active] = moved
        states_by_group.append((members, states))
        rounds_run[members], stopped[members] = rounds, converged
    longest = max(states.shape[0] for _, states in states_by_group)
    every = np.empty((longest, *position.shape))
    for members, states in states_by_group:
        every[:states.shape[0], members] = states
        every[states.shape[0]:, members] = states[-1]
    return classify_by_rounds(batch, every, weighted_means(batch, every), rounds_run, stopped)


def _turns(position, salience, capability, options: SMPOptions, scale_min, scale_max, accommodation):
    """The kernel's turns on ``(B, N, D)`` tables until each draw stops. Returns the positions after
    every turn ``(T+1, B, N, D)`` on the input scale (a stopped draw keeps its last state), the
    turns each draw ran ``(B,)`` and whether KTAB's rule stopped it ``(B,)``."""
    draws, actors, _ = position.shape
    low, high = np.asarray(scale_min, dtype=float), np.asarray(scale_max, dtype=float)
    current = (position - low) / (high - low)
    salience_total = salience.sum(axis=-1)
    weight = capability * salience_total
    ideal = current.copy()
    history = [current]
    running = np.ones(draws, dtype=bool)
    rounds = np.full(draws, options.max_iterations)
    converged = np.zeros(draws, dtype=bool)
    first_step = np.zeros(draws)
    if accommodation is not None:
        lag = 1.0 - np.minimum(accommodation.sum(axis=1), 1.0)
    for iteration in range(1, options.max_iterations + 1):
        checkpoint()  # a cancelled run stops here (see realpolitik.budget)
        rows = np.flatnonzero(running)
        following = _turn(current[rows], ideal[rows], salience[rows], capability[rows], weight[rows],
                          salience_total[rows], options)
        new_current, new_ideal = current.copy(), ideal.copy()
        new_current[rows] = following
        if accommodation is None:
            new_ideal[rows] = following
        else:
            new_ideal[rows] = accommodation @ following + lag[:, None] * ideal[rows]
        if iteration == 1:
            first_step = _movement(history[0], new_current) + options.min_significant_delta
        ratio = _movement(current[rows], following) / first_step[rows]
        history.append(new_current)
        current, ideal = new_current, new_ideal
        if iteration >= options.min_iterations:
            done = rows[ratio < options.min_delta_ratio]
            rounds[done] = iteration
            converged[done] = True
            running[done] = False
        if not running.any():
            break
    positions = low + (high - low) * np.stack(history)
    positions[0] = position  # exactly as given
    return positions, rounds, converged


def _movement(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Per draw, ``sum_i |x_i' - x_i|`` (the kernel's movement of a turn)."""
    step = after - before
    return np.sqrt((step * step).sum(axis=-1)).sum(axis=-1)


def _turn(current, ideal, salience, capability, weight, salience_total, options: SMPOptions) -> np.ndarray:
    """One turn of every draw of ``current (B, N, D)``: the positions each actor adopts."""
    draws, actors, _ = current.shape
    index = np.arange(actors)
    distance = weighted_distance(ideal, current, salience)
    strengths = coalition_strengths(options.voting_rule, capability, 1 - distance)
    probability = condorcet_probabilities(options.pce_model, options.victory_probability_model, strengths)
    risk = risk_attitudes(probability, options.big_r_range)
    estimate = estimated_risk(risk, options.big_r_adjust)
    utilities = utility(distance[:, None, :, :], estimate[:, :, :, None])  # (B, h, a, b)
    own_utility = utilities[:, index, index, :]
    success, gain = _initiator_estimates(utilities, weight, salience_total, options)
    masked = gain.copy()
    masked[:, index, index] = -np.inf
    target = np.argmax(masked, axis=-1)
    best = np.take_along_axis(masked, target[..., None], axis=-1)[..., 0]
    target = np.where(best > MIN_SIGNIFICANT_GAIN, target, -1)
    proposed = target >= 0
    receiver = np.maximum(target, 0)
    draw = np.arange(draws)[:, None]
    chance = success[draw, index[None, :], receiver]
    bargain_i, bargain_j = (part.reshape(draws, actors, -1) for part in interpolate(
        options.bargain_interpolation, current.reshape(draws * actors, -1), salience.reshape(draws * actors, -1),
        chance.reshape(-1), current[draw, receiver].reshape(draws * actors, -1),
        salience[draw, receiver].reshape(draws * actors, -1), 1 - chance.reshape(-1)))
    values = _state_values(bargain_i, bargain_j, receiver, ideal, salience, risk, own_utility)
    choice = _choices(values, proposed, receiver, capability, options)
    following = current.copy()
    chosen = choice >= 0
    as_initiator = chosen & (choice == index[None, :])
    as_receiver = chosen & ~as_initiator
    slot = np.maximum(choice, 0)
    following[as_initiator] = bargain_i[draw, slot][as_initiator]
    following[as_receiver] = bargain_j[draw, slot][as_receiver]
    return following


def _initiator_estimates(utilities, weight, salience_total, options: SMPOptions):
    """:func:`realpolitik.models.smp.challenge.initiator_estimates` for every draw: ``(B, N, N)`` each."""
    draws, actors = weight.shape
    index = np.arange(actors)
    probability, gain = np.zeros((draws, actors, actors)), np.zeros((draws, actors, actors))
    block = max(1, BLOCK_ELEMENTS // actors ** 3)
    for start in range(0, draws, block):
        part = slice(start, start + block)
        table, strength = utilities[part], weight[part]
        own_row = table[:, index, index, :]  # U^i[i, b]
        own_column = table[:, index, :, index].swapaxes(0, 1)  # U^i[a, i] -> (B, i, a)
        self_value = table[:, :, index, index]  # U^i[a, a]
        uii = own_row[:, index, index][:, :, None]
        strength_ij, strength_ji = _principal_strengths(
            options.voting_rule, strength[:, :, None], strength[:, None, :], uii, own_row, own_column, self_value)
        third = _third_party_votes(
            options.voting_rule, options.third_party_commit, strength[:, None, None, :], strength_ij[..., None],
            strength_ji[..., None], own_column[:, :, None, :], np.swapaxes(table, -1, -2), self_value[:, :, None, :])
        if third is not None:
            third[:, index, :, index] = 0.0  # n = i is no third party
            third[:, :, index, index] = 0.0  # nor is n = j
            strength_ij = strength_ij + np.maximum(third, 0.0).sum(axis=-1)
            strength_ji = strength_ji + np.maximum(np.negative(third, out=third), 0.0).sum(axis=-1)
        probability[part], gain[part] = _outcome(strength_ij, strength_ji, salience_total[part][:, None, :],
                                                 uii, own_row)
    return probability, gain


def _state_values(bargain_i, bargain_j, receiver, ideal, salience, risk, own_utility) -> np.ndarray:
    """``(B, N, 1 + N)``: the value to every actor of the status quo (column 0) and of the state after
    each initiator's bargain, summed in the kernel's order (:func:`realpolitik.models.smp.bargain.state_values`)."""
    draws, actors = receiver.shape
    index = np.arange(actors)
    moved_i = utility(weighted_distance(ideal, bargain_i, salience), risk[:, :, None])  # (B, a, p)
    moved_j = utility(weighted_distance(ideal, bargain_j, salience), risk[:, :, None])
    moved = (index[None, None, :] == index[None, :, None]) | (index[None, None, :] == receiver[:, :, None])  # (B, p, n)
    terms = np.empty((draws, actors, actors, actors + 2))
    terms[..., 0] = moved_i
    terms[..., 1] = moved_j
    terms[..., 2:] = np.where(moved[:, None, :, :], 0.0, own_utility[:, :, None, :])
    values = np.empty((draws, actors, actors + 1))
    values[:, :, 0] = np.cumsum(own_utility, axis=-1)[..., -1] / actors
    values[:, :, 1:] = np.cumsum(terms, axis=-1)[..., -1] / actors
    return values


def _choices(values, proposed, receiver, capability, options: SMPOptions) -> np.ndarray:
    """Each actor's choice ``(B, N)``: the slot of the bargain it adopts, or -1 for the status quo,
    the most likely option of its queue (:func:`realpolitik.models.smp.bargain.queue_probabilities`)."""
    draws, actors = proposed.shape
    index = np.arange(actors)
    involved = proposed[:, None, :] & ((index[None, None, :] == index[None, :, None])
                                       | (receiver[:, None, :] == index[None, :, None]))  # (B, k, p)
    length = 1 + involved.sum(axis=-1)
    choice = np.full((draws, actors), -1)
    for size in np.unique(length):
        if size == 1:
            continue
        draw, actor = np.nonzero(length == size)
        slots = np.nonzero(involved[draw, actor])[1].reshape(-1, size - 1)
        columns = np.concatenate([np.zeros((len(draw), 1), dtype=int), slots + 1], axis=1)
        options_utility = np.moveaxis(values[draw[:, None], :, columns], -1, 1)  # (G, N, L)
        probabilities = scalar_pce(options.voting_rule, options.victory_probability_model, options.pce_model,
                                   capability[draw], options_utility)
        pick = np.argmax(probabilities, axis=-1)
        choice[draw, actor] = np.where(pick > 0, columns[np.arange(len(draw)), pick] - 1, -1)
    return choice

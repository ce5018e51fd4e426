"""KTAB's SMP in the forecast layer: every issue of a table at once, one issue per dimension."""

from __future__ import annotations

import numpy as np

from realpolitik.models.runs import ActorMove, TableRun, table_histories, table_run
from realpolitik.models.smp.kernel import SMPOptions, accommodation_matrix, run_smp
from realpolitik.scenario import Problem, ScenarioError, TableArrays


def run_table(table: TableArrays, options: SMPOptions) -> TableRun:
    """KTAB's SMP on every issue at once (one issue per dimension).

    The SMP needs every actor on every dimension. Where an actor takes no part in an
    issue, it gets salience 0 there and sits at the participants' capability x salience
    weighted mean, so it neither pulls nor is pulled on that issue. Saliences are shares
    of an actor's attention in KTAB: an actor's saliences are divided by their sum where
    it exceeds 1. The actor's clout is its salience-weighted mean capability over the
    issues it takes part in; an actor that cares about nothing (or has no clout) has no
    say and keeps its positions. The forecast per issue is the participants' weighted
    mean of the last state (of one period where the state cycles; KTAB's stopping rule,
    the options ``min_delta_ratio`` and ``min_significant_delta``, counts as converged).
    """
    weight = table.capability * table.salience
    taking_part = table.participates
    filler = np.nansum(np.where(taking_part, table.position, 0.0) * weight, axis=0) / np.maximum(
        weight.sum(axis=0), 1e-300)
    position = np.where(taking_part, table.position, filler[None, :])
    total = table.salience.sum(axis=1, keepdims=True)
    salience = np.where(total > 1.0, table.salience / np.where(total > 0, total, 1.0), table.salience)
    capability = (table.capability * table.salience).sum(axis=1) / np.where(total[:, 0] > 0, total[:, 0], 1.0)
    # Actors that care about nothing (every salience 0) have no say and never move.
    active = np.flatnonzero((total[:, 0] > 0) & (capability > 0))
    if len(active) < 2:
        histories = table_histories(table, position[None], [[[] for _ in table.issues]], "converged")
        return _run(table, histories, True)
    result = run_smp(position[active], salience[active], capability[active], options,
                     scale=(table.scale_min, table.scale_max),
                     accommodation=_accommodation([table.actors[n] for n in active], options))
    states = np.repeat(position[None], result.positions.shape[0], axis=0)
    states[:, active] = result.positions
    moves: list[list[list[ActorMove]]] = [[[] for _ in table.issues]]
    for t, turn in enumerate(result.turns, start=1):
        this_turn: list[list[ActorMove]] = [[] for _ in table.issues]
        for member, chosen in enumerate(turn.adopted.tolist()):
            if chosen < 0:
                continue
            bargain = turn.bargains[chosen]
            actor = int(active[member])
            partner = int(active[bargain.receiver if bargain.initiator == member else bargain.initiator])
            for k in range(len(table.issues)):
                if taking_part[actor, k] and abs(states[t, actor, k] - states[t - 1, actor, k]) > 1e-12:
                    this_turn[k].append(ActorMove(actor, "bargain", partner, float(states[t, actor, k])))
        moves.append(this_turn)
    histories = table_histories(table, states, moves, result.stop_reason)
    return _run(table, histories, result.stop_reason == "converged")


def _accommodation(actors: list[str], options: SMPOptions) -> np.ndarray | None:
    """KTAB's ideal-accommodation matrix over the actors that have a say, from the options'
    ideal adjustments (None: ideals follow positions). An adjustment that involves an actor
    with no say (no salience or no capability) is refused: the model cannot follow it."""
    try:
        return accommodation_matrix(actors, options.ideal_adjustment)
    except ValueError as error:
        raise ScenarioError([Problem(f"SMP option ideal_adjustment: {error} (an actor with some "
                                     "salience and capability)", field="ideal_adjustment")]) from None


def _run(table: TableArrays, histories, stopped: bool) -> TableRun:
    return table_run(table, histories, np.stack([history.weighted_mean for history in histories], axis=1), stopped)

"""The exchange model in the forecast layer: every issue of a table at once."""

from __future__ import annotations

from realpolitik.models.exchange.kernel import run_exchange
from realpolitik.models.exchange.options import ExchangeOptions
from realpolitik.models.runs import ActorMove, TableRun, table_histories, table_run
from realpolitik.scenario import TableArrays


def run_table(table: TableArrays, options: ExchangeOptions) -> TableRun:
    """Stokman and Van Oosten's exchange model on every issue at once; the forecast per
    issue is its expected outcome after the last round, or its mean over one period where
    the positions the rounds start from cycle (the model has no stopping rule of its own)."""
    result = run_exchange(table.position, table.salience, table.capability, table.scale_min, table.scale_max,
                          options, table.participates)
    moves: list[list[list[ActorMove]]] = [[[] for _ in table.issues]]
    for exchanges in result.exchanges:
        this_round: list[list[ActorMove]] = [[] for _ in table.issues]
        for record in exchanges:
            this_round[record.issue_i].append(ActorMove(record.actor_i, "exchange", record.actor_j,
                                                        record.position_i_after))
            this_round[record.issue_j].append(ActorMove(record.actor_j, "exchange", record.actor_i,
                                                        record.position_j_after))
        moves.append(this_round)
    histories = table_histories(table, result.positions, moves, "round limit")
    return table_run(table, histories, result.outcomes, False)

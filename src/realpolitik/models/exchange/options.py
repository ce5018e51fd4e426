"""Options of the exchange model and its named presets (see :mod:`realpolitik.models.exchange.kernel`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ExchangeOptions(BaseModel):
    """Options of the exchange model, named after the paper's terms."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gain_rule: Literal["equal_gain"] = Field(
        "equal_gain", description="How two traders share the gain: 'equal_gain' (both gain the same utility)."
    )
    rounds: int = Field(10, ge=0, le=10_000, description="Number of rounds of exchanges.")
    position_update: Literal["partial_adjustment", "voting_position"] = Field(
        "partial_adjustment",
        description="Where a trader starts the next round: part of the way to its voting position "
        "('partial_adjustment', see fixed_weight and salience_weight) or at it ('voting_position').",
    )
    outcome_limit: Literal["demander_position", "decide_2022"] = Field(
        "demander_position",
        description="An exchange may not carry an issue's outcome, as its demander sees it, past the demander's "
        "position: a move that would is shortened to land the outcome on it. 'demander_position': the demander "
        "counts the latest votes it obtained, and once the outcome is on its position no further move on that "
        "issue is made for it. 'decide_2022': as the peer, which shortens only moves that carry the outcome from "
        "one side of the position to the other (an outcome lying exactly on it can be pushed past it), measures "
        "the shortened move from the supplier's vote as the demander recorded it (which can take the supplier's "
        "partner past its own target), and of two votes obtained from one supplier counts the one nearer the "
        "supplier's start.",
    )
    fixed_weight: float = Field(0.1, ge=0, le=1, description="Share of a vote move every trader keeps.")
    salience_weight: float = Field(
        0.4, ge=0, le=1, description="Further share kept in proportion to (1 - salience) of the supply issue."
    )
    tie_break: Literal["enumeration_order", "coin_flip"] = Field(
        "enumeration_order",
        description="Exchanges of exactly equal gain: the first in the candidate list goes first "
        "('enumeration_order'), or a seeded fair coin decides between the two best ('coin_flip', the "
        "peer's default, its queue handling included: the loser waits at the back, and when the first "
        "wins the runner-up is queued twice).",
    )
    seed: int = Field(0, description="Seed of the coin used by tie_break='coin_flip'.")

    @model_validator(mode="after")
    def _weights_are_shares(self) -> ExchangeOptions:
        if self.fixed_weight + self.salience_weight > 1:
            raise ValueError("fixed_weight + salience_weight must not exceed 1")
        return self


#: Named option sets. "decide-2022" follows ``decide-exchange-model`` 2022.1.28, exact ties taken
#: in candidate order; "decide-2022-coin" follows its default, exact ties settled by a coin (the
#: same coins as ``random.seed(seed)`` there); "stokman-van-oosten-1994" is the single round of the
#: original chapter, read at the votes, with the self-consistent outcome limit.
PRESETS: dict[str, ExchangeOptions] = {
    "decide-2022": ExchangeOptions(outcome_limit="decide_2022"),
    "decide-2022-coin": ExchangeOptions(outcome_limit="decide_2022", tie_break="coin_flip", seed=0),
    "stokman-van-oosten-1994": ExchangeOptions(rounds=1, position_update="voting_position"),
}

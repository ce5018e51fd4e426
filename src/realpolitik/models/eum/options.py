"""Options of the expected utility model and its named presets (see :mod:`realpolitik.models.eum.kernel`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class EUMOptions(BaseModel):
    """Options of the expected utility model, named after Scholz et al. (2011)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    probability: Literal["scholz", "pairwise"] = Field(
        "scholz",
        description="Denominator of P(i,j): 'scholz' sums |votes| over all voters and all ordered "
        "actor pairs (the published code); 'pairwise' over the pair (i, j) alone.",
    )
    compromise_choice: Literal["scholz_code", "least_movement"] = Field(
        "scholz_code",
        description="Among compromise offers: 'scholz_code' takes the smallest "
        "(|a| x_i + |b| x_j)/(|a| + |b|), as the published code does; 'least_movement' the one "
        "that moves the actor least, as the paper's text says.",
    )
    status_quo_probability: float = Field(
        1.0, ge=0.0, le=1.0, description="Q: the probability that the status quo holds without a challenge."
    )
    rounds: int = Field(10, ge=0, le=10_000, description="Largest number of rounds.")
    tolerance: float = Field(
        1e-9, ge=0.0, description="Stop when no actor moves more than tolerance x Δ in a round; also the "
        "tolerance within which a state repeats (a cycle).",
    )
    stopping: Literal["no_move", "forecast_settles"] = Field(
        "no_move",
        description="When a draw stops before the round limit: 'no_move' when no actor moves more than "
        "tolerance x Δ; 'forecast_settles' also when the forecast (the weighted median or mean) moves no more "
        "than settle_threshold x Δ in a round, Bueno de Mesquita's rule (2002): bargaining ends when the shift "
        "of the median from one round to the next is small enough.",
    )
    settle_threshold: float = Field(
        0.0, ge=0.0, le=1.0, description="With stopping='forecast_settles': the largest shift of the forecast, "
        "as a share of Δ, that ends bargaining.",
    )
    forecast: Literal["median", "mean"] = Field(
        "median",
        description="The forecast read off the final positions: the weighted median (Bueno de "
        "Mesquita's prediction) or the weighted mean.",
    )


PRESETS: dict[str, EUMOptions] = {
    # Reproduces the published run of Scholz, Calbert & Smith (2011) on the 1994 EC
    # emissions example (tested against ../shared/data/scholz2011/oracle.json).
    "scholz2011": EUMOptions(probability="scholz", compromise_choice="scholz_code", status_quo_probability=1.0),
    # Bueno de Mesquita's evident intent: P(i,j) + P(j,i) = 1, least movement.
    "bdm-pairwise": EUMOptions(probability="pairwise", compromise_choice="least_movement"),
}

"""Options and presets of the veto-player model.

``roles`` says where the veto players, the agenda setter and the reversion point come
from: ``declared``, the issue's own ``veto_players``, ``agenda_setter`` and
``reversion`` (see ``docs/scenario-format.md``); ``eu_procedure``, the EU legislative
procedure that DEU III records for each issue (:mod:`.eu_procedures`; only
``realpolitik backtest deu3`` has those records). The other options apply to the EU
procedures only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class VetoOptions(BaseModel):
    """Options of the veto-player model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: Literal["declared", "eu_procedure"] = Field(
        "declared", description="'declared': the issue's veto players, agenda setter and reversion point; "
        "'eu_procedure': the EU procedure DEU III records (proc, counvte, rp).")
    council_rule: Literal["recorded", "unanimity"] = Field(
        "recorded", description="EU only. 'recorded': the Council decides by the voting rule DEU III records "
        "(its qualified-majority pivots bound the winset, or every member state under unanimity); "
        "'unanimity': every member state is a veto player whatever the recorded rule.")
    codecision_agenda_setter: Literal["commission", "none"] = Field(
        "commission", description="EU only. Under co-decision, 'commission': the Commission sets the agenda "
        "(Steunenberg 1994; Crombez 1996); 'none': the Council and the Parliament bargain over their joint "
        "winset, which ends nearest the weighted mean (Tsebelis & Garrett 2000).")


PRESETS: dict[str, VetoOptions] = {
    "tsebelis2002": VetoOptions(),
    "eu-commission-setter": VetoOptions(roles="eu_procedure"),
    "eu-conciliation": VetoOptions(roles="eu_procedure", codecision_agenda_setter="none"),
    "eu-council-unanimity": VetoOptions(roles="eu_procedure", council_rule="unanimity"),
}

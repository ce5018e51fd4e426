"""The EU's legislative procedures as DEU III records them, as veto-player games.

Each DEU III issue records its procedure (``proc``: consultation CNS or co-decision
COD), the Council's voting rule (``counvte``: QMV, unanimity) and often a reference
point (``rp``). The procedural models of Steunenberg (1994), Crombez (1996) and
Tsebelis & Garrett (2000) read them as follows (one dimension, distance-based
preferences):

* **Agenda setter**: the Commission proposes; the outcome is the point it likes best
  among those the veto players prefer to the reference point (consultation: Crombez
  1996; co-decision: Steunenberg 1994). Under co-decision, Tsebelis & Garrett (2000)
  find that the Commission lost its agenda-setting power after Amsterdam: the Council
  and the Parliament bargain over their joint winset (option
  ``codecision_agenda_setter="none"``: the outcome is the point of the winset nearest
  the capability x salience weighted mean of every participant).
* **Council**: under unanimity every member state is a veto player; under qualified
  majority the pivotal member states bound the winset (see
  :func:`realpolitik.models.veto.kernel.majority_pivots`), with the rule of the period
  (:data:`COUNCIL_RULES`), which this module infers from the member states whose
  positions are recorded: no state of the 2004 enlargement recorded: EU-15, the
  Amsterdam weights (62 of 87 votes; ``QMV(10)``: also 10 of the 15 members); a 2004
  state but no 2007 one: EU-25, Nice weights (232 of 321); a 2007 state but not
  Croatia: EU-27 (255 of 345); Croatia: EU-28 under the Lisbon double majority (55% of
  the members and 65% of the population; a blocking minority needs at least four
  members). Member states without a recorded position are left out and each quota is
  taken as the same share of the recorded members' total (they are taken to follow
  the majority). Assumptions, stated: Nice's member and 62%-population checks are left
  out (they bind far less than its 74% of the votes); EU-28 issues decided before
  November 2014, or under the transitional request for Nice weights until March 2017,
  are still scored under the double majority; seven issues of 2004-2007 proposals
  record no new member state and are scored as EU-15.
* **Parliament**: a veto player under co-decision, none under consultation.
* **Reference point**: ``rp`` where recorded (253 of the 353 issues). Where it is empty,
  assumed: the end of the scale farthest from the Commission's position (the
  Commission proposes a change, so the reversion lies on the side away from it; 0 at a
  tie), or from the weighted mean where the Commission takes no position. In the
  issues that record ``rp``, 63% have it at the end farthest from the Commission.

Sources: Steunenberg, B. (1994). *Journal of Theoretical Politics* 6(4); Crombez, C.
(1996). *European Journal of Political Research* 29; Tsebelis, G. & Garrett, G.
(2000). "Legislative politics in the European Union". *European Union Politics*
1(1). Council votes: Treaty of Amsterdam, Article 205(2) TEC; Treaty of Nice as
amended by the accession treaties (Protocol No 36 TFEU, Article 3); Treaty of Lisbon,
Article 16(4) TEU and Article 238(3) TFEU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.models.veto.kernel import majority_pivots, unanimity_winset, veto_outcome
from realpolitik.models.veto.options import VetoOptions
from realpolitik.models.weighted import weighted_mean

COMMISSION, PARLIAMENT = "com", "ep"
#: Council votes under the Treaty of Amsterdam (EU-15), by DEU III actor code.
AMSTERDAM_COUNCIL_VOTES: dict[str, int] = {
    "de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5, "at": 4, "se": 4,
    "dk": 3, "ie": 3, "fi": 3, "lu": 2,
}
#: Council votes under the Treaty of Nice, by DEU III actor code (Protocol No 36 TFEU, Article 3).
NICE_COUNCIL_VOTES: dict[str, int] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13, "be": 12, "cz": 12,
    "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10, "cr": 7, "dk": 7, "ie": 7, "lt": 7, "sk": 7,
    "fi": 7, "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4, "mt": 3,
}
#: Population on 1 January 2017 in millions (Eurostat, rounded), for the Lisbon double majority.
POPULATION_2017: dict[str, float] = {
    "de": 82.52, "fr": 66.99, "uk": 65.81, "it": 60.59, "es": 46.53, "pl": 37.97, "ro": 19.64, "nl": 17.08,
    "be": 11.35, "el": 10.77, "cz": 10.58, "pt": 10.31, "se": 9.99, "hu": 9.80, "at": 8.77, "bu": 7.10,
    "dk": 5.75, "fi": 5.50, "sk": 5.44, "ie": 4.78, "cr": 4.15, "lt": 2.85, "si": 2.07, "lv": 1.95,
    "ee": 1.32, "cy": 0.85, "lu": 0.59, "mt": 0.46,
}
ENLARGEMENT_2004 = ("cz", "ee", "cy", "lv", "lt", "hu", "mt", "pl", "si", "sk")
ENLARGEMENT_2007 = ("bu", "ro")
ENLARGEMENT_2013 = ("cr",)


@dataclass(frozen=True)
class CouncilRule:
    """A qualified-majority rule: per criterion the members' weights and the quota (a share of
    the full Council's total), and the fewest members a blocking minority needs (0: any)."""

    name: str
    weights: tuple[dict[str, float], ...]
    quotas: tuple[float, ...]
    blocking_members: int = 0


_EVERY_MEMBER_COUNTS = {member: 1.0 for member in NICE_COUNCIL_VOTES}
#: The rules of the periods DEU III spans (see the module's docstring).
COUNCIL_RULES: dict[str, CouncilRule] = {
    "EU-15": CouncilRule("EU-15, Amsterdam weights", ({k: float(v) for k, v in AMSTERDAM_COUNCIL_VOTES.items()},),
                         (62 / 87,)),
    "EU-15, 10 members": CouncilRule("EU-15, Amsterdam weights, at least 10 members",
                                     ({k: float(v) for k, v in AMSTERDAM_COUNCIL_VOTES.items()},
                                      _EVERY_MEMBER_COUNTS), (62 / 87, 10 / 15)),
    "EU-25": CouncilRule("EU-25, Nice weights", ({k: float(v) for k, v in NICE_COUNCIL_VOTES.items()},),
                         (232 / 321,)),
    "EU-27": CouncilRule("EU-27, Nice weights", ({k: float(v) for k, v in NICE_COUNCIL_VOTES.items()},),
                         (255 / 345,)),
    "EU-28": CouncilRule("EU-28, Lisbon double majority", (_EVERY_MEMBER_COUNTS, POPULATION_2017), (0.55, 0.65),
                         blocking_members=4),
}


def council_period(members: list[str], voting_rule: str) -> str:
    """The key of :data:`COUNCIL_RULES` for an issue whose recorded member states are ``members``."""
    if any(member in ENLARGEMENT_2013 for member in members):
        return "EU-28"
    if any(member in ENLARGEMENT_2007 for member in members):
        return "EU-27"
    if any(member in ENLARGEMENT_2004 for member in members):
        return "EU-25"
    return "EU-15, 10 members" if voting_rule.strip().upper() == "QMV(10)" else "EU-15"


def assumed_reference_point(actors: list[str], position: np.ndarray, weight: np.ndarray, scale_min: float,
                            scale_max: float) -> np.ndarray:
    """Where DEU III records no reference point: the end of the scale farthest from the
    Commission's position (or from the weighted mean without one), ``scale_min`` at a tie. ``(B,)``."""
    anchor = position[:, actors.index(COMMISSION)] if COMMISSION in actors else weighted_mean(position, weight)
    return np.where(anchor - scale_min > scale_max - anchor, scale_min, scale_max)


def eu_procedure_outcome(actors: list[str], position, salience, capability, reference_point: float | None,
                         procedure: str, voting_rule: str, options: VetoOptions, scale_min: float = 0.0,
                         scale_max: float = 100.0) -> np.ndarray:
    """The procedural model's outcome of one DEU III issue.

    ``actors`` the DEU III codes of the participants; ``position, salience, capability (B, N)``;
    ``reference_point`` the recorded ``rp`` (None: assumed, see :func:`assumed_reference_point`);
    ``procedure`` ``COD`` or ``CNS``; ``voting_rule`` the recorded ``counvte``. Returns ``(B,)``.
    """
    position = np.atleast_2d(np.asarray(position, dtype=float))
    weight = np.broadcast_to(np.asarray(capability, dtype=float) * np.asarray(salience, dtype=float), position.shape)
    codecision = procedure.strip().upper() == "COD"
    if reference_point is None:
        reversion = assumed_reference_point(actors, position, weight, scale_min, scale_max)
    else:
        reversion = np.full(position.shape[0], float(reference_point))
    members = [n for n, actor in enumerate(actors) if actor not in (COMMISSION, PARLIAMENT)]
    unanimity = options.council_rule == "unanimity" or voting_rule.strip().lower().startswith("unan")
    veto_ideals = []
    if members and unanimity:
        veto_ideals.append(position[:, members])
    elif members:
        rule = COUNCIL_RULES[council_period([actors[n] for n in members], voting_rule)]
        weights = np.array([[criterion[actors[n]] for criterion in rule.weights] for n in members])
        left, right = majority_pivots(position[:, members], weights, np.array(rule.quotas), rule.blocking_members)
        veto_ideals.append(np.column_stack([left, right]))
    if codecision and PARLIAMENT in actors:
        veto_ideals.append(position[:, [actors.index(PARLIAMENT)]])
    low, high = unanimity_winset(np.concatenate(veto_ideals, axis=1) if veto_ideals else position[:, :0], reversion)
    setter_proposes = COMMISSION in actors and not (codecision and options.codecision_agenda_setter == "none")
    target = position[:, actors.index(COMMISSION)] if setter_proposes else weighted_mean(position, weight)
    return veto_outcome(low, high, target)

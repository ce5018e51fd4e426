"""What happens next, and who could change it: the answer a forecast run gives first.

Per issue, from the run's stored analyses:

* **what happens**: where veto players are declared, the median of the mixture of the
  model's settlement (in the draws with a deal) and the reversion point (in the others),
  with ``P(agreement)`` and the veto players who refuse most often
  (:mod:`realpolitik.analysis.agreement`); otherwise the model's forecast;
* **whether the models agree**: every model's settlement side by side; they *agree*
  when all lie within :data:`AGREEMENT_SHARE` of the scale of each other, else the
  outliers are named with the reason their arithmetic gives (the Nash solution held at
  its disagreement point, the veto-player model held at the reversion point, a
  dynamic model cycling or still moving at its round limit, the weighted median
  following one pivotal actor);
* **how fragile**: the stability of the run's own trajectory;
* **who could change it**: the settlements every veto player accepts now (their
  winset), how far each veto player who refuses the model's settlement would have to
  move to accept it, and the single step change that moves the run's forecast most
  (:mod:`realpolitik.analysis.levers`).

The sentences are built here from numbers computed once, when the run is made; the
command line and the web app only print them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Models whose settlements lie within this share of the scale's width of each other agree.
AGREEMENT_SHARE = 0.10


@dataclass
class IssueOutlook:
    """The answer for one issue: numbers and the sentences that say them."""

    issue: str
    title: str
    most_likely: float
    most_likely_label: str
    agreement_probability: float | None
    settlements: dict[str, float]
    sentences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"issue": self.issue, "title": self.title, "most_likely": self.most_likely,
                "most_likely_label": self.most_likely_label, "agreement_probability": self.agreement_probability,
                "settlements": self.settlements, "sentences": self.sentences}


def _value(issue_document: dict[str, Any], value: float) -> str:
    """``"20 (energy strikes paused)"``: a value with its nearest anchor's label."""
    anchors = {float(point): label for point, label in issue_document.get("anchors", {}).items()}
    if not anchors:
        return f"{value:.0f}"
    nearest = min(anchors, key=lambda point: (abs(point - value), point))
    return f"{value:.0f} ({anchors[nearest]})"


def _stability_words(stability: dict[str, Any] | None, width: float) -> str | None:
    """The trajectory's instability in words, or None when it settled (or its forecast held
    within :data:`AGREEMENT_SHARE` / 10 of the scale while some actors still moved)."""
    if not stability or stability.get("status") not in ("cycle", "round limit"):
        return None
    low, high = stability.get("range") or (None, None)
    if stability["status"] == "cycle":
        return (f"cycles with period {stability.get('period')} between {low:.0f} and {high:.0f} "
                "(its forecast is the mean over one cycle)")
    if low is not None and high - low <= AGREEMENT_SHARE / 10 * width:
        return None
    spread = f" (between {low:.0f} and {high:.0f} lately)" if low is not None else ""
    return f"is still moving after {stability.get('rounds_run')} rounds{spread}: its last round is not a settled point"


def _reasons(issue_document: dict[str, Any], by_model: dict[str, dict[str, Any]], outliers: list[str]) -> list[str]:
    """Why each outlying model lands where it does, from what its own arithmetic says."""
    reasons = []
    reference = issue_document.get("status_quo")
    reversion = (issue_document.get("agreement") or {}).get("reversion", reference)
    for name in outliers:
        item = by_model[name]
        value = item["forecast"]
        unstable = _stability_words(item.get("stability"), issue_document["scale"][1] - issue_document["scale"][0])
        if name == "nash" and reference is not None and abs(value - reference) < 1e-6:
            reasons.append(f"the Nash solution stays at the status quo {reference:g}: no outcome leaves every actor "
                           "better off than it")
        elif name == "veto" and reversion is not None and abs(value - reversion) < 1e-6:
            reasons.append(f"the veto-player model stays at the reversion point {reversion:g}: no outcome is "
                           "preferred to it by every veto player")
        elif unstable:
            reasons.append(f"the {name} model {unstable}")
        elif name == "median":
            reasons.append(f"the weighted median ({value:.0f}) follows the pivotal actor, not the average")
        else:
            reasons.append(f"{name} lands at {value:.0f}")
    return reasons


def issue_outlook(issue_document: dict[str, Any], by_model: dict[str, dict[str, Any]], model: str,
                  lever_sentence: str | None) -> IssueOutlook:
    """The answer for one issue.

    ``issue_document``: the run's own issue document (``forecast``, ``stability``, and
    ``agreement`` where veto players are declared); ``by_model``: every model's issue
    document for the same issue; ``lever_sentence``: the strongest lever in words.
    """
    scale_min, scale_max = issue_document["scale"]
    width = scale_max - scale_min
    agreement = issue_document.get("agreement")
    sentences = []
    if agreement:
        most_likely = agreement["outcome_median"]
        probability = agreement["probability"]
        refusing = sorted(agreement["refusal_share"].items(), key=lambda item: -item[1])
        blockers = [f"{name} ({share:.0%})" for name, share in refusing if share > 0.05]
        low, high = wilson_interval(probability, agreement["draws"])
        deal = (f"in the draws with a deal it settles at {_value(issue_document, agreement['agreed_settlement_median'])}"
                if agreement.get("agreed_settlement_median") is not None else
                f"the model's settlement, {_value(issue_document, issue_document['forecast'])}, is refused in every draw")
        sentences.append(
            f"Most likely: {_value(issue_document, most_likely)}. P(agreement) = {share(probability)} over "
            f"{agreement['draws']} draws of the inputs (95% range {low:.0%}–{high:.0%}): {deal}; without a deal, "
            f"the reversion point {_value(issue_document, agreement['reversion'])} holds.")
        if blockers:
            sentences.append("Veto players refusing the settlement, share of draws: " + ", ".join(blockers) + ".")
        if probability in (0.0, 1.0):
            sentences.append(f"Read {probability:.0%} as '{'no deal unless' if probability == 0 else 'a deal unless'} "
                             "a veto player's position changes', not as certainty: the draws vary the table's numbers "
                             "around their values, not the course of the bargaining itself.")
        consent = _consent_sentence(issue_document, agreement["veto_players"], agreement["reversion"])
        if consent:
            sentences.append(consent)
    else:
        most_likely = issue_document["forecast"]
        probability = None
        sentences.append(f"Most likely: {_value(issue_document, most_likely)} (no veto players declared: the "
                         "settlement is taken to hold).")
    unstable = _stability_words(issue_document.get("stability"), width)
    if unstable:
        sentences.append(f"Fragile: the {model} trajectory {unstable}.")
    settlements = {name: item["forecast"] for name, item in by_model.items()}
    if len(settlements) > 1:
        values = sorted(settlements.values())
        center = values[len(values) // 2]
        outliers = [name for name, value in settlements.items() if abs(value - center) > AGREEMENT_SHARE * width]
        agreeing = [name for name in settlements if name not in outliers]
        low, high = min(settlements[name] for name in agreeing), max(settlements[name] for name in agreeing)
        if not outliers:
            sentences.append(f"The models agree: every settlement lies between {low:.0f} and {high:.0f}.")
        else:
            sentences.append(f"The models part: {', '.join(agreeing)} settle between {low:.0f} and {high:.0f}; "
                             + "; ".join(_reasons(issue_document, by_model, outliers)) + ".")
    if lever_sentence:
        sentences.append(lever_sentence)
    return IssueOutlook(issue_document["issue"], issue_document.get("title") or issue_document["issue"],
                        float(most_likely), _value(issue_document, most_likely), probability, settlements, sentences)


def winset(ideals: list[float], reversion: float) -> tuple[float, float]:
    """The unanimity winset of veto players at ``ideals`` against ``reversion`` on one issue:
    the intersection of the intervals ``|y - x_v| <= |q - x_v|`` (Tsebelis 2002); it always holds q."""
    low = max(x - abs(reversion - x) for x in ideals)
    high = min(x + abs(reversion - x) for x in ideals)
    return low, high


def _consent_sentence(issue_document: dict[str, Any], veto_players: list[str], reversion: float) -> str | None:
    """Who could change it: which settlements every veto player accepts now, and how far each
    veto player who refuses the model's settlement ``y`` would have to move to accept it (to the
    midpoint of ``q`` and ``y``, holding ``y`` fixed)."""
    ideals = issue_document["rounds"][0]["positions"]
    settlement = issue_document["forecast"]
    if any(name not in ideals for name in veto_players):
        return None
    low, high = winset([ideals[name] for name in veto_players], reversion)
    accepted = (f"the veto players accept only {_value(issue_document, reversion)}" if high - low < 1e-9 else
                f"the veto players accept settlements from {low:.0f} to {high:.0f}")
    midpoint = (settlement + reversion) / 2
    needed = []
    for name in veto_players:
        ideal = ideals[name]
        if abs(settlement - ideal) > abs(reversion - ideal) + 1e-9:
            side = "at least" if settlement > reversion else "at most"
            needed.append(f"{name} from {ideal:g} to {side} {midpoint:.0f}")
    if not needed:
        return f"Who could change it: {accepted}."
    return (f"Who could change it: {accepted}; a deal at {settlement:.0f} needs " + " and ".join(needed)
            + " (halfway between the reversion point and the settlement).")


def share(probability: float) -> str:
    """A probability as a percentage that never rounds a possibility away: "<1%" and ">99%" short of 0 and 1."""
    text = f"{probability:.0%}"
    if probability > 0 and text == "0%":
        return "<1%"
    if probability < 1 and text == "100%":
        return ">99%"
    return text


def wilson_interval(share: float, draws: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a share estimated from ``draws`` independent draws
    (Wilson 1927, *JASA* 22): unlike ±1.96 standard errors it stays inside 0..1 and is
    not empty at a share of 0 or 1."""
    denominator = 1.0 + z * z / draws
    center = (share + z * z / (2 * draws)) / denominator
    half = z * ((share * (1.0 - share) / draws + z * z / (4 * draws * draws)) ** 0.5) / denominator
    return max(0.0, center - half), min(1.0, center + half)

"""The HTML report of a stored run: one self-contained file, readable offline.

It holds the provenance (run, package version, options, seed), per issue the
forecasts of every model with the charts of :mod:`realpolitik.report.issue_view`,
the rounds' moves, and the inputs (the stakeholder table and the issues'
scales). plotly.js and the figures are embedded in the file; nothing is fetched.
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from realpolitik import calibrated_text
from realpolitik.io.files import write_atomically
from realpolitik.report.figures import plotly_javascript
from realpolitik.report.issue_view import issue_view, model_document, run_scenario
from realpolitik.report.uncertainty import stored_analyses
from realpolitik.scenario import Scenario
from realpolitik.store import StoredRun


def html_table(header: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f'<th class="number">{escape(h)}</th>' if i in numeric else f"<th>{escape(h)}</th>"
                   for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f'<td class="number">{escape(str(cell))}</td>' if i in numeric
                                    else f"<td>{escape(str(cell))}</td>" for i, cell in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _provenance(stored: StoredRun) -> str:
    created = stored.created_at.strftime("%Y-%m-%d %H:%M:%S")
    rows = [["run", stored.id], ["kind", stored.kind], ["created (UTC)", created],
            ["realpolitik version", stored.package_version], ["scenario", stored.scenario_name or "–"],
            ["models", ", ".join(stored.models)], ["preset", stored.preset or "–"],
            ["seed", "none (deterministic)" if stored.seed is None else stored.seed]]
    options = escape(json.dumps({"options": stored.options, "parameters": stored.parameters}, indent=2))
    return (f'<section class="card"><h2>Provenance</h2>{html_table(["", ""], rows)}'
            f"<details><summary>options and parameters</summary><pre>{options}</pre></details>"
            f'<p class="note">Run it again with <code>realpolitik runs rerun {stored.id}</code>.</p></section>')


def _calibrated(view: dict[str, Any]) -> str:
    """The calibrated forecast: median, 50/80% intervals, the likeliest anchors, and where it was fitted."""
    calibrated = view.get("calibrated")
    if not calibrated:
        return ""
    anchors = {float(point): label for point, label in view["anchors"].items()}
    lines = calibrated_text.issue_lines(calibrated, anchors)
    notes = calibrated_text.notes([calibrated])
    return (f'<p class="calibrated">{"<br>".join(escape(line) for line in lines)}</p>'
            f'<p class="note">{escape(" ".join(notes))}</p>')


def _issue_section(view: dict[str, Any], figures: dict[str, Any]) -> str:
    key = f"issue-{len(figures)}"
    figures[f"{key}-trajectory"] = view["trajectory"]
    figures[f"{key}-quadrant"] = view["quadrant"]
    anchors = " · ".join(f"{escape(point)} {escape(label)}" for point, label in view["anchors"].items())
    interval = escape(view["interval_note"] or "")
    agreement = f'<p class="note">{escape(view["agreement_note"])}</p>' if view.get("agreement_note") else ""
    status_quo = f" · status quo {view['status_quo']:g}" if view["status_quo"] is not None else ""
    comparison = html_table(["model", "forecast", "nearest anchor"],
                        [[row["model_title"], _number(row["forecast"]), row["forecast_anchor"]]
                         for row in view["comparison"]], numeric={1})
    charts = (f'<div class="charts"><div class="chart" id="{key}-trajectory"></div>'
              f'<div class="chart" id="{key}-quadrant"></div></div>')
    if view["tornado"]:
        figures[f"{key}-tornado"] = view["tornado"]
        charts += f'<div class="chart" id="{key}-tornado"></div>'
    tornado_note = f'<p class="note">{escape(view["tornado_note"])}</p>' if view["tornado_note"] else ""
    moves = html_table(["round", "actor", "kind", "with", "to"],
                   [[move["round"], move["actor"], move["kind"], move["with"] or "", _number(move["to"])]
                    for move in view["moves"]], numeric={0, 4})
    return (f'<section class="card"><h2>{escape(view["title"])}</h2><p class="scale">{anchors}{status_quo}</p>'
            f'<p><span class="forecast">{view["forecast"]:.1f}</span> {escape(view["forecast_anchor"])} '
            f'<span class="note">({escape(view["model_title"])}; {interval})</span></p>{agreement}{_calibrated(view)}'
            f'{comparison}{charts}'
            f'<p class="note">The quadrant chart shows the expected utilities of round {view["perspective_round"]} '
            f"as {escape(view['perspective'])} sees them.</p>{tornado_note}"
            + (f"<details><summary>moves, round by round ({len(view['moves'])})</summary>{moves}</details>"
               if view["moves"] else "") + "</section>")


def _inputs(scenario: Scenario) -> str:
    issues = [issue.name for issue in scenario.issues]
    blocs = any(actor.bloc is not None for actor in scenario.actors)  # the charts colour by them: say which is which
    header = ["actor", *(["bloc"] if blocs else []), "capability"] + [f"{name} (position / salience)" for name in issues]
    rows = [[actor.title or actor.name, *([actor.bloc or "–"] if blocs else []), f"{actor.capability:g}"]
            + [f"{actor.stances[name].position:g} / {actor.stances[name].salience:g}" if name in actor.stances
               else "–" for name in issues] for actor in scenario.actors]
    scales = html_table(["issue", "scale", "status quo", "anchors"],
                    [[issue.label, f"{issue.scale_min:g}–{issue.scale_max:g}",
                      "–" if issue.status_quo is None else f"{issue.status_quo:g}",
                      "; ".join(f"{point:g} {label}" for point, label in sorted(issue.anchors.items()))]
                     for issue in scenario.issues])
    sources = "".join(f"<li>{escape(source)}</li>" for source in scenario.sources)
    return (f'<section class="card"><h2>Inputs</h2><h3>Stakeholder table</h3>{html_table(header, rows)}'
            f"<h3>Issues</h3>{scales}" + (f"<h3>Sources</h3><ul>{sources}</ul>" if sources else "") + "</section>")


def _overview_section(overview: dict[str, Any]) -> str:
    """The answer first: per issue what most likely happens, whether the models agree, how fragile, and
    the strongest levers (:func:`realpolitik.report.overview.run_overview`)."""
    rows = []
    for issue in overview["issues"]:
        agreement = issue["models_agree"]
        models = ("one model" if agreement is None else f"agree {agreement['low']:.0f}–{agreement['high']:.0f}"
                  if agreement["agree"] else f"part: {', '.join(agreement['outliers'])}")
        probability = issue["answer"]["agreement_probability"]
        levers = "; ".join(f"{lever['actor']} {lever['attribute']} {lever['from']:.4g}→{lever['to']:.4g}: "
                           f"{lever['forecast_from']:.1f}→{lever['forecast_to']:.1f}" for lever in issue["levers"])
        rows.append([issue["title"], issue["answer"]["most_likely_label"]
                     + (" (point forecast; analyses pending)" if issue["answer"]["pending"] else ""),
                     "–" if probability is None else f"{probability:.0%}", models, issue["fragility"]["level"],
                     levers or ("pending" if issue["levers_pending"] else "none moves it")])
    words = "".join(f"<h3>{escape(issue['title'])}</h3><ul>"
                    + "".join(f"<li>{escape(sentence)}</li>" for sentence in issue["answer"]["sentences"]
                              + (["How fragile: " + "; ".join(issue["fragility"]["reasons"]) + "."]
                                 if issue["fragility"]["reasons"] else []))
                    + "</ul>" for issue in overview["issues"])
    return ('<section class="card"><h2>The answer first</h2>'
            + html_table(["issue", "most likely", "P(agreement)", "models", "fragility", "strongest levers"], rows)
            + words + "</section>")


def html_report(stored: StoredRun, db: str | None = None) -> str:
    """The report of a stored run as one HTML document: a forecast (or timeline) with the ledger's
    entries on its scenario from the store ``db``; a simulate, levers or backtest run from its
    stored result (:mod:`realpolitik.report.analysis_report`)."""
    from realpolitik.report.analysis_report import ANALYSIS_KINDS, analysis_body
    from realpolitik.report.overview import run_overview
    from realpolitik.report.track_sections import ledger_section, timeline_section
    from realpolitik.store import list_questions

    if stored.kind in ANALYSIS_KINDS:
        figures: dict[str, Any] = {}
        scenario = run_scenario(stored) if stored.scenario is not None else None
        title = (scenario.title or scenario.name) if scenario is not None else "DEU III backtest"
        body = analysis_body(stored, title, figures) + (_inputs(scenario) if scenario else "") + _provenance(stored)
        return _page(stored, title, body, figures)
    scenario = run_scenario(stored)
    ledger = ledger_section(list_questions(db, scenario=scenario.name))
    figures = {}
    title = scenario.title or scenario.name
    if stored.kind == "timeline":
        body = (f"<h1>{escape(title)}</h1><p class=\"subtitle\">Run {stored.id} · timeline · "
                f"{stored.created_at.strftime('%d %B %Y')}</p>"
                + timeline_section(stored.result, {issue.name: issue.label for issue in scenario.issues}, figures)
                + ledger + _inputs(scenario) + _provenance(stored))
        return _page(stored, title, body, figures)
    document = model_document(stored)
    analyses = stored_analyses(stored, db)
    sections = [_overview_section(run_overview(stored, db, analyses))]
    sections += [_issue_section(issue_view(stored, item["issue"], document["model"], db=db, analyses=analyses), figures)
                 for item in document["issues"]]
    body = (f"<h1>{escape(title)}</h1><p class=\"subtitle\">Run {stored.id} · {escape(document['model_title'])}"
            + (" and the other models" if len(stored.models) > 1 else "")
            + f" · {stored.created_at.strftime('%d %B %Y')}</p>"
            + (f"<p>{escape(scenario.description)}</p>" if scenario.description else "")
            + "".join(sections) + ledger + _inputs(scenario) + _provenance(stored))
    return _page(stored, title, body, figures)


def _page(stored: StoredRun, title: str, body: str, figures: dict[str, Any]) -> str:
    template = Template(resources.files(__package__).joinpath("report.html").read_text(encoding="utf-8"))
    return template.substitute(
        title=escape(f"{title} — realpolitik run {stored.id}"),
        version=escape(stored.package_version),
        body=body,
        plotly=plotly_javascript().replace("</script", "<\\/script"),
        figures=json.dumps(figures, allow_nan=False).replace("</", "<\\/"),
    )


def write_html_report(stored: StoredRun, path: Path, db: str | None = None) -> None:
    """Write the HTML report of ``stored`` (from the store ``db``) to ``path``, all or nothing."""
    write_atomically(Path(path), html_report(stored, db).encode("utf-8"))

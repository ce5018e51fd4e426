// The answer first: per issue what most likely happens, each model's forecast, whether the models agree,
// how fragile, the strongest levers (GET /api/runs/{id}/overview), and the progress of the run's analyses
// while they are computed (GET /api/runs/{id}/analyses).
"use strict";

const FRAGILITY_WORDS = {steady: "steady", sensitive: "sensitive to the inputs", fragile: "fragile",
  unknown: "fragility pending"};

function fragilityBadge(fragility) {
  return el("span", {class: `badge fragility ${fragility.level}`, title: fragility.reasons.join("; "),
    text: FRAGILITY_WORDS[fragility.level]});
}

// A lever's value as the levers document gives it, to four significant digits (capabilities can be 0.08).
function leverValue(value) {
  return String(Number(Number(value).toPrecision(4)));
}

function leverText(lever) {
  return `${lever.actor} ${lever.attribute} ${leverValue(lever.from)}→${leverValue(lever.to)}: forecast ` +
    `${format(lever.forecast_from)}→${format(lever.forecast_to)} (${lever.change > 0 ? "+" : ""}${format(lever.change)})`;
}

function agreementText(issue) {
  const agreement = issue.models_agree;
  if (!agreement) return "one model run";
  if (agreement.agree) return `agree: ${format(agreement.low, 0)}–${format(agreement.high, 0)}`;
  return `part: ${agreement.outliers.join(", ")} apart from ${format(agreement.low, 0)}–${format(agreement.high, 0)}`;
}

function modelCell(cell) {
  if (!cell) return el("td", {class: "number", text: "–"});
  const calibrated = cell.calibrated_median === null ? "" : `cal. ${format(cell.calibrated_median, 0)}`;
  return el("td", {class: "number", title: cell.forecast_anchor},
    el("span", {text: format(cell.forecast, 0)}),
    calibrated ? el("span", {class: "cell-note", text: " " + calibrated}) : null);
}

function renderOverview(overview, onIssue) {
  const titles = Object.fromEntries(overview.models.map((m) => [m.model, m.model_title]));
  const models = overview.models.map((m) => m.model);
  document.getElementById("overview-headline").textContent =
    `words and levers: ${titles[overview.headline_model]}; calibrated on EU legislation (a guide, not a guarantee)`;
  document.querySelector("#overview-table thead").replaceChildren(el("tr", {},
    el("th", {scope: "col", text: "issue"}), el("th", {scope: "col", text: "most likely"}),
    el("th", {scope: "col", class: "number", text: "P(deal)"}),
    models.map((name) => el("th", {scope: "col", class: "number", title: titles[name], text: name})),
    el("th", {scope: "col", text: "models"}), el("th", {scope: "col", text: "fragility"})));
  document.querySelector("#overview-table tbody").replaceChildren(...overview.issues.map((issue) => el("tr", {},
    el("th", {scope: "row"}, el("a", {href: "#issue-tabs", text: issue.title,
      onclick: (event) => { event.preventDefault(); onIssue(issue.issue); }})),
    el("td", {class: issue.answer.pending ? "muted" : "", text: issue.answer.most_likely_label +
      (issue.answer.pending ? " (point forecast)" : "")}),
    el("td", {class: "number", text: chance(issue.answer.agreement_probability)}),
    models.map((name) => modelCell(issue.cells[name])),
    el("td", {text: agreementText(issue)}),
    el("td", {}, fragilityBadge(issue.fragility)))));
  document.getElementById("overview-issues").replaceChildren(...overview.issues.map((issue) =>
    el("article", {class: "answer", "data-issue": issue.issue},
      el("h3", {}, issue.title, " ", fragilityBadge(issue.fragility)),
      el("p", {class: "most-likely"}, el("strong", {text: issue.answer.most_likely_label}),
        issue.answer.agreement_probability === null ? null :
          el("span", {text: ` · P(agreement) ${chance(issue.answer.agreement_probability)}`})),
      el("ul", {class: "sentences"}, issue.answer.sentences.map((sentence) => el("li", {text: sentence})),
        issue.fragility.reasons.length ? el("li", {text: "How fragile: " + issue.fragility.reasons.join("; ") + "."})
          : null),
      el("h4", {text: "Strongest levers"}),
      issue.levers.length ? el("ol", {class: "levers"}, issue.levers.map((lever) => el("li", {text: leverText(lever)})))
        : el("p", {class: "muted small", text: issue.levers_pending ? "being computed…" : "no lever moves it"}))));
}

function renderProgress(analyses) {
  const waiting = analyses.analyses.filter((entry) => entry.status !== "done");
  const list = document.getElementById("analyses-progress");
  list.replaceChildren(...waiting.map((entry) => {
    const label = `${entry.name}${entry.model ? " · " + entry.model : ""}`;
    if (entry.status === "failed") {
      return el("div", {class: "progress-item failed", text: `${label}: failed (${entry.message})`});
    }
    const {done, total, unit} = entry.progress;
    return el("div", {class: "progress-item"}, el("span", {text: `${label}: ${entry.status}`}),
      el("progress", {max: String(total || 1), value: String(done), "aria-label": label}),
      el("span", {class: "small muted", text: `${done} of ${total} ${unit}`}));
  }));
  document.getElementById("overview").setAttribute("data-analyses", analyses.status);
}

// Polls the run's analyses until none is pending or running; calls onProgress each time one finishes.
async function watchAnalyses(runId, onProgress) {
  let finished = -1;
  for (;;) {
    let analyses;
    try {
      analyses = await api(`/api/runs/${runId}/analyses`);
    } catch (error) { return; }
    renderProgress(analyses);
    const now = analyses.analyses.filter((entry) => entry.status === "done" || entry.status === "failed").length;
    if (now !== finished) {
      finished = now;
      await onProgress();
    }
    if (analyses.status === "done" || analyses.status === "failed") return;
    await new Promise((resolve) => setTimeout(resolve, 800));
  }
}

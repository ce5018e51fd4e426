// The forecast view of one stored run: per issue the forecast and its interval, positions by round,
// who challenges whom from a chosen actor's perspective, and the levers.
"use strict";

const messages = document.getElementById("messages");
const runId = location.pathname.split("/").filter(Boolean).pop();
const view = {run: null, model: null, issue: null, perspective: null, round: 0};

function documentsOf(run) {
  return run.kind === "forecast" ? run.result.results || [run.result] : [];
}

function renderTabs(issues) {
  document.getElementById("issue-tabs").replaceChildren(...issues.map((item) => el("button", {
    role: "tab", "data-issue": item.issue, class: item.issue === view.issue ? "active" : "",
    "aria-selected": item.issue === view.issue ? "true" : "false", text: item.title,
    onclick: () => { view.issue = item.issue; view.perspective = null; view.round = 0; showIssue(); }})));
}

function fillSelect(select, values, chosen, label = (value) => value) {
  select.replaceChildren(...values.map((value) => el("option", {value, text: label(value)})));
  select.value = String(chosen);
}

// The calibrated forecast: its median, the 50% and 80% intervals with the candidate values inside them,
// the likeliest anchors, and where the calibration was fitted (borrowed, outside EU legislation).
function showCalibrated(calibrated, anchors) {
  const line = document.getElementById("forecast-calibrated");
  const note = document.getElementById("forecast-calibrated-note");
  if (!calibrated) {
    line.textContent = "";
    note.textContent = "";
    return;
  }
  const interval = (level) => {
    const [low, high] = calibrated.intervals[level];
    const inside = (calibrated.candidates_inside || {})[level] || [];
    const span = high - low < 0.05 ? format(low) : `${format(low)}–${format(high)}`;
    return `${level}%: ${span}` + (inside.length ? ` (candidates ${inside.map((v) => format(v)).join(", ")})` : "");
  };
  const likeliest = Object.entries(calibrated.anchor_probabilities || {})
    .sort((a, b) => b[1] - a[1]).filter(([, share]) => share >= 0.005)
    .map(([point, share]) => `${point} ${anchors[point] || ""} ${Math.round(100 * share)}%`);
  line.textContent = `calibrated forecast: median ${format(calibrated.median)}; ${interval("50")}; ${interval("80")}` +
    (likeliest.length ? ` · nearest anchor: ${likeliest.join(" · ")}` : "");
  note.textContent = [`calibrated on ${calibrated.fitted_on}`, ...(calibrated.notes || [])].join("; ");
}

async function showIssue() {
  const document_ = documentsOf(view.run).find((d) => d.model === view.model);
  renderTabs(document_.issues);
  const query = new URLSearchParams({model: view.model, round: view.round});
  if (view.perspective) query.set("perspective", view.perspective);
  try {
    const issue = await api(`/api/runs/${runId}/issues/${encodeURIComponent(view.issue)}?${query}`);
    view.perspective = issue.perspective;
    document.getElementById("forecast-model").textContent = issue.model_title + " · " + issue.title;
    document.getElementById("forecast-value").textContent = format(issue.forecast);
    document.getElementById("forecast-anchor").textContent = issue.forecast_anchor;
    document.getElementById("forecast-interval").textContent = issue.interval_note;
    showCalibrated(issue.calibrated, issue.anchors);
    document.getElementById("forecast-scale").textContent =
      (issue.status_quo === null ? "" : `status quo ${format(issue.status_quo)} · `) +
      Object.entries(issue.anchors).map(([point, label]) => `${point} ${label}`).join(" · ");
    document.querySelector("#comparison tbody").replaceChildren(...issue.comparison.map((row) =>
      el("tr", {class: row.model === issue.model ? "current" : ""}, el("td", {text: row.model, title: row.model_title}),
        el("td", {class: "number", text: format(row.forecast)}),
        el("td", {class: "anchor-cell", text: row.forecast_anchor}))));
    await plot(document.getElementById("trajectory-chart"), issue.trajectory);
    await plot(document.getElementById("quadrant-chart"), issue.quadrant);
    fillSelect(document.getElementById("perspective"), issue.actors, issue.perspective);
    fillSelect(document.getElementById("perspective-round"), [...Array(issue.rounds + 1).keys()],
      issue.perspective_round, (round) => round === 0 ? "0 (start)" : String(round));
    const tornado = document.getElementById("tornado-chart");
    tornado.hidden = !issue.tornado;
    if (issue.tornado) await plot(tornado, issue.tornado);
    document.getElementById("tornado-note").textContent = issue.tornado_note || "";
    document.querySelector("#moves tbody").replaceChildren(...issue.moves.map((move) => el("tr", {},
      el("td", {class: "number", text: move.round}), el("td", {text: move.actor}), el("td", {text: move.kind}),
      el("td", {text: move.with || ""}), el("td", {class: "number", text: format(move.to)}))));
    if (!issue.moves.length) {
      document.querySelector("#moves tbody").replaceChildren(el("tr", {}, el("td", {colspan: 5, class: "muted",
        text: "No moves: this model has no rounds."})));
    }
    messages.replaceChildren();
  } catch (error) { showError(messages, error); }
  document.body.setAttribute("data-ready", "1");
}

async function downloadReport(event) {
  event.preventDefault();
  try {
    const response = await api(`/api/runs/${runId}/report`, {raw: true});
    const link = el("a", {href: URL.createObjectURL(await response.blob()), download: `realpolitik-run-${runId}.html`});
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) { showError(messages, error); }
}

(async function start() {
  await showVersion();
  try {
    view.run = await api("/api/runs/" + encodeURIComponent(runId));
  } catch (error) {
    showError(messages, error);
    document.body.setAttribute("data-ready", "1");
    return;
  }
  const run = view.run;
  const documents = documentsOf(run);
  const scenario = run.scenario_data || {};
  document.title = (scenario.title || run.scenario) + " — realpolitik";
  document.getElementById("title").textContent = scenario.title || run.scenario;
  document.getElementById("provenance").textContent = [`Run ${run.id}`, run.created_at.slice(0, 16).replace("T", " ") + " UTC",
    run.preset ? "preset " + run.preset : null, run.seed === null ? "deterministic" : "seed " + run.seed,
    "realpolitik " + run.package_version].filter(Boolean).join(" · ");
  const models = documents.map((document_) => document_.model);
  view.model = models.includes("eum") ? "eum" : models[0];
  const select = document.getElementById("model");
  fillSelect(select, models, view.model, (name) => documents.find((d) => d.model === name).model_title);
  select.disabled = models.length < 2;
  select.addEventListener("change", () => { view.model = select.value; view.round = 0; showIssue(); });
  document.getElementById("perspective").addEventListener("change", (event) => {
    view.perspective = event.target.value; showIssue(); });
  document.getElementById("perspective-round").addEventListener("change", (event) => {
    view.round = Number(event.target.value); showIssue(); });
  document.getElementById("edit-inputs").href = "/editor?run=" + run.id;
  document.getElementById("download-report").addEventListener("click", downloadReport);
  if (!documents.length) {
    showMessage(messages, "error", `Run ${run.id} (${run.kind}) has no per-issue forecasts to show.`);
    document.body.setAttribute("data-ready", "1");
    return;
  }
  view.issue = documents[0].issues[0].issue;
  await showIssue();
})();

// The forecast view of one stored run: the answer first (overview.js), what if (whatif.js), then per issue
// the forecast and its interval, positions by round, who challenges whom from a chosen actor's perspective,
// and the levers. The view (issue, model, perspective, round, changes, threshold) is kept in the link.
"use strict";

const messages = document.getElementById("messages");
const runId = location.pathname.split("/").filter(Boolean).pop();
const view = {run: null, model: null, issue: null, perspective: null, round: 0, touched: false};

function permalink() {
  const query = new URLSearchParams();
  if (view.issue) query.set("issue", view.issue);
  if (view.model) query.set("model", view.model);
  if (view.perspective) query.set("perspective", view.perspective);
  if (view.round) query.set("round", view.round);
  for (const shock of whatIf.shocks) query.append("shock", encodeShock(shock));
  if (whatIf.threshold !== null) query.set("threshold", whatIf.threshold);
  return location.pathname + "?" + query.toString();
}

// The address bar follows the view once it differs from the one the bare address opens ("Copy link" always
// gives the whole view).
function keepView() {
  if (view.touched) history.replaceState(null, "", permalink());
}

function chooseIssue(issue) {
  view.touched = true;
  view.issue = issue; view.perspective = null; view.round = 0;
  showIssue().then(() => document.querySelector(`#issue-tabs button[data-issue="${CSS.escape(issue)}"]`)?.focus());
}

// Tabs: arrow keys move between issues (WAI-ARIA tabs pattern), Home and End to the first and last.
function tabKeys(event) {
  const tabs = [...document.querySelectorAll("#issue-tabs button")];
  const index = tabs.indexOf(document.activeElement);
  if (index < 0) return;
  const next = {ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1}[event.key];
  if (next === undefined) return;
  event.preventDefault();
  chooseIssue(tabs[(next + tabs.length) % tabs.length].dataset.issue);
}

function documentsOf(run) {
  return run.kind === "forecast" ? run.result.results || [run.result] : [];
}

function renderTabs(issues) {
  document.getElementById("issue-tabs").replaceChildren(...issues.map((item) => el("button", {
    role: "tab", "data-issue": item.issue, class: item.issue === view.issue ? "active" : "",
    "aria-selected": item.issue === view.issue ? "true" : "false", text: item.title,
    tabindex: item.issue === view.issue ? "0" : "-1", onclick: () => chooseIssue(item.issue)})));
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
    document.getElementById("forecast-agreement").textContent = issue.agreement_note || "";
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
    document.getElementById("trajectory-text").textContent = trajectoryText(issue);
    await plot(document.getElementById("quadrant-chart"), issue.quadrant);
    showQuadrantList(issue.challenges);
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
    keepView();
  } catch (error) { showError(messages, error); }
  document.body.setAttribute("data-ready", "1");
}

// The text alternative of the positions chart: where each actor starts and ends, and the forecast.
function trajectoryText(issue) {
  const rounds = issue.trajectory.data.map((trace) => `${trace.name ?? trace.y}: ` +
    (Array.isArray(trace.y) && typeof trace.y[0] === "number"
      ? `${format(trace.y[0])} → ${format(trace.y[trace.y.length - 1])}`
      : trace.x.map((x, index) => `${trace.y[index]} ${format(x)}`).join(", ")));
  return `${issue.title}, ${issue.model_title}: forecast ${format(issue.forecast)}. ${rounds.join("; ")}.`;
}

function quadrantName(point) {
  if (point.attack >= 0 && point.defence >= 0) return "conflict";
  if (point.attack >= 0) return "prevails";
  if (point.defence >= 0) return "gives way";
  return "status quo";
}

function showQuadrantList(challenges) {
  document.querySelector("#quadrant-list tbody").replaceChildren(...challenges.points.map((point) => el("tr", {},
    el("td", {text: point.actor}), el("td", {class: "number", text: format(point.attack, 3)}),
    el("td", {class: "number", text: format(point.defence, 3)}),
    el("td", {text: quadrantName(point) === "prevails" ? `${challenges.actor} prevails` :
      quadrantName(point) === "gives way" ? `${challenges.actor} gives way` : quadrantName(point)}))));
}

async function showOverview() {
  try {
    renderOverview(await api(`/api/runs/${runId}/overview`), chooseIssue);
    document.getElementById("overview").setAttribute("data-drawn", "1");
  } catch (error) { showError(messages, error); }
}

async function applyShocks(button) {
  const document_ = documentsOf(view.run).find((d) => d.model === view.model);
  const text = document.getElementById("threshold").value.trim();
  try {
    if (text !== "" && !Number.isFinite(Number(text))) throw new Error(`the threshold '${text}' is not a number`);
    whatIf.threshold = text === "" ? null : Number(text);
    if (!whatIf.shocks.length) throw new Error("add at least one change first");
    await compareShocked(view.run, document_, view.model, button);
    keepView();
  } catch (error) { showError(messages, error); }
}

// The run's report as HTML, or printed by the server's own Chromium as PDF or PNG (nothing leaves the machine).
async function downloadReport(event) {
  event.preventDefault();
  const button = event.currentTarget;
  const kind = button.dataset.format;
  button.setAttribute("aria-busy", "true");
  try {
    const response = await api(`/api/runs/${runId}/report?format=${kind}`, {raw: true});
    const link = el("a", {href: URL.createObjectURL(await response.blob()), download: `realpolitik-run-${runId}.${kind}`});
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) { showError(messages, error); }
  button.removeAttribute("aria-busy");
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
  const asked = new URLSearchParams(location.search);
  view.touched = [...asked.keys()].length > 0;
  view.model = models.includes(asked.get("model")) ? asked.get("model") : models.includes("eum") ? "eum" : models[0];
  const select = document.getElementById("model");
  fillSelect(select, models, view.model, (name) => documents.find((d) => d.model === name).model_title);
  select.disabled = models.length < 2;
  select.addEventListener("change", () => { view.touched = true; view.model = select.value; view.round = 0; showIssue(); });
  document.getElementById("perspective").addEventListener("change", (event) => {
    view.touched = true;
    view.perspective = event.target.value; showIssue(); });
  document.getElementById("perspective-round").addEventListener("change", (event) => {
    view.touched = true;
    view.round = Number(event.target.value); showIssue(); });
  document.getElementById("edit-inputs").href = "/editor?run=" + run.id;
  for (const id of ["download-report", "download-pdf", "download-png"]) {
    document.getElementById(id).addEventListener("click", downloadReport);
  }
  document.getElementById("print-page").addEventListener("click", () => window.print());
  document.getElementById("issue-tabs").addEventListener("keydown", tabKeys);
  document.getElementById("copy-link").addEventListener("click", async () => {
    const link = location.origin + permalink();
    try { await navigator.clipboard.writeText(link); } catch (ignored) { /* shown below instead */ }
    showMessage(messages, "ok", "Link to this view: " + link);
  });
  document.getElementById("add-shock").addEventListener("click", () => {
    try {
      whatIf.shocks.push(readShockForm());
      view.touched = true;
      renderShocks(keepView);
      keepView();
    } catch (error) { showError(messages, error); }
  });
  document.getElementById("apply-shocks").addEventListener("click", (event) => applyShocks(event.target));
  if (!documents.length) {
    showMessage(messages, "error", `Run ${run.id} (${run.kind}) has no per-issue forecasts to show.`);
    document.body.setAttribute("data-ready", "1");
    return;
  }
  const issues = documents[0].issues.map((item) => item.issue);
  view.issue = issues.includes(asked.get("issue")) ? asked.get("issue") : issues[0];
  view.perspective = asked.get("perspective");
  view.round = Number(asked.get("round")) || 0;
  whatIf.shocks = asked.getAll("shock").map(parseShock).filter((shock) => Number.isFinite(shock.value));
  if (asked.has("threshold")) document.getElementById("threshold").value = asked.get("threshold");
  fillShockForm(run, view.issue);
  renderShocks(keepView);
  await showIssue();
  watchAnalyses(runId, async () => { await showOverview(); await showIssue(); });
  if (whatIf.shocks.length) await applyShocks(document.getElementById("apply-shocks"));
})();

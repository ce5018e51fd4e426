// The ledger page: questions, forecasts, resolutions, scores, the reliability chart and scenario timelines.
"use strict";

const messages = document.getElementById("messages");

function answer(forecast) {
  if (forecast.probability !== null) {
    const p = forecast.probability;
    return forecast.model + " " + (p < 0.005 ? "P < 0.01" : p > 0.995 ? "P > 0.99" : "P = " + format(p, 2));
  }
  return forecast.model + " (distribution)";
}

function resolution(question) {
  const r = question.resolution;
  if (!r) return "open";
  const outcome = r.happened === null ? format(r.outcome) : (r.happened ? "yes" : "no");
  return outcome + " on " + r.resolved_on + (r.source ? " (" + r.source + ")" : "");
}

function showLedger(ledger) {
  document.querySelector("#questions tbody").replaceChildren(...ledger.questions.map((q) => el("tr", {},
    el("td", {class: "number", text: q.id}), el("td", {text: q.scenario}), el("td", {text: q.question}),
    el("td", {text: q.by}), el("td", {text: q.created_at.slice(0, 10)}),
    el("td", {text: q.forecasts.filter((f) => !f.superseded).map(answer).join("; ")}),
    el("td", {text: resolution(q)}))));
  document.querySelector("#scores tbody").replaceChildren(...ledger.scores.map((s) => el("tr", {},
    el("td", {text: s.model}), el("td", {text: s.role}), el("td", {class: "number", text: s.n}),
    el("td", {class: "number", text: format(s.brier, 3)}), el("td", {class: "number", text: format(s.log_score, 3)}),
    el("td", {class: "number", text: format(s.crps, 2)}))));
  if (!ledger.questions.length) showMessage(messages, "ok", "No questions yet: record one with `realpolitik ledger add`.");
  if (ledger.scores.some((s) => s.n_binary)) plot(document.getElementById("reliability"), ledger.reliability_figure);
}

function showTimeline(entry) {
  const chart = el("div", {class: "chart"});
  const card = el("div", {class: "timeline"},
    el("h3", {text: entry.run.scenario + " · " + entry.timeline.model + " · run " + entry.run.id}), chart);
  document.getElementById("timelines").append(card);
  plot(chart, entry.figure);
}

(async function start() {
  const meta = await showVersion();
  if (meta && meta.models) {
    document.getElementById("timeline-model").replaceChildren(...meta.models.map((m) =>
      el("option", {value: m.name, text: m.name, selected: m.name === "compromise"})));
  }
  try {
    showLedger(await api("/api/ledger"));
    (await api("/api/timelines")).forEach(showTimeline);
  } catch (error) { showError(messages, error); }
  document.getElementById("draw-timeline").addEventListener("click", async () => {
    try {
      const entry = await api("/api/timelines", {method: "POST", json: {
        scenario_name: document.getElementById("timeline-scenario").value.trim(),
        model: document.getElementById("timeline-model").value || "compromise"}});
      document.getElementById("timelines").replaceChildren();
      showTimeline(entry);
    } catch (error) { showError(messages, error); }
  });
  document.body.setAttribute("data-ready", "1");
})();

// Two runs side by side: provenance, the inputs and options that differ, and how each forecast moved.
"use strict";

const messages = document.getElementById("messages");

function summaryCard(label, run) {
  return el("section", {class: "card"},
    el("h2", {}, el("a", {href: "/runs/" + run.id, text: label + ": run " + run.id})),
    el("table", {class: "data"}, el("tbody", {},
      [["scenario", run.scenario], ["kind", run.kind], ["models", run.models.join(", ")],
       ["preset", run.preset || "–"], ["seed", run.seed === null ? "none" : run.seed],
       ["when (UTC)", run.created_at.slice(0, 19).replace("T", " ")], ["version", run.package_version]]
        .map(([key, value]) => el("tr", {}, el("th", {text: key}), el("td", {text: value}))))));
}

function shown(value) {
  return value === null || value === undefined ? "–" : typeof value === "object" ? JSON.stringify(value) : value;
}

(async function start() {
  await showVersion();
  const params = new URLSearchParams(location.search);
  try {
    const difference = await api("/api/diff?a=" + encodeURIComponent(params.get("a")) + "&b=" +
      encodeURIComponent(params.get("b")));
    const {a, b} = difference;
    document.getElementById("title").textContent = "Run " + a.id + " and run " + b.id;
    document.getElementById("summaries").replaceChildren(summaryCard("a", a), summaryCard("b", b));
    document.querySelector("#forecast-diff thead").replaceChildren(el("tr", {},
      el("th", {text: "model"}), el("th", {text: "issue"}), el("th", {class: "number", text: "run " + a.id}),
      el("th", {class: "number", text: "run " + b.id}), el("th", {class: "number", text: "change"})));
    document.querySelector("#forecast-diff tbody").replaceChildren(...difference.forecasts.map((row) =>
      el("tr", {}, el("td", {text: row.model}), el("td", {text: row.issue}),
        el("td", {class: "number", text: format(row.a)}), el("td", {class: "number", text: format(row.b)}),
        el("td", {class: "number " + (row.change > 0 ? "up" : row.change < 0 ? "down" : ""),
          text: row.change === null ? "–" : (row.change > 0 ? "+" : "") + format(row.change)}))));
    document.getElementById("a-head").textContent = "run " + a.id;
    document.getElementById("b-head").textContent = "run " + b.id;
    const changes = ["inputs", "options", "parameters", "results"].flatMap((what) =>
      (difference[what] || []).map((change) => el("tr", {}, el("td", {text: what}), el("td", {text: change.field}),
        el("td", {class: "number", text: shown(change.a)}), el("td", {class: "number", text: shown(change.b)}))));
    document.querySelector("#input-diff tbody").replaceChildren(...changes);
    document.getElementById("same-inputs").hidden = changes.length > 0;
  } catch (error) { showError(messages, error); }
  document.body.setAttribute("data-ready", "1");
})();

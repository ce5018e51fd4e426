// What if: changes to actors' positions, saliences or capabilities entered on the forecast page, run by the
// same model as a new run, and the baseline and changed forecasts side by side; a threshold says on which
// side of a value each forecast lies. Changes travel in the page's link as shock=ACTOR|ISSUE|FIELD|VALUE.
"use strict";

const whatIf = {shocks: [], threshold: null};

function shockText(shock) {
  return `${shock.actor} ${shock.field} on ${shock.issue} → ${shock.value}`;
}

function parseShock(text) {
  const [actor, issue, field, value] = text.split("|");
  return {actor, issue, field, value: Number(value)};
}

function encodeShock(shock) {
  return [shock.actor, shock.issue, shock.field, shock.value].join("|");
}

// The run's scenario with the changes made (the stored scenario is left as it is).
function shockedScenario(scenario, shocks) {
  const changed = JSON.parse(JSON.stringify(scenario));
  for (const shock of shocks) {
    const actor = changed.actors.find((entry) => entry.name === shock.actor);
    if (!actor) throw new Error(`the scenario has no actor '${shock.actor}'`);
    if (shock.field === "capability") { actor.capability = shock.value; continue; }
    actor.stances = actor.stances || {};
    const stance = actor.stances[shock.issue];
    if (!stance) throw new Error(`${shock.actor} takes no part in '${shock.issue}': give it a position and salience in the editor`);
    stance[shock.field] = shock.value;
  }
  changed.name = (changed.name || "scenario") + "-what-if";
  return changed;
}

function renderShocks(onChange) {
  document.getElementById("shock-list").replaceChildren(...whatIf.shocks.map((shock, index) => el("li", {},
    shockText(shock), " ", el("button", {class: "small", text: "remove", "aria-label": `remove ${shockText(shock)}`,
      onclick: () => { whatIf.shocks.splice(index, 1); renderShocks(onChange); onChange(); }}))));
}

function thresholdSide(value) {
  if (whatIf.threshold === null) return "";
  return value >= whatIf.threshold ? `at or above ${format(whatIf.threshold)}` : `below ${format(whatIf.threshold)}`;
}

function renderComparison(baseline, shocked) {
  const table = document.getElementById("what-if-table");
  const changed = Object.fromEntries(shocked.issues.map((item) => [item.issue, item]));
  document.getElementById("threshold-head").textContent = whatIf.threshold === null ? "threshold" :
    `baseline / changed vs ${format(whatIf.threshold)}`;
  table.querySelector("tbody").replaceChildren(...baseline.issues.map((item) => {
    const other = changed[item.issue];
    const delta = other.forecast - item.forecast;
    return el("tr", {"data-issue": item.issue}, el("th", {scope: "row", text: item.title}),
      el("td", {class: "number baseline", title: item.forecast_anchor, text: format(item.forecast)}),
      el("td", {class: "number shocked", title: other.forecast_anchor, text: format(other.forecast)}),
      el("td", {class: "number " + (delta > 0.05 ? "up" : delta < -0.05 ? "down" : ""),
        text: (delta > 0 ? "+" : "") + format(delta)}),
      el("td", {text: whatIf.threshold === null ? "" :
        `${thresholdSide(item.forecast)} / ${thresholdSide(other.forecast)}`}));
  }));
  table.hidden = false;
}

// Runs the changed scenario with the chosen model and shows both; returns the new run's id.
async function compareShocked(run, baseline, model, button) {
  button.disabled = true;
  try {
    const scenario = shockedScenario(run.scenario_data, whatIf.shocks);
    const shockedRun = await api("/api/runs", {method: "POST", json: {scenario, model, preset: run.preset}});
    const documents = shockedRun.result.results || [shockedRun.result];
    renderComparison(baseline, documents.find((document_) => document_.model === model));
    return shockedRun.id;
  } finally {
    button.disabled = false;
  }
}

function fillShockForm(run, issue) {
  const scenario = run.scenario_data;
  fillSelect(document.getElementById("shock-actor"), scenario.actors.map((actor) => actor.name),
    scenario.actors[0].name);
  fillSelect(document.getElementById("shock-issue"), scenario.issues.map((entry) => entry.name), issue);
}

function readShockForm() {
  const value = Number(document.getElementById("shock-value").value.trim());
  if (document.getElementById("shock-value").value.trim() === "" || !Number.isFinite(value)) {
    throw new Error("the new value must be a number");
  }
  return {actor: document.getElementById("shock-actor").value, issue: document.getElementById("shock-issue").value,
    field: document.getElementById("shock-field").value, value};
}

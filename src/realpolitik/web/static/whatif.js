// What if: changes to actors' positions, saliences or capabilities entered on the forecast page, run by the
// same model as a new run, and the baseline and changed forecasts side by side; a threshold asks how likely
// each issue's outcome is to reach it, P(outcome ≥ threshold), under each run's calibrated distribution as the
// server reads it off the run's stored analysis (GET /api/runs/{id}/threshold). Changes travel in the page's
// link as shock=ACTOR|ISSUE|FIELD|VALUE, the threshold as threshold=VALUE.
"use strict";

const whatIf = {shocks: [], threshold: null, generation: 0};
// How often the threshold probabilities are asked again while a run's calibrated analysis is computed, in ms.
const THRESHOLD_POLL_MS = 1000;

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
    `P(≥ ${String(whatIf.threshold)}): baseline → changed`;
  document.getElementById("threshold-note").textContent = "";
  table.querySelector("tbody").replaceChildren(...baseline.issues.map((item) => {
    const other = changed[item.issue];
    const delta = other.forecast - item.forecast;
    return el("tr", {"data-issue": item.issue}, el("th", {scope: "row", text: item.title}),
      el("td", {class: "number baseline", title: item.forecast_anchor, text: format(item.forecast)}),
      el("td", {class: "number shocked", title: other.forecast_anchor, text: format(other.forecast)}),
      el("td", {class: "number " + (delta > 0.05 ? "up" : delta < -0.05 ? "down" : ""),
        text: (delta > 0 ? "+" : "") + format(delta)}),
      el("td", {class: "threshold", "data-sides": whatIf.threshold === null ? "" :
        `point forecasts: ${thresholdSide(item.forecast)} / ${thresholdSide(other.forecast)}`}));
  }));
  table.hidden = false;
}

function nearCertainAgreement(answer) {
  const agreement = answer.agreement_probability;
  return agreement !== null && (agreement < 0.005 || agreement > 0.995);
}

function waiting(answer) {
  return ["pending", "running", "absent"].includes(answer.status);
}

function probabilityText(answer) {
  if (answer.probability !== null) return chance(answer.probability);
  return waiting(answer) ? "pending" : "–";
}

// The threshold's words under the table: what the probabilities are read from, and where the calibration was
// fitted (borrowed: a guide, not a guarantee; or the scenario's own kind), as the calibrated forecast says it above.
function thresholdNote(answers) {
  const done = answers.find((answer) => answer.probability !== null);
  const pending = answers.some(waiting);
  const at = String(whatIf.threshold);
  return `P(≥ ${at}): the probability that the outcome lies at or above ${at}` +
    " under each run's calibrated distribution (where an issue has veto players, the settlement mixed with the" +
    " reversion point by P(agreement))" +
    (!done ? "" : done.borrowed_from ? `; calibration borrowed from ${done.borrowed_from}: a guide, not a guarantee`
      : "; calibrated on the kind of negotiation this scenario declares") +
    (answers.some(nearCertainAgreement) ? "; where P(agreement) is near 0% or 100%, a probability holds for the" +
      " table's numbers as they are (no deal, or a deal, unless a veto player's position changes), not as certainty"
      : "") +
    (pending ? "; a pending probability appears once its run's calibrated analysis is done" : "") + ".";
}

// P(outcome ≥ threshold) per issue for the baseline run and the changed one, asked of the server again while
// either run's calibrated analysis is still being computed: an answer once done is kept, and while a run's
// analysis is pending its other issues wait with it (one request per pending run and pass). A newer comparison
// stops an older one.
async function showThresholds(runIds, baseline, model) {
  const generation = ++whatIf.generation;
  const at = whatIf.threshold;
  if (at === null) return;
  const known = new Map();
  for (;;) {
    const pendingRuns = new Map();
    const answers = [];
    for (const item of baseline.issues) {
      const cell = document.querySelector(`#what-if-table tr[data-issue="${CSS.escape(item.issue)}"] td.threshold`);
      const [low, high] = item.scale;
      if (at < low || at > high) {
        cell.textContent = `outside the scale ${format(low, 0)}–${format(high, 0)}`;
        continue;
      }
      const pair = [];
      for (const id of runIds) {
        const key = `${id}|${item.issue}`;
        let answer = known.get(key) || pendingRuns.get(id);
        if (!answer) {
          try {
            answer = await api(`/api/runs/${id}/threshold?` + new URLSearchParams({issue: item.issue, at: String(at), model}));
          } catch (error) {
            if (generation === whatIf.generation) showError(messages, error);
            return;
          }
          if (generation !== whatIf.generation) return;
          if (waiting(answer)) pendingRuns.set(id, answer); else known.set(key, answer);
        }
        pair.push(answer);
      }
      answers.push(...pair);
      cell.textContent = `P(≥ ${String(at)}): ${probabilityText(pair[0])} → ${probabilityText(pair[1])}`;
      cell.classList.toggle("muted", pair.some(waiting));
      cell.title = `baseline: ${pair[0].basis}\nwith the changes: ${pair[1].basis}\n${cell.dataset.sides}`;
      cell.dataset.status = pair.some(waiting) ? "pending" : "done";
    }
    document.getElementById("threshold-note").textContent = answers.length ? thresholdNote(answers) : "";
    if (!pendingRuns.size) return;
    await new Promise((resolve) => setTimeout(resolve, THRESHOLD_POLL_MS));
    if (generation !== whatIf.generation) return;
  }
}

// Runs the changed scenario with the chosen model and shows both, then the threshold's probabilities; returns
// the new run's id.
async function compareShocked(run, baseline, model, button) {
  button.disabled = true;
  try {
    const scenario = shockedScenario(run.scenario_data, whatIf.shocks);
    const shockedRun = await api("/api/runs", {method: "POST", json: {scenario, model, preset: run.preset}});
    const documents = shockedRun.result.results || [shockedRun.result];
    renderComparison(baseline, documents.find((document_) => document_.model === model));
    showThresholds([run.id, shockedRun.id], baseline, model);
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

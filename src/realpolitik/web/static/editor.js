// The scenario editor: an actors x issues grid checked by the server as you type; import, export, save, run.
"use strict";

const messages = document.getElementById("messages");
const validation = document.getElementById("validation");
const state = {data: null, meta: null, checks: 0, timer: null};

function blankScenario() {
  return {name: "new-scenario", issues: [{name: "issue", scale_min: 0, scale_max: 100}],
    actors: [{name: "A", capability: 50, stances: {}}]};
}

function cellValue(text) {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}

function shownValue(value) {
  return value === undefined || value === null ? "" : String(value);
}

function input(attributes, value, onchange) {
  return el("input", Object.assign({value: shownValue(value), inputmode: "decimal", oninput: onchange}, attributes));
}

function updateStance(row, issue) {
  const actor = state.data.actors[row];
  const position = document.querySelector(`input[data-row="${row}"][data-issue="${CSS.escape(issue)}"][data-field="position"]`);
  const salience = document.querySelector(`input[data-row="${row}"][data-issue="${CSS.escape(issue)}"][data-field="salience"]`);
  actor.stances = actor.stances || {};
  if (position.value.trim() === "" && salience.value.trim() === "") {
    delete actor.stances[issue];
  } else {
    actor.stances[issue] = Object.assign({}, actor.stances[issue] || {},
      {position: cellValue(position.value), salience: cellValue(salience.value)});
  }
  scheduleValidation();
}

function renderGrid() {
  const issues = state.data.issues || [];
  document.querySelector("#grid thead").replaceChildren(el("tr", {},
    el("th", {class: "actor", text: "actor"}), el("th", {text: "capability"}),
    issues.map((issue) => el("th", {title: issue.description || ""}, issue.title || issue.name, el("br"),
      el("span", {class: "hint", text: `position (${shownValue(issue.scale_min ?? 0)}–${shownValue(issue.scale_max ?? 100)}) · salience (0–100)`}))),
    el("th", {})));
  document.querySelector("#grid tbody").replaceChildren(...(state.data.actors || []).map((actor, row) => el("tr", {},
    el("td", {class: "actor"}, input({class: "name", "data-row": row, "data-field": "name", inputmode: "text",
      "aria-label": "actor name"}, actor.name, (event) => { actor.name = event.target.value.trim(); scheduleValidation(); })),
    el("td", {}, input({"data-row": row, "data-field": "capability", "aria-label": `${actor.name} capability`},
      actor.capability, (event) => { actor.capability = cellValue(event.target.value); scheduleValidation(); })),
    issues.map((issue) => {
      const stance = (actor.stances || {})[issue.name] || {};
      const attributes = (field) => ({"data-row": row, "data-issue": issue.name, "data-field": field,
        "aria-label": `${actor.name} ${issue.name} ${field}`, title: stance[field + "_rationale"] || ""});
      return el("td", {}, el("div", {class: "pair"},
        input(attributes("position"), stance.position, () => updateStance(row, issue.name)),
        input(attributes("salience"), stance.salience, () => updateStance(row, issue.name))));
    }),
    el("td", {}, el("button", {class: "danger small", text: "remove", "aria-label": `remove ${actor.name}`,
      onclick: () => { state.data.actors.splice(row, 1); render(); }})))));
}

function renderIssues() {
  const fields = [["title", "text"], ["scale_min", "number"], ["scale_max", "number"], ["status_quo", "number"]];
  document.querySelector("#issues tbody").replaceChildren(...(state.data.issues || []).map((issue, index) =>
    el("tr", {}, el("td", {text: issue.name}), fields.map(([field, kind]) => el("td", {},
      input({"data-issue-index": index, "data-field": field, inputmode: kind === "text" ? "text" : "decimal",
        size: kind === "text" ? 40 : 6, "aria-label": `${issue.name} ${field}`}, issue[field], (event) => {
        issue[field] = kind === "text" ? (event.target.value || undefined) : cellValue(event.target.value);
        if (field !== "title") renderGrid();
        scheduleValidation();
      }))))));
}

function render() {
  document.getElementById("scenario-name").value = state.data.name || "";
  document.getElementById("title").textContent = state.data.title || state.data.name || "Scenario editor";
  renderGrid();
  renderIssues();
  scheduleValidation();
}

function markProblems(problems) {
  // Every problem marks its cell (every row of a duplicated actor); a cell with several keeps every message.
  document.querySelectorAll("input.invalid").forEach((node) => { node.classList.remove("invalid"); node.title = ""; });
  for (const problem of problems) {
    const rows = state.data.actors.flatMap((actor, row) => (actor.name === problem.actor ? [row] : []));
    const field = problem.field ? CSS.escape(problem.field.split(".")[0]) : null;
    let selectors = [];
    if (rows.length && field) {
      const issue = problem.issue ? `[data-issue="${CSS.escape(problem.issue)}"]` : "";
      selectors = rows.map((row) => `#grid input[data-row="${row}"]${issue}[data-field="${field}"]`);
    } else if (problem.issue && field) {
      const index = state.data.issues.findIndex((issue) => issue.name === problem.issue);
      selectors = [`#issues input[data-issue-index="${index}"][data-field="${field}"]`];
    }
    for (const node of selectors.map((selector) => document.querySelector(selector)).filter(Boolean)) {
      node.classList.add("invalid");
      node.title = node.title ? `${node.title}\n${problem.message}` : problem.message;
    }
  }
}

function scheduleValidation() {
  clearTimeout(state.timer);
  state.timer = setTimeout(validate, 250);
}

async function validate() {
  const check = ++state.checks;
  try {
    const result = await api("/api/scenarios/validate", {method: "POST", json: {scenario: state.data}});
    if (check !== state.checks) return;
    markProblems(result.problems);
    if (result.valid) {
      showMessage(validation, "ok", `Valid: ${state.data.actors.length} actors, ${state.data.issues.length} issues.`);
    } else {
      showMessage(validation, "error", `${result.problems.length} problem(s) to fix before running:`, result.problems);
    }
  } catch (error) { showError(validation, error); }
}

async function importFile(fileInput) {
  const file = fileInput.files[0];
  if (!file) return;
  try {
    if (file.size > state.meta.max_request_bytes) {
      throw new ApiError(413, `${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the largest file accepted is ` +
        `${(state.meta.max_request_bytes / 2 ** 20).toFixed(0)} MiB`);
    }
    const form = new FormData();
    form.append("file", file);
    const imported = await api("/api/scenarios/import", {method: "POST", body: form});
    state.data = imported.scenario;
    render();
    showMessage(messages, "ok", `Imported ${imported.source}; not saved yet.`);
  } catch (error) {
    showMessage(messages, "error", `${file.name} was not imported: ${error.message}`, error.problems);
  } finally {
    fileInput.value = "";
  }
}

async function save() {
  const name = document.getElementById("scenario-name").value.trim();
  state.data.name = name;
  try {
    await api("/api/scenarios/" + encodeURIComponent(name), {method: "PUT", json: {scenario: state.data}});
    history.replaceState(null, "", "/editor?scenario=" + encodeURIComponent(name));
    showMessage(messages, "ok", `Saved as '${name}'.`);
  } catch (error) { showError(messages, error); }
}

async function exportYaml() {
  try {
    const response = await api("/api/scenarios/yaml", {method: "POST", json: {scenario: state.data}, raw: true});
    const link = el("a", {href: URL.createObjectURL(await response.blob()), download: (state.data.name || "scenario") + ".yaml"});
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) { showError(messages, error); }
}

async function runModel(button) {
  const rounds = document.getElementById("rounds").value.trim();
  const request = {scenario: state.data, model: document.getElementById("model").value,
    preset: document.getElementById("preset").value || null, rounds: rounds === "" ? null : Number(rounds)};
  button.disabled = true;
  try {
    const run = await api("/api/runs", {method: "POST", json: request});
    location.href = "/runs/" + run.id;
  } catch (error) {
    showError(messages, error);
    button.disabled = false;
  }
}

function fillModels() {
  const models = document.getElementById("model");
  models.replaceChildren(...state.meta.models.map((model) => el("option", {value: model.name, text: model.title})),
    el("option", {value: "all", text: "all models (compare)"}));
  models.value = "eum";
  const fillPresets = () => {
    const chosen = models.value === "all" ? state.meta.models : state.meta.models.filter((m) => m.name === models.value);
    const presets = [...new Set(chosen.flatMap((model) => model.presets))];
    document.getElementById("preset").replaceChildren(el("option", {value: "", text: "default"}),
      ...presets.map((preset) => el("option", {value: preset, text: preset})));
  };
  models.addEventListener("change", fillPresets);
  fillPresets();
}

(async function start() {
  state.meta = await showVersion();
  if (state.meta) fillModels();
  const params = new URLSearchParams(location.search);
  try {
    if (params.has("scenario")) {
      const entry = await api("/api/scenarios/" + encodeURIComponent(params.get("scenario")));
      state.data = entry.scenario;
      if (entry.builtin) showMessage(messages, "ok", `'${entry.name}' is built in and read-only: ` +
        "run it with your changes, or save it under a new name.");
    } else if (params.has("run")) {
      const run = await api("/api/runs/" + encodeURIComponent(params.get("run")));
      state.data = run.scenario_data;
    } else {
      state.data = blankScenario();
    }
  } catch (error) {
    showError(messages, error);
    state.data = blankScenario();
  }
  render();
  document.getElementById("add-actor").addEventListener("click", () => {
    state.data.actors.push({name: "actor " + (state.data.actors.length + 1), capability: 50, stances: {}});
    render();
  });
  document.getElementById("import-file").addEventListener("change", (event) => importFile(event.target));
  document.getElementById("save").addEventListener("click", save);
  document.getElementById("export").addEventListener("click", exportYaml);
  document.getElementById("run").addEventListener("click", (event) => runModel(event.target));
  document.body.setAttribute("data-ready", "1");
})();

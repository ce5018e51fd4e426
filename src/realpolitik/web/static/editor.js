// The scenario editor: an actors x issues grid checked by the server as you type; every problem listed and
// each a link to its cell; undo; a guard on unsaved changes; import, export, save (asking before
// overwriting), run. The scenario, issues, events and cell panels are drawn by editor-panels.js.
"use strict";

const messages = document.getElementById("messages");
const validation = document.getElementById("validation");
const state = {data: null, meta: null, checks: 0, timer: null, undo: [], beforeEdit: null, dirty: false,
  savedName: null, leaving: false, selected: null};

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

// Undo: the scenario as it was before each change (typing into one cell is one change).
function remember(snapshot = JSON.stringify(state.data)) {
  if (state.undo[state.undo.length - 1] !== snapshot) state.undo.push(snapshot);
  if (state.undo.length > 200) state.undo.shift();
  document.getElementById("undo").disabled = false;
}

function markDirty() {
  state.dirty = true;
  document.getElementById("dirty").textContent = "Unsaved changes.";
}

// One edit of a field: remembered for undo once per visit to the field, then checked.
function edited() {
  if (state.beforeEdit !== null) { remember(state.beforeEdit); state.beforeEdit = null; }
  markDirty();
  scheduleValidation();
}

// A change of the table's shape (add, remove, rename): remembered, drawn again, checked.
function reshape(change) {
  remember();
  change();
  markDirty();
  render();
}

function undo() {
  if (!state.undo.length) return;
  state.data = JSON.parse(state.undo.pop());
  document.getElementById("undo").disabled = !state.undo.length;
  markDirty();
  render();
  showMessage(messages, "ok", "Undone.");
}

function updateStance(row, issue) {
  const actor = state.data.actors[row];
  const cell = (field) => document.querySelector(
    `#grid input[data-row="${row}"][data-issue="${CSS.escape(issue)}"][data-field="${field}"]`);
  const position = cell("position");
  const salience = cell("salience");
  actor.stances = actor.stances || {};
  if (position.value.trim() === "" && salience.value.trim() === "") {
    delete actor.stances[issue];
  } else {
    actor.stances[issue] = Object.assign({}, actor.stances[issue] || {},
      {position: cellValue(position.value), salience: cellValue(salience.value)});
  }
  edited();
}

function anchorText(issue) {
  return Object.entries(issue.anchors || {}).sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([point, label]) => `${point} ${label}`);
}

function renderGrid() {
  const issues = state.data.issues || [];
  document.querySelector("#grid thead").replaceChildren(el("tr", {},
    el("th", {class: "actor", scope: "col", text: "actor"}),
    el("th", {scope: "col", title: "The group the actor belongs to (e.g. EU); charts colour actors by bloc"}, "bloc",
      el("datalist", {id: "bloc-names"}, blocNames().map((bloc) => el("option", {value: bloc})))),
    el("th", {scope: "col", text: "capability"}),
    issues.map((issue, index) => el("th", {scope: "col", title: issue.description || ""}, issue.title || issue.name,
      el("br"), el("span", {class: "hint", text: `position (${shownValue(issue.scale_min ?? 0)}–` +
        `${shownValue(issue.scale_max ?? 100)}) · salience (0–100)`}),
      el("ul", {class: "anchors"}, anchorText(issue).map((text) => el("li", {text}))),
      el("datalist", {id: `anchors-${index}`}, Object.entries(issue.anchors || {}).map(([point, label]) =>
        el("option", {value: point, label}))))),
    el("th", {})));
  document.querySelector("#grid tbody").replaceChildren(...(state.data.actors || []).map((actor, row) => el("tr", {},
    el("td", {class: "actor"}, input({class: "name", "data-row": row, "data-field": "name", inputmode: "text",
      "aria-label": "actor name"}, actor.name, (event) => { actor.name = event.target.value.trim(); edited(); })),
    el("td", {}, input({class: "bloc", "data-row": row, "data-field": "bloc", inputmode: "text", list: "bloc-names",
      placeholder: "none", "aria-label": `${actor.name} bloc`}, actor.bloc, (event) => {
      setOptional(actor, "bloc", event.target.value.trim());
      fillBlocNames();
      edited();
    })),
    el("td", {}, input({"data-row": row, "data-field": "capability", "aria-label": `${actor.name} capability`},
      actor.capability, (event) => { actor.capability = cellValue(event.target.value); edited(); })),
    issues.map((issue, index) => {
      const stance = (actor.stances || {})[issue.name] || {};
      const attributes = (field) => ({"data-row": row, "data-issue": issue.name, "data-field": field,
        "aria-label": `${actor.name} ${issue.name} ${field}`, title: stance[field + "_rationale"] || "",
        list: field === "position" ? `anchors-${index}` : null});
      const override = (actor.capability_by_issue || {})[issue.name];
      return el("td", {}, el("div", {class: "pair"},
        input(attributes("position"), stance.position, () => updateStance(row, issue.name)),
        input(attributes("salience"), stance.salience, () => updateStance(row, issue.name))),
        el("div", {class: "cell-hint", text: nearestAnchor(issue, stance.position) +
          (override ? ` · capability ${override.value ?? override}` : "")}));
    }),
    el("td", {}, el("button", {class: "danger small", text: "remove", "aria-label": `remove ${actor.name}`,
      onclick: () => reshape(() => state.data.actors.splice(row, 1))})))));
}

// The blocs named so far, in order of first appearance: the bloc cells offer them.
function blocNames() {
  return [...new Set((state.data.actors || []).map((actor) => actor.bloc).filter((bloc) => typeof bloc === "string"))];
}

function fillBlocNames() {
  document.getElementById("bloc-names")?.replaceChildren(...blocNames().map((bloc) => el("option", {value: bloc})));
}

function nearestAnchor(issue, value) {
  const points = Object.keys(issue.anchors || {}).map(Number);
  if (typeof value !== "number" || !points.length) return "";
  const nearest = points.reduce((best, point) => Math.abs(point - value) < Math.abs(best - value) ? point : best);
  return (issue.anchors[String(nearest)] ?? issue.anchors[nearest.toFixed(1)] ?? "");
}

// Keyboard: arrows move between the grid's cells (left and right at the ends of the text), Enter moves down.
function gridKeys(event) {
  const cell = event.target;
  if (!(cell instanceof HTMLInputElement) || !cell.closest("#grid")) return;
  const row = Number(cell.dataset.row);
  const cells = [...document.querySelectorAll(`#grid input[data-row="${row}"]`)];
  const at = cells.indexOf(cell);
  let target = null;
  if (event.key === "ArrowDown" || event.key === "Enter" || event.key === "ArrowUp") {
    const next = row + (event.key === "ArrowUp" ? -1 : 1);
    target = document.querySelectorAll(`#grid input[data-row="${next}"]`)[at];
  } else if (event.key === "ArrowRight" && cell.selectionStart === cell.value.length) {
    target = cells[at + 1];
  } else if (event.key === "ArrowLeft" && cell.selectionEnd === 0) {
    target = cells[at - 1];
  }
  if (target) {
    event.preventDefault();
    target.focus();
    target.select();
  }
}

function render() {
  document.getElementById("scenario-name").value = state.data.name || "";
  document.getElementById("title").textContent = state.data.title || state.data.name || "Scenario editor";
  renderMeta();
  renderGrid();
  renderIssues();
  renderEvents();
  renderInspector();
  scheduleValidation();
}

// The inputs a problem names: grid cells, issue fields, event fields or scenario fields.
function problemCells(problem) {
  const field = problem.field ? problem.field.split(/[.[]/)[0] : null;
  const rows = state.data.actors.flatMap((actor, row) => (actor.name === problem.actor ? [row] : []));
  const event = /^events\[(\d+)\]\.?(\w+)?/.exec(problem.field || "");
  let selectors = [];
  if (event) {
    selectors = [`#events [data-event-index="${event[1]}"][data-field="${event[2] || "date"}"]`];
  } else if (rows.length && field) {
    const issue = problem.issue ? `[data-issue="${CSS.escape(problem.issue)}"]` : "";
    const gridField = field === "capability_by_issue" ? "position" : field;
    selectors = rows.map((row) => `#grid input[data-row="${row}"]${issue}[data-field="${CSS.escape(gridField)}"]`);
  } else if (rows.length) {
    selectors = rows.map((row) => `#grid input[data-row="${row}"][data-field="name"]`);
  } else if (problem.issue) {
    const index = state.data.issues.findIndex((issue) => issue.name === problem.issue);
    selectors = [`#issues [data-issue-index="${index}"][data-field="${CSS.escape(field || "name")}"]`];
  } else if (field) {
    selectors = [`[data-meta="${CSS.escape(field)}"]`];
  }
  return selectors.flatMap((selector) => [...document.querySelectorAll(selector)]);
}

function markProblems(problems) {
  // Every problem marks its cell (every row of a duplicated actor); a cell with several keeps every message.
  document.querySelectorAll(".invalid").forEach((node) => { node.classList.remove("invalid"); node.title = ""; });
  for (const problem of problems) {
    for (const node of problemCells(problem)) {
      node.classList.add("invalid");
      node.title = node.title ? `${node.title}\n${problem.message}` : problem.message;
    }
  }
}

function showProblems(problems) {
  validation.replaceChildren(el("div", {class: "message error", role: "alert"},
    el("strong", {text: `${problems.length} problem(s) to fix before running:`}),
    el("ul", {}, problems.map((problem) => el("li", {}, el("a", {href: "#", class: "problem", text: problem.text,
      onclick: (event) => {
        event.preventDefault();
        const [first] = problemCells(problem);
        if (first) { first.scrollIntoView({block: "center"}); first.focus(); }
      }}))))));
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
      showProblems(result.problems);
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
    remember();
    state.data = imported.scenario;
    state.savedName = null;
    let note = "";
    if (await scenarioNamed(state.data.name)) {
      const taken = state.data.name;
      state.data.name = await freeName(taken);
      note = ` '${taken}' is taken, so it is named '${state.data.name}' here: change the name before saving if you like.`;
    }
    render();
    markDirty();
    showMessage(messages, "ok", `Imported ${imported.source}; not saved yet.${note}`);
  } catch (error) {
    showMessage(messages, "error", `${file.name} was not imported: ${error.message}`, error.problems);
  } finally {
    fileInput.value = "";
  }
}

async function save() {
  const name = document.getElementById("scenario-name").value.trim();
  try {
    if (name !== state.savedName) {
      const found = await scenarioNamed(name);
      if (found && found.builtin) throw new Error(`'${name}' is built in and read-only: save under another name`);
      if (found && !confirm(`A saved scenario is already named '${name}'. Replace it with this one?`)) {
        showMessage(messages, "ok", "Not saved: choose another name, or save again to replace it.");
        return;
      }
    }
    state.data.name = name;
    await api("/api/scenarios/" + encodeURIComponent(name), {method: "PUT", json: {scenario: state.data}});
    state.savedName = name;
    state.dirty = false;
    document.getElementById("dirty").textContent = "";
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
    state.leaving = true;  // the run keeps these inputs: its page's "Edit inputs" reopens them
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
      if (!entry.builtin) state.savedName = entry.name;
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
  document.addEventListener("focusin", (event) => {
    if (event.target.matches("input, textarea, select")) state.beforeEdit = JSON.stringify(state.data);
    if (event.target.closest("#grid") && event.target.dataset.row !== undefined) {
      state.selected = {row: Number(event.target.dataset.row), issue: event.target.dataset.issue || null};
      renderInspector();
    }
  });
  document.getElementById("grid").addEventListener("keydown", gridKeys);
  window.addEventListener("beforeunload", (event) => {
    if (state.dirty && !state.leaving) { event.preventDefault(); event.returnValue = ""; }
  });
  document.getElementById("add-actor").addEventListener("click", () => reshape(() =>
    state.data.actors.push({name: "actor " + (state.data.actors.length + 1), capability: 50, stances: {}})));
  document.getElementById("add-issue").addEventListener("click", addIssue);
  document.getElementById("add-event").addEventListener("click", addEvent);
  document.getElementById("undo").addEventListener("click", undo);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "z" && !event.target.matches("input, textarea")) {
      event.preventDefault();
      undo();
    }
  });
  document.getElementById("scenario-name").addEventListener("input", markDirty);
  document.getElementById("import-file").addEventListener("change", (event) => importFile(event.target));
  document.getElementById("save").addEventListener("click", save);
  document.getElementById("export").addEventListener("click", exportYaml);
  document.getElementById("run").addEventListener("click", (event) => runModel(event.target));
  document.body.setAttribute("data-ready", "1");
})();

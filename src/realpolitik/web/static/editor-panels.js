// The editor's panels beside the grid: the scenario's title, date, kind, description and sources; the issues
// (add, rename, delete, scale, status quo, reversion, veto players, agenda setter, anchors); the events;
// and the selected cell's rationales and capability override. The grid and the checks are in editor.js.
"use strict";

function textField(attributes, value, onchange, rows = 0) {
  const common = Object.assign({oninput: (event) => { onchange(event.target.value); edited(); }}, attributes);
  return rows ? el("textarea", Object.assign({rows: String(rows)}, common), shownValue(value))
    : el("input", Object.assign({value: shownValue(value)}, common));
}

function renderMeta() {
  const data = state.data;
  document.getElementById("meta-title").value = shownValue(data.title);
  document.getElementById("meta-date").value = shownValue(data.date);
  document.getElementById("meta-kind").value = shownValue(data.kind);
  document.getElementById("meta-description").value = shownValue(data.description);
  document.getElementById("meta-sources").value = (data.sources || []).join("\n");
}

function bindMeta() {
  for (const field of ["title", "date", "kind", "description", "sources"]) {
    document.querySelector(`[data-meta="${field}"]`).addEventListener("input", (event) => {
      const text = event.target.value;
      if (field === "sources") {
        const lines = text.split("\n").map((line) => line.trim()).filter(Boolean);
        if (lines.length) state.data.sources = lines; else delete state.data.sources;
      } else if (text.trim() === "") {
        delete state.data[field];
      } else {
        state.data[field] = text;
      }
      if (field === "title") document.getElementById("title").textContent = text || state.data.name;
      edited();
    });
  }
}

// Anchors as "0: no ceasefire; 50: truce" and back; a part without a colon is kept for the checks to name.
function anchorsText(anchors) {
  return Object.entries(anchors || {}).sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([point, label]) => `${point}: ${label}`).join("; ");
}

function parseAnchors(text) {
  const anchors = {};
  for (const part of text.split(";").map((item) => item.trim()).filter(Boolean)) {
    const colon = part.indexOf(":");
    if (colon < 0) anchors[part] = "";
    else anchors[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return anchors;
}

function setOptional(target, field, value) {
  if (value === undefined || value === "" || (Array.isArray(value) && !value.length)) delete target[field];
  else target[field] = value;
}

function renameIssue(index, newName) {
  const issue = state.data.issues[index];
  const old = issue.name;
  if (!newName || newName === old) return;
  reshape(() => {
    issue.name = newName;
    for (const actor of state.data.actors) {
      for (const key of ["stances", "capability_by_issue"]) {
        if (actor[key] && old in actor[key]) { actor[key][newName] = actor[key][old]; delete actor[key][old]; }
      }
    }
    for (const event of state.data.events || []) {
      event.shocks = (event.shocks || []).map((shock) => shock.split(`[${old}]`).join(`[${newName}]`));
    }
  });
}

function deleteIssue(index) {
  const name = state.data.issues[index].name;
  reshape(() => {
    state.data.issues.splice(index, 1);
    for (const actor of state.data.actors) {
      if (actor.stances) delete actor.stances[name];
      if (actor.capability_by_issue) delete actor.capability_by_issue[name];
    }
  });
  showMessage(messages, "ok", `Issue '${name}' deleted with every actor's stance on it (Undo brings it back).`);
}

function addIssue() {
  const names = new Set(state.data.issues.map((issue) => issue.name));
  let number = state.data.issues.length + 1;
  while (names.has(`issue-${number}`)) number += 1;
  reshape(() => state.data.issues.push({name: `issue-${number}`, title: `Issue ${number}`, scale_min: 0, scale_max: 100,
    anchors: {0: "", 100: ""}}));
  document.querySelector(`#issues input[data-issue-index="${state.data.issues.length - 1}"][data-field="name"]`)?.focus();
}

function renderIssues() {
  const numbers = ["scale_min", "scale_max", "status_quo", "reversion"];
  document.querySelector("#issues tbody").replaceChildren(...(state.data.issues || []).map((issue, index) => {
    const field = (name, attributes = {}) => Object.assign({"data-issue-index": index, "data-field": name,
      "aria-label": `${issue.name} ${name.replace("_", " ")}`}, attributes);
    return el("tr", {},
      el("td", {}, el("input", Object.assign(field("name", {size: 14, value: issue.name}),
        {onchange: (event) => renameIssue(index, event.target.value.trim())}))),
      el("td", {}, textField(field("title", {size: 26}), issue.title, (value) => {
        setOptional(issue, "title", value); renderGrid(); })),
      numbers.map((name) => el("td", {}, textField(field(name, {size: 5, inputmode: "decimal"}), issue[name],
        (value) => { setOptional(issue, name, cellValue(value)); if (name.startsWith("scale")) renderGrid(); }))),
      el("td", {}, textField(field("veto_players", {size: 16, placeholder: "names, comma-separated"}),
        (issue.veto_players || []).join(", "), (value) => setOptional(issue, "veto_players",
          value.split(",").map((name) => name.trim()).filter(Boolean)))),
      el("td", {}, textField(field("agenda_setter", {size: 10}), issue.agenda_setter,
        (value) => setOptional(issue, "agenda_setter", value.trim()))),
      el("td", {}, textField(field("anchors", {size: 44}), anchorsText(issue.anchors), (value) => {
        setOptional(issue, "anchors", Object.keys(parseAnchors(value)).length ? parseAnchors(value) : undefined);
        renderGrid();
      })),
      el("td", {}, el("button", {class: "danger small", text: "delete", "aria-label": `delete issue ${issue.name}`,
        onclick: () => deleteIssue(index)})));
  }));
}

function addEvent() {
  reshape(() => {
    state.data.events = state.data.events || [];
    state.data.events.push({date: state.data.date || new Date().toISOString().slice(0, 10), title: "", shocks: []});
  });
}

function renderEvents() {
  const events = state.data.events || [];
  document.querySelector("#events tbody").replaceChildren(...events.map((event, index) => {
    const field = (name, attributes = {}) => Object.assign({"data-event-index": index, "data-field": name,
      "aria-label": `event ${index + 1} ${name}`}, attributes);
    return el("tr", {},
      el("td", {}, textField(field("date", {size: 10}), event.date, (value) => { event.date = value.trim(); })),
      el("td", {}, textField(field("title", {size: 30}), event.title, (value) => { event.title = value; })),
      el("td", {}, textField(field("source", {size: 24}), event.source, (value) => setOptional(event, "source", value))),
      el("td", {}, textField(field("shocks", {cols: 34}), (event.shocks || []).join("\n"), (value) => {
        event.shocks = value.split("\n").map((line) => line.trim()).filter(Boolean);
      }, Math.max(2, (event.shocks || []).length))),
      el("td", {}, el("button", {class: "danger small", text: "remove", "aria-label": `remove event ${index + 1}`,
        onclick: () => reshape(() => { events.splice(index, 1); if (!events.length) delete state.data.events; })})));
  }));
}

// The selected cell: the actor's title and capability rationale; on an issue, the position and salience
// rationales and the actor's capability override on that issue.
function renderInspector() {
  const body = document.getElementById("inspector-body");
  const selected = state.selected;
  const actor = selected && state.data.actors[selected.row];
  if (!actor) {
    body.replaceChildren(el("p", {class: "muted", text: "Click or move to a cell of the table."}));
    return;
  }
  const parts = [
    el("label", {}, "actor title ", textField({"aria-label": `${actor.name} title`, size: 40}, actor.title,
      (value) => setOptional(actor, "title", value))),
    el("label", {class: "wide"}, "capability rationale ", textField({"aria-label": `${actor.name} capability rationale`},
      actor.capability_rationale, (value) => setOptional(actor, "capability_rationale", value), 2)),
  ];
  const issue = selected.issue;
  if (issue) {
    const stance = () => { actor.stances = actor.stances || {}; return actor.stances[issue] || (actor.stances[issue] = {}); };
    const current = (actor.stances || {})[issue] || {};
    const override = (actor.capability_by_issue || {})[issue];
    const overrideValue = override && typeof override === "object" ? override.value : override;
    const setOverride = (change) => {
      actor.capability_by_issue = actor.capability_by_issue || {};
      const entry = Object.assign({}, typeof override === "object" ? override : {value: override}, actor.capability_by_issue[issue]);
      change(entry);
      if (entry.value === undefined) delete actor.capability_by_issue[issue]; else actor.capability_by_issue[issue] = entry;
      if (!Object.keys(actor.capability_by_issue).length) delete actor.capability_by_issue;
      renderGrid();
    };
    parts.push(el("h3", {class: "wide", text: `${actor.name} on ${issue}`}),
      ...["position", "salience"].map((field) => el("label", {class: "wide"}, `${field} rationale `,
        textField({"aria-label": `${actor.name} ${issue} ${field} rationale`}, current[`${field}_rationale`],
          (value) => setOptional(stance(), `${field}_rationale`, value), 2))),
      el("label", {}, "capability on this issue (override) ", textField({"aria-label": `${actor.name} ${issue} capability override`,
        size: 8, inputmode: "decimal", "data-field": "capability_by_issue"}, overrideValue,
        (value) => setOverride((entry) => { entry.value = cellValue(value); }))),
      el("label", {class: "wide"}, "override rationale ", textField({"aria-label": `${actor.name} ${issue} capability override rationale`},
        override && override.rationale, (value) => setOverride((entry) => setOptional(entry, "rationale", value)), 2)));
  }
  body.replaceChildren(...parts);
}

bindMeta();

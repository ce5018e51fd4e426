// The scenario library: list, open, run, delete, and import a file as a saved scenario.
"use strict";

const messages = document.getElementById("messages");

async function runScenario(name, model, button) {
  button.disabled = true;
  try {
    const run = await api("/api/runs", {method: "POST", json: {scenario_name: name, model}});
    location.href = "/runs/" + run.id;
  } catch (error) {
    showError(messages, error);
    button.disabled = false;
  }
}

async function removeScenario(name) {
  if (!confirm("Delete the saved scenario '" + name + "'?")) return;
  try {
    await api("/api/scenarios/" + encodeURIComponent(name), {method: "DELETE"});
    showMessage(messages, "ok", "Deleted '" + name + "'.");
    await loadLibrary();
  } catch (error) { showError(messages, error); }
}

async function loadLibrary() {
  const body = document.querySelector("#scenarios tbody");
  try {
    const scenarios = await api("/api/scenarios");
    body.replaceChildren(...scenarios.map((entry) => el("tr", {"data-name": entry.name},
      el("td", {}, el("a", {href: "/editor?scenario=" + encodeURIComponent(entry.name), text: entry.name}), " ",
        el("span", {class: "badge" + (entry.builtin ? " builtin" : ""), text: entry.builtin ? "built-in" : "saved"})),
      el("td", {text: entry.title || ""}),
      el("td", {class: "number", text: entry.actors}),
      el("td", {class: "number", text: entry.issues}),
      el("td", {class: "nowrap", text: entry.date || ""}),
      el("td", {class: "nowrap"}, el("button", {class: "primary", text: "Run EUM",
        onclick: (event) => runScenario(entry.name, "eum", event.target)}), " ",
        el("button", {text: "Compare all models", onclick: (event) => runScenario(entry.name, "all", event.target)})),
      el("td", {}, entry.builtin ? null : el("button", {class: "danger", text: "Delete",
        onclick: () => removeScenario(entry.name)})))));
  } catch (error) { showError(messages, error); }
}

// The name an import is saved under: its own, or, when that is taken, one the analyst gives (a built-in name
// never; a saved scenario's only after saying yes to replacing it). Null when the analyst gives none.
async function nameForImport(name) {
  let wanted = name;
  let given = false;
  for (;;) {
    const taken = await scenarioNamed(wanted);
    if (!taken) return wanted;
    if (!taken.builtin && given && confirm(`Replace the saved scenario '${wanted}' with this import?`)) {
      return wanted;
    }
    const answer = prompt(`'${wanted}' is ${taken.builtin ? "a built-in scenario" : "already saved"}. ` +
      "Save the import under this name:", await freeName(name));
    if (answer === null || answer.trim() === "") return null;
    wanted = answer.trim();
    given = true;
  }
}

async function importFile(input, meta) {
  const file = input.files[0];
  if (!file) return;
  if (meta && file.size > meta.max_request_bytes) {
    showMessage(messages, "error", file.name + " is " + (file.size / 1e6).toFixed(1) + " MB; the largest file " +
      "accepted is " + (meta.max_request_bytes / 2 ** 20).toFixed(0) + " MiB.");
    input.value = "";
    return;
  }
  const form = new FormData();
  form.append("file", file);
  try {
    const imported = await api("/api/scenarios/import", {method: "POST", body: form});
    const name = await nameForImport(imported.scenario.name);
    if (name === null) {
      showMessage(messages, "ok", `${imported.source} was not imported: no name chosen.`);
      return;
    }
    imported.scenario.name = name;
    await api("/api/scenarios/" + encodeURIComponent(name), {method: "PUT", json: {scenario: imported.scenario}});
    showMessage(messages, "ok", "Imported " + imported.source + " as '" + name + "'.");
    await loadLibrary();
  } catch (error) {
    showError(messages, error);
  } finally {
    input.value = "";
  }
}

(async function start() {
  const meta = await showVersion();
  document.getElementById("import-file").addEventListener("change", (event) => importFile(event.target, meta));
  await loadLibrary();
  document.body.setAttribute("data-ready", "1");
})();

// The run history: every stored run, and a side-by-side comparison of two of them.
"use strict";

const messages = document.getElementById("messages");
const compare = document.getElementById("compare");

function ticked() {
  return [...document.querySelectorAll("#runs tbody input:checked")].map((box) => box.value);
}

(async function start() {
  await showVersion();
  try {
    const runs = await api("/api/runs?limit=500");
    document.querySelector("#runs tbody").replaceChildren(...runs.map((run) => el("tr", {},
      el("td", {}, el("input", {type: "checkbox", value: run.id, "aria-label": "tick run " + run.id,
        onchange: () => { compare.disabled = ticked().length !== 2; }})),
      el("td", {class: "number"}, el("a", {href: "/runs/" + run.id, text: run.id})),
      el("td", {text: run.kind}),
      el("td", {text: run.created_at.slice(0, 19).replace("T", " ")}),
      el("td", {text: run.scenario || ""}),
      el("td", {text: run.models.join(", ")}),
      el("td", {text: run.preset || ""}),
      el("td", {class: "number", text: run.seed === null ? "" : run.seed}),
      el("td", {text: run.package_version}))));
    if (!runs.length) showMessage(messages, "ok", "No runs yet: run a scenario from the library.");
  } catch (error) { showError(messages, error); }
  compare.addEventListener("click", () => {
    const [a, b] = ticked().sort((x, y) => x - y);
    location.href = "/diff?a=" + a + "&b=" + b;
  });
  document.body.setAttribute("data-ready", "1");
})();

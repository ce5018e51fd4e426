// Shared helpers of the workbench pages: API calls (with the token), DOM building, messages, charts.
"use strict";

const TOKEN_KEY = "realpolitik-token";

(function keepToken() {
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    sessionStorage.setItem(TOKEN_KEY, params.get("token"));
    params.delete("token");
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }
})();

class ApiError extends Error {
  constructor(status, detail, problems) {
    super(detail);
    this.status = status;
    this.problems = problems || [];
  }
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers["X-Realpolitik-Token"] = token;
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  let response;
  try {
    response = await fetch(path, {method: options.method || "GET", headers, body});
  } catch (error) {
    throw new ApiError(0, "the server could not be reached (" + error.message + ")");
  }
  if (response.status === 401) {
    const given = prompt("This server needs its access token:");
    if (given) { sessionStorage.setItem(TOKEN_KEY, given); return api(path, options); }
  }
  if (!response.ok) {
    let detail = response.status + " " + response.statusText;
    let problems = [];
    try {
      const document = await response.json();
      if (typeof document.detail === "string") detail = document.detail;
      else if (Array.isArray(document.detail)) detail = document.detail.map((d) => d.msg).join("; ");
      problems = document.problems || [];
    } catch (ignored) { /* not JSON: keep the status line */ }
    throw new ApiError(response.status, detail, problems);
  }
  if (options.raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

// The library's scenario of that name, or null when there is none.
async function scenarioNamed(name) {
  try {
    return await api("/api/scenarios/" + encodeURIComponent(name));
  } catch (error) {
    if (error.status === 404 || error.status === 422) return null;
    throw error;
  }
}

// The first of NAME-2, NAME-3, ... that the library does not hold.
async function freeName(name) {
  for (let number = 2; ; number += 1) {
    if (!(await scenarioNamed(`${name}-${number}`))) return `${name}-${number}`;
  }
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function showMessage(container, kind, text, problems = []) {
  container.replaceChildren(el("div", {class: "message " + kind, role: kind === "error" ? "alert" : "status"},
    el("strong", {text}),
    problems.length ? el("ul", {}, problems.map((p) => el("li", {text: p.text || p.message}))) : null));
}

function showError(container, error) {
  showMessage(container, "error", error.message, error.problems || []);
}

// On a phone-sized screen: the legend below the chart, smaller titles, and scale ticks by their value only
// (the anchors' words are listed beside the chart).
function narrowLayout(layout) {
  if (window.innerWidth > 600) return layout;
  const narrow = JSON.parse(JSON.stringify(layout));
  narrow.legend = Object.assign({}, narrow.legend, {orientation: "h", x: 0, y: -0.32, font: {size: 10}});
  if (narrow.title) narrow.title.font = Object.assign({}, narrow.title.font, {size: 12});
  for (const axis of ["xaxis", "yaxis"]) {
    const ticks = narrow[axis] && narrow[axis].ticktext;
    if (ticks && narrow[axis].tickvals) narrow[axis].ticktext = narrow[axis].tickvals.map((value) => String(value));
  }
  narrow.margin = Object.assign({}, narrow.margin, {l: 36, r: 8});
  return narrow;
}

function plot(node, figure) {
  // The configuration (no logo, no cloud or editing links) is set once by /static/vendor/plotly.min.js.
  const narrow = window.innerWidth <= 600;
  // On a narrow screen the bars' labels would cover each other: their values stay in the hover and the note.
  const data = narrow ? figure.data.map((trace) => trace.type === "bar" ? Object.assign({}, trace,
    {textposition: "none"}) : trace) : figure.data;
  return Plotly.react(node, data, narrowLayout(figure.layout)).then(() => node.setAttribute("data-drawn", "1"));
}

function format(value, digits = 1) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

async function showVersion() {
  try {
    const meta = await api("/api/meta");
    const slot = document.querySelector(".version");
    if (slot) slot.textContent = "realpolitik " + meta.version;
    return meta;
  } catch (error) { return null; }
}

// A probability as a percentage that never rounds a possibility away: "<1%" and ">99%" short of 0 and 1.
function chance(probability) {
  if (probability === null || probability === undefined) return "–";
  const rounded = Math.round(100 * probability);
  if (probability > 0 && rounded === 0) return "<1%";
  if (probability < 1 && rounded === 100) return ">99%";
  return `${rounded}%`;
}

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

function plot(node, figure) {
  // The configuration (no logo, no cloud or editing links) is set once by /static/vendor/plotly.min.js.
  return Plotly.react(node, figure.data, figure.layout).then(() => node.setAttribute("data-drawn", "1"));
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

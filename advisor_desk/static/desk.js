// Shared helpers for the desk pages. All user text goes into the DOM via textContent, never HTML.
"use strict";

const Desk = (() => {
  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const options = { method, credentials: "same-origin", headers: {} };
    if (method !== "GET" && method !== "HEAD") {
      // The desk refuses a state-changing call that is not JSON (its CSRF guard), so even a bare claim sends {}.
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body === undefined ? {} : body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      throw new ApiError(0, "The desk server cannot be reached.");
    }
    if (response.status === 401 && path !== "/api/login") {
      window.location.assign("/login");
      throw new ApiError(401, "Your session has ended. Please log in again.");
    }
    let data = {};
    try {
      data = await response.json();
    } catch (err) {
      data = {};
    }
    if (!response.ok) {
      throw new ApiError(response.status, data.error || `Request failed (HTTP ${response.status}).`);
    }
    return data;
  }

  // el("td", {className: "x"}, "text", otherNode): builds DOM; strings become text nodes.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function showError(message) {
    const box = document.getElementById("error");
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
  }

  function formatTime(value) {
    if (!value) return ""; // also 0: an event Rasa stored without a time
    const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
    if (Number.isNaN(date.getTime())) return "";
    return date.toLocaleString("nl-BE", { dateStyle: "short", timeStyle: "short" });
  }

  function me() {
    return { id: Number(document.body.dataset.advisorId), role: document.body.dataset.role };
  }

  // Polls fn every `ms`, never overlapping two runs. A failure is shown and cleared by the next
  // success, but a poll never clears an error it did not cause (a failed reply stays visible).
  function poll(fn, ms) {
    let stopped = false;
    let failed = false;
    async function tick() {
      if (stopped) return;
      try {
        await fn();
        if (failed) showError("");
        failed = false;
      } catch (err) {
        failed = true;
        showError(err.message);
      }
      if (!stopped) setTimeout(tick, ms);
    }
    tick();
    return () => { stopped = true; };
  }

  function wireLogout() {
    const button = document.getElementById("logout");
    if (!button) return;
    button.addEventListener("click", async () => {
      try {
        await api("POST", "/api/logout");
      } finally {
        window.location.assign("/login");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", wireLogout);
  return { api, el, showError, formatTime, me, poll, ApiError };
})();

// The review inbox: filters, the list of messages, one message's conversation and the decision form.
// Keyboard: j/k next/previous, 1-9 pick a numbered intent, i ignore, s save, ? help.
"use strict";

(() => {
  const { api, el, formatTime, showError } = Desk;
  const state = { items: [], choices: null, index: -1, quick: [] };
  const $ = (id) => document.getElementById(id);

  function option(value, label) {
    return el("option", { value }, label === undefined ? value : label);
  }

  function fillChoices(choices) {
    state.choices = choices;
    const filters = $("filters");
    filters.elements.intent.append(...choices.intents.map((name) => option(name)));
    filters.elements.outcome.append(...choices.outcomes.map((name) => option(name, name.replace("_", " "))));
    $("correct-intent").replaceChildren(
      ...choices.intents.map((name) => option(name)),
      ...choices.special.map((s) => option(s.value, s.label)));
    const groups = new Map();
    for (const entry of choices.knowledge_entries) {
      if (!groups.has(entry.topic)) groups.set(entry.topic, el("optgroup", { label: entry.topic }));
      groups.get(entry.topic).append(option(entry.id, `${entry.title} (${entry.id})`));
    }
    $("knowledge-entry").replaceChildren(option("", "choose an entry…"), ...groups.values());
  }

  function describe(decision) {
    if (!decision) return "";
    if (decision.correct_intent === "knowledge") return `→ entry ${decision.knowledge_entry}`;
    return decision.correct_intent === "ignore" ? "ignored" : `→ ${decision.correct_intent}`;
  }

  function row(item, i) {
    const tr = el("tr", { className: "item", tabIndex: -1 },
      el("td", { className: "quoted" }, item.text),
      el("td", {}, item.count),
      el("td", {}, item.predicted_intent || "—"),
      el("td", {}, item.confidence.toFixed(2)),
      el("td", {}, item.outcomes.join(", ")),
      el("td", { className: "decided" }, describe(item.decision)));
    tr.dataset.lang = item.language;
    tr.addEventListener("click", () => select(i));
    return tr;
  }

  async function loadInbox() {
    const query = new URLSearchParams();
    for (const [name, value] of new FormData($("filters"))) if (value) query.set(name, value);
    const data = await api("GET", `/api/staff/inbox?${query}`);
    state.items = data.items;
    state.index = -1;
    $("items").replaceChildren(...data.items.map(row));
    $("items-empty").hidden = data.items.length > 0;
    $("inbox-count").textContent = `${data.items.length} messages.`;
    $("withheld").textContent = data.withheld ? `${data.withheld} withheld because they still looked personal.` : "";
    $("detail-body").hidden = true;
    $("detail-empty").hidden = false;
    if (data.items.length) select(0);
  }

  function quickIntents(item) {
    const first = item.predicted_intent && state.choices.intents.includes(item.predicted_intent) ? [item.predicted_intent] : [];
    const rest = state.choices.quick_intents.filter((name) => !first.includes(name));
    return [...first, ...rest].slice(0, 9);
  }

  function showQuick(item) {
    state.quick = quickIntents(item);
    $("top-intents").replaceChildren(...state.quick.map((name, n) => {
      const button = el("button", { type: "button", className: "link" }, name);
      button.addEventListener("click", () => pick(name));
      return el("li", {}, el("kbd", {}, n + 1), " ", button);
    }));
  }

  function pick(value) {
    $("correct-intent").value = value;
    $("entry-label").hidden = value !== "knowledge";
  }

  async function showContext(example, text) {
    const data = await api("GET", `/api/staff/conversation?sender_id=${encodeURIComponent(example.sender_id)}`);
    const lines = data.lines.map((line) => {
      const own = line.who === "user" && (line.timestamp === example.timestamp || line.text === text);
      return el("div", { className: `line ${line.who}${own ? " focus" : ""}` },
        el("div", { className: "meta" }, `${line.who}${line.intent ? ` · ${line.intent}` : ""} · ${formatTime(line.timestamp)}`),
        el("p", {}, line.text));
    });
    $("context").replaceChildren(...lines);
    // Scroll the transcript box only: scrollIntoView would scroll the whole page away from the list.
    const box = $("context");
    const focus = box.querySelector(".focus");
    if (focus) box.scrollTop = focus.offsetTop - box.offsetTop - (box.clientHeight - focus.offsetHeight) / 2;
  }

  function select(i) {
    if (i < 0 || i >= state.items.length) return;
    state.index = i;
    const rows = $("items").children;
    for (const [n, tr] of Array.from(rows).entries()) tr.classList.toggle("selected", n === i);
    rows[i].scrollIntoView({ block: "nearest" });
    const item = state.items[i];
    $("detail-empty").hidden = true;
    $("detail-body").hidden = false;
    $("detail-text").textContent = item.text;
    $("detail-meta").textContent = [
      item.language, `${item.count}×`, `understood as ${item.predicted_intent || "nothing"}`,
      `confidence ${item.confidence.toFixed(2)}`, item.outcomes.join(", "), `last ${formatTime(item.last_seen)}`,
    ].filter(Boolean).join(" · ");
    const form = $("decision-form");
    pick(item.decision ? item.decision.correct_intent : (item.predicted_intent || state.choices.intents[0]));
    form.elements.knowledge_entry.value = item.decision && item.decision.knowledge_entry ? item.decision.knowledge_entry : "";
    form.elements.note.value = item.decision ? item.decision.note : "";
    showQuick(item);
    $("context").replaceChildren();
    const example = item.examples[0];
    $("context-meta").textContent = example ? `Most recent of ${item.examples.length} conversation(s) with this message.` : "";
    if (example) showContext(example, item.text).catch((err) => showError(err.message));
  }

  async function save(correctIntent) {
    const item = state.items[state.index];
    if (!item) return;
    const form = $("decision-form");
    const chosen = correctIntent || form.elements.correct_intent.value;
    const body = {
      key: item.key, text: item.text, language: item.language, predicted_intent: item.predicted_intent,
      confidence: item.confidence, count: item.count, outcomes: item.outcomes,
      correct_intent: chosen, knowledge_entry: chosen === "knowledge" ? form.elements.knowledge_entry.value : null,
      note: form.elements.note.value,
    };
    const result = await api("POST", "/api/staff/decisions", body);
    item.decision = result.decision;
    $("items").children[state.index].querySelector(".decided").textContent = describe(item.decision);
    showError("");
    select(Math.min(state.index + 1, state.items.length - 1));
  }

  function report(promise) {
    promise.catch((err) => showError(err.message));
  }

  function onKey(event) {
    const help = $("help");
    if (event.ctrlKey || event.metaKey || event.altKey || help.open) return;
    if (event.target.closest("input, select, textarea")) return;
    const key = event.key;
    if (key === "?") help.showModal();
    else if (key === "j") select(state.index + 1);
    else if (key === "k") select(state.index - 1);
    else if (key === "i") report(save("ignore"));
    else if (key === "s") report(save());
    else if (/^[1-9]$/.test(key) && state.quick[Number(key) - 1]) pick(state.quick[Number(key) - 1]);
    else return;
    event.preventDefault();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const filters = $("filters");
    filters.elements.since.value = new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10);
    filters.addEventListener("submit", (event) => {
      event.preventDefault();
      report(loadInbox());
    });
    $("correct-intent").addEventListener("change", (event) => pick(event.target.value));
    $("decision-form").addEventListener("submit", (event) => {
      event.preventDefault();
      report(save());
    });
    $("ignore").addEventListener("click", () => report(save("ignore")));
    document.addEventListener("keydown", onKey);
    report(api("GET", "/api/staff/choices").then(fillChoices).then(loadInbox));
  });
})();

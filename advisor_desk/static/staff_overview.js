// The staff overview: reads /api/staff/overview for the chosen period and draws the four charts.
"use strict";

(() => {
  const { api, showError } = Desk;
  const RATE_NAMES = { fallback: "fallback", hedged: "hedged answer", declined: "declined as out of scope", handoff: "handoff", negative_feedback: "negative feedback" };

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  async function show(form) {
    const query = new URLSearchParams();
    for (const name of ["since", "until"]) if (form.elements[name].value) query.set(name, form.elements[name].value);
    const data = await api("GET", `/api/staff/overview?${query}`);
    document.getElementById("overview-empty").hidden = data.days.length > 0;
    const totals = data.totals;
    document.getElementById("totals").textContent = totals
      ? `${totals.conversations} conversations, ${totals.messages} messages in this period.` : "";
    Charts.line(document.getElementById("chart-per-day"), {
      labels: data.days, series: [{ name: "conversations", values: data.conversations_per_day }],
    });
    Charts.line(document.getElementById("chart-rates"), {
      labels: data.days,
      percent: true,
      series: Object.entries(data.rates).map(([name, values]) => ({ name: RATE_NAMES[name] || name, values })),
    });
    const sorted = (counts) => Object.entries(counts).sort((a, b) => b[1] - a[1]);
    Charts.bars(document.getElementById("chart-topics"), { entries: sorted(data.per_topic) });
    Charts.bars(document.getElementById("chart-languages"), { entries: sorted(data.per_language) });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("period");
    form.elements.since.value = isoDay(new Date(Date.now() - 30 * 86400000));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      show(form).then(() => showError(""), (err) => showError(err.message));
    });
    show(form).catch((err) => showError(err.message));
  });
})();

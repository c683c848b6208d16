// Retrain & reports: the pending decisions, the button that starts a retrain, its status and log, the reports.
"use strict";

(() => {
  const { api, el, formatTime, poll, showError } = Desk;
  const $ = (id) => document.getElementById(id);

  function decisionRow(d) {
    const undo = el("button", { type: "button", className: "link" }, "Undo");
    undo.addEventListener("click", async () => {
      try {
        await api("DELETE", `/api/staff/decisions/${d.id}`);
        await refresh();
      } catch (err) {
        showError(err.message);
      }
    });
    const now = d.correct_intent === "knowledge" ? `entry ${d.knowledge_entry}` : d.correct_intent;
    return el("tr", {},
      el("td", { className: "quoted" }, d.text), el("td", {}, d.language), el("td", {}, d.predicted_intent || "—"),
      el("td", {}, now), el("td", {}, d.reviewer || ""), el("td", {}, d.run_id && !d.merged_at ? "" : undo));
  }

  function describeRun(run) {
    if (!run) return "No retrain has been started from the desk yet.";
    const started = `Run ${run.id}, started ${formatTime(run.started_at)} with ${run.decision_count} decision(s)`;
    if (run.status === "running") return `${started}: running…`;
    const code = run.exit_code === null ? "" : ` (exit code ${run.exit_code})`;
    return `${started}: ${run.status} ${formatTime(run.finished_at)}${code}.`;
  }

  function reportItem(report) {
    return el("li", {},
      el("a", { href: `/staff/reports/${encodeURIComponent(report.name)}` }, report.name),
      el("span", { className: "meta" }, ` · ${formatTime(report.written_at)}${report.has_chart ? " · F1 chart" : ""}`));
  }

  async function refresh() {
    const [status, pending] = await Promise.all([
      api("GET", "/api/staff/retrain"), api("GET", "/api/staff/decisions?state=pending"),
    ]);
    $("pending-count").textContent = String(status.counts.pending);
    $("start-retrain").disabled = status.running || status.counts.pending === 0;
    const latest = status.latest;
    $("run-status").replaceChildren(describeRun(latest), ...(latest && latest.report
      ? [" ", el("a", { href: `/staff/reports/${encodeURIComponent(latest.report)}` }, "Open its report")] : []));
    const log = status.latest ? status.latest.log : "";
    $("run-log").hidden = !log;
    $("run-log").textContent = log;
    $("pending").replaceChildren(...pending.decisions.map(decisionRow));
    $("reports").replaceChildren(...status.reports.map(reportItem));
    $("reports-empty").hidden = status.reports.length > 0;
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("start-retrain").addEventListener("click", async (event) => {
      event.target.disabled = true;
      try {
        await api("POST", "/api/staff/retrain");
        await refresh();
      } catch (err) {
        showError(err.message);
      }
    });
    poll(refresh, 4000);
  });
})();

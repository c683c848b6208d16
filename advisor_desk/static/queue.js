"use strict";

(() => {
  const { api, el, formatTime, poll, showError } = Desk;

  function openLink(caseId, label) {
    return el("a", { href: `/cases/${caseId}` }, label);
  }

  async function claim(caseId, button) {
    button.disabled = true;
    try {
      const result = await api("POST", `/api/cases/${caseId}/claim`);
      if (result.warning) window.alert(result.warning);
      window.location.assign(`/cases/${caseId}`);
    } catch (err) {
      showError(err.message);
      button.disabled = false;
      refresh().catch(() => {}); // the next poll reports a lasting failure
    }
  }

  function queueRow(c) {
    const claimButton = el("button", { type: "button" }, "Claim");
    claimButton.addEventListener("click", () => claim(c.id, claimButton));
    const due = formatTime(c.callback_due) || c.callback_due || "";
    const status = c.status === "callback" ? `callback ${due}`.trim() : c.status;
    return el("tr", {},
      el("td", {}, openLink(c.id, c.id)),
      el("td", {}, formatTime(c.created_at)),
      el("td", { className: `status ${c.status}` }, status),
      el("td", {}, c.topic || ""),
      el("td", {}, c.language),
      el("td", {}, [c.contact_name, c.contact].filter(Boolean).join(" · ")),
      el("td", { className: "summary" }, c.summary || ""),
      el("td", {}, claimButton));
  }

  function mineRow(c) {
    return el("tr", {},
      el("td", {}, openLink(c.id, c.id)),
      el("td", {}, formatTime(c.claimed_at)),
      el("td", {}, c.topic || ""),
      el("td", {}, c.language),
      el("td", {}, [c.contact_name, c.contact].filter(Boolean).join(" · ")),
      el("td", { className: "summary" }, c.summary || ""),
      el("td", {}, openLink(c.id, "Open")));
  }

  function fill(tbodyId, emptyId, rows) {
    document.getElementById(tbodyId).replaceChildren(...rows);
    document.getElementById(emptyId).hidden = rows.length > 0;
  }

  async function refresh() {
    const [queue, mine] = await Promise.all([api("GET", "/api/queue"), api("GET", "/api/cases/mine")]);
    fill("queue", "queue-empty", queue.cases.map(queueRow));
    fill("mine", "mine-empty", mine.cases.map(mineRow));
    document.getElementById("queue-count").textContent = `(${queue.cases.length})`;
    document.getElementById("refreshed").textContent = `Last update ${new Date().toLocaleTimeString("nl-BE")}.`;
  }

  poll(refresh, 5000);
})();

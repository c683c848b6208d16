"use strict";

(() => {
  const { api, el, formatTime, me, poll, showError } = Desk;
  const caseId = document.getElementById("case-page").dataset.caseId;
  const self = me();
  const WHO = { user: "Entrepreneur", bot: "Assistant", advisor: "Advisor", system: "" };
  let stops = [];
  let current = null;
  let transferChoicesFor = null;

  const $ = (id) => document.getElementById(id);

  function stopPolling(message) {
    stops.forEach((stop) => stop());
    document.querySelectorAll("form").forEach((form) => { form.hidden = true; });
    $("actions").hidden = true;
    showError(message);
  }

  // 403/404 mean the case is no longer ours to see (transferred, resolved): stop, don't retry.
  async function guarded(request) {
    try {
      return await request();
    } catch (err) {
      if (err.status === 403 || err.status === 404) stopPolling(err.message);
      throw err;
    }
  }

  function renderDetails(c) {
    const rows = [
      ["Status", c.status === "claimed" ? `claimed by ${c.advisor_name}` : c.status],
      ["Topic", c.topic],
      ["Language", c.language],
      ["Name", c.contact_name],
      ["Contact", c.contact],
      ["Callback", formatTime(c.callback_due) || c.callback_due],
      ["Summary", c.summary],
      ["Opened", formatTime(c.created_at)],
    ].filter(([, value]) => value);
    $("case-details").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    $("case-status").textContent = c.status;
  }

  function renderControls(c) {
    const open = c.status !== "resolved";
    const holder = c.status === "claimed" && c.advisor_id === self.id;
    const manager = open && (holder || self.role === "admin");
    $("reply-form").hidden = !holder;
    $("claim-form").hidden = !(c.status === "waiting" || c.status === "callback");
    $("actions").hidden = !manager;
    $("note-form").hidden = !manager;
    if (manager && transferChoicesFor !== c.advisor_id) {
      loadTransferChoices(c).catch((err) => {
        transferChoicesFor = null;
        showError(err.message);
      });
    }
  }

  // Colleagues to transfer to, reloaded only when the holder changes.
  async function loadTransferChoices(c) {
    transferChoicesFor = c.advisor_id;
    const { advisors } = await api("GET", "/api/advisors");
    const options = advisors
      .filter((a) => a.username !== c.advisor_username)
      .map((a) => el("option", { value: a.username }, `${a.display_name} (${a.username})`));
    $("transfer-to").replaceChildren(...options);
  }

  function renderNotes(notes) {
    $("notes").replaceChildren(...notes.map((n) => el("li", {},
      el("span", { className: "meta" }, `${n.advisor_name || "?"} · ${formatTime(n.created_at)}`),
      el("p", {}, n.text))));
  }

  // Redrawn only when it changed: the box is a live region, and a redraw every poll would be read out again.
  let shownTranscript = "";
  function renderTranscript(lines) {
    const key = JSON.stringify(lines);
    if (key === shownTranscript) return;
    shownTranscript = key;
    const box = $("transcript");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    box.replaceChildren(...lines.map((line) => el("div", { className: `line ${line.who}` },
      el("span", { className: "meta" }, [WHO[line.who], formatTime(line.at)].filter(Boolean).join(" · ")),
      el("p", {}, line.text))));
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  async function loadCase() {
    const data = await guarded(() => api("GET", `/api/cases/${caseId}`));
    current = data.case;
    renderDetails(current);
    renderControls(current);
    renderNotes(data.notes);
  }

  async function loadTranscript() {
    const data = await guarded(() => api("GET", `/api/cases/${caseId}/transcript`));
    renderTranscript(data.transcript);
  }

  // An action that leaves the page returns LEAVING (it stops polling before it starts, so that nothing asks
  // for a case that is no longer ours; it starts polling again if it fails).
  const LEAVING = Symbol("leaving");

  async function leavingWith(request) {
    stopPollingQuietly();
    try {
      await request();
    } catch (err) {
      startPolling();
      throw err;
    }
    window.location.assign("/");
    return LEAVING;
  }

  // Wraps a form's submit: no double sends, errors shown, the page refreshed afterwards.
  function onSubmit(id, action) {
    $(id).addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.target;
      const button = form.querySelector("button");
      button.disabled = true;
      let leaving = false;
      try {
        leaving = (await action(form)) === LEAVING;
        showError("");
      } catch (err) {
        showError(err.message);
      } finally {
        button.disabled = false;
      }
      if (leaving) return;
      await Promise.allSettled([loadCase(), loadTranscript()]);
    });
  }

  onSubmit("reply-form", async (form) => {
    await api("POST", `/api/cases/${caseId}/messages`, { text: form.text.value });
    form.text.value = "";
  });

  onSubmit("note-form", async (form) => {
    await api("POST", `/api/cases/${caseId}/notes`, { text: form.text.value });
    form.text.value = "";
  });

  onSubmit("claim-form", async () => {
    const result = await api("POST", `/api/cases/${caseId}/claim`);
    if (result.warning) window.alert(result.warning);
  });

  onSubmit("transfer-form", async () => {
    const username = $("transfer-to").value;
    if (!window.confirm(`Transfer this case to ${username}?`)) return;
    const transfer = () => api("POST", `/api/cases/${caseId}/transfer`, { advisor_username: username });
    if (self.role !== "admin") return leavingWith(transfer); // the case is no longer ours to see
    await transfer();
    return undefined;
  });

  onSubmit("resolve-form", async () => {
    if (!window.confirm("Resolve this case? The entrepreneur gets the bot back.")) return;
    return leavingWith(() => api("POST", `/api/cases/${caseId}/resolve`));
  });

  // Send with Ctrl/Cmd+Enter; plain Enter keeps adding lines.
  $("reply-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("reply-form").requestSubmit();
  });

  function startPolling() {
    stops = [poll(loadCase, 5000), poll(loadTranscript, 2000)];
  }

  function stopPollingQuietly() {
    stops.forEach((stop) => stop());
    stops = [];
  }

  startPolling();
})();

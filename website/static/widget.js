// The chat widget: one socket.io conversation with the assistant through Rasa's socket.io channel
// (assistant_components/socketio_channel.py: session_request -> session_confirm / session_history /
// session_error, user_uttered -> bot_uttered). The conversation id and its token stay in localStorage, so a reload continues the same
// conversation; the server's history is shown, with a local copy as fallback. Text from the server only ever
// reaches the page as text nodes (ChatText.render), never as HTML.
"use strict";

(() => {
  const STORE = { session: "chat.session", history: "chat.history", open: "chat.open", language: "chat.language" };
  const LANGUAGES = ["en", "nl"];
  const MAX_KEPT = 200; // messages kept in the local copy
  const TYPING_MS = 6000; // the typing dots go away if no reply comes
  const GREETING = "/greet"; // sent, not shown, when a conversation starts: the bot answers with its welcome
  const ADVISOR_PAYLOAD = "/ask_human"; // the intent behind "Talk to an advisor" (data/nlu/*/handoff.yml)

  const $ = (id) => document.getElementById(id);
  const root = $("chat");
  const panel = $("chat-panel");
  const launcher = $("chat-launcher");
  const log = $("chat-log");
  const input = $("chat-input");
  const status = $("chat-status");
  const typing = $("chat-typing");

  let labels = {};
  let language = pickLanguage();
  let config = null;
  let socket = null;
  let session = load(STORE.session); // {id, token}
  let messages = load(STORE.history) || []; // [{sender, text, buttons, advisor}]
  let ready = false; // the socket is bound to our conversation
  let waitingForHistory = false;
  let typingTimer = null;
  let answered = true; // the bot answered the last message; if not, an advisor probably holds the chat

  function load(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key));
    } catch (err) {
      return null;
    }
  }

  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (err) {
      // storage full or disabled: the conversation still works, it just does not survive a reload
    }
  }

  function pickLanguage() {
    const stored = load(STORE.language);
    if (LANGUAGES.includes(stored)) return stored;
    return (navigator.language || "").toLowerCase().startsWith("nl") ? "nl" : "en";
  }

  const t = (key) => (labels[language] || {})[key] || (labels.en || {})[key] || "";

  // --- labels and language
  function translate() {
    root.querySelectorAll("[data-label]").forEach((node) => { node.textContent = t(node.dataset.label); });
    root.querySelectorAll("[data-label-aria]").forEach((node) => {
      node.setAttribute("aria-label", t(node.dataset.labelAria));
    });
    root.querySelectorAll("[data-label-placeholder]").forEach((node) => {
      node.setAttribute("placeholder", t(node.dataset.labelPlaceholder));
    });
    root.querySelectorAll("[data-language]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.language === language));
    });
    panel.setAttribute("lang", language);
    launcher.setAttribute("lang", language);
  }

  function setLanguage(next) {
    if (next === language || !LANGUAGES.includes(next)) return;
    language = next;
    save(STORE.language, language);
    translate();
    renderAll();
    // Nothing said yet: ask for the welcome again, now in the chosen language.
    if (ready && !messages.some((m) => m.sender === "user")) {
      messages = [];
      renderAll();
      send(GREETING, null);
    }
  }

  // --- status line: connecting, unreachable, ...
  function showStatus(key) {
    status.textContent = key ? t(key) : "";
    status.hidden = !key;
    status.dataset.key = key || "";
  }

  function setReady(value) {
    ready = value;
    $("chat-send").disabled = !value;
    $("chat-advisor").disabled = !value;
    root.dataset.connected = String(value);
  }

  // --- messages
  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function whoLabel(message) {
    if (message.sender === "user") return t("you");
    if (message.sender === "advisor") return message.advisor ? `${t("advisor")} · ${message.advisor}` : t("advisor");
    return t("bot");
  }

  function messageNode(message) {
    const item = node("div", `chat-message from-${message.sender}`);
    item.append(node("span", "chat-who", whoLabel(message)));
    const body = node("div", "chat-text");
    body.append(ChatText.render(message.text, t("new_link_window")));
    item.append(body);
    return item;
  }

  function quickReplies(message) {
    const group = node("div", "chat-quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("suggestions"));
    for (const button of message.buttons) {
      const choice = node("button", "chat-quick-reply", button.title);
      choice.type = "button";
      choice.addEventListener("click", () => {
        send(button.payload, button.title);
        input.focus();
      });
      group.append(choice);
    }
    return group;
  }

  // Buttons stay only under the messages since the user last spoke: older ones answer a question no longer asked.
  function sinceLastUser() {
    for (let i = messages.length - 1; i >= 0; i -= 1) if (messages[i].sender === "user") return i + 1;
    return 0;
  }

  function withReplies(message, current) {
    const item = messageNode(message);
    if (!current || message.sender === "user" || !message.buttons || !message.buttons.length) return [item];
    return [item, quickReplies(message)];
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function renderAll() {
    const first = sinceLastUser();
    log.replaceChildren(...messages.flatMap((message, index) => withReplies(message, index >= first)));
    scrollDown();
  }

  function addMessage(message) {
    messages.push(message);
    if (messages.length > MAX_KEPT) messages = messages.slice(-MAX_KEPT);
    save(STORE.history, messages);
    if (message.sender === "user") log.querySelectorAll(".chat-quick-replies").forEach((group) => group.remove());
    log.append(...withReplies(message, true));
    scrollDown();
  }

  // No typing dots while a person holds the chat: their last word was the advisor's, or the bot stayed silent.
  function showTyping(on) {
    window.clearTimeout(typingTimer);
    const lastOther = [...messages].reverse().find((m) => m.sender !== "user");
    const held = !answered || (lastOther && lastOther.sender === "advisor");
    typing.hidden = !on || held;
    if (on) {
      answered = false;
      typingTimer = window.setTimeout(() => { typing.hidden = true; }, TYPING_MS);
    }
  }

  // --- talking
  // `shown`: what the user sees in the log (a button's title); null sends without showing anything.
  function send(text, shown) {
    if (!socket || !ready || !session) {
      showStatus("not_sent");
      return false;
    }
    socket.emit("user_uttered", { message: text, session_id: session.id, metadata: { language } });
    if (status.dataset.key) showStatus(null); // connected and sending: an earlier notice no longer holds
    if (shown !== null) addMessage({ sender: "user", text: shown === undefined ? text : shown });
    showTyping(true);
    return true;
  }

  function onBotUttered(data) {
    if (!data || typeof data !== "object") return;
    const metadata = data.metadata || {};
    const text = typeof data.text === "string" ? data.text : "";
    const buttons = (data.quick_replies || data.buttons || [])
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }));
    if (!text && !buttons.length) return; // custom payloads the widget has no use for
    answered = true;
    showTyping(false);
    const advisor = metadata.advisor;
    addMessage({
      sender: advisor ? "advisor" : "bot",
      advisor: typeof advisor === "string" ? advisor : "",
      text,
      buttons,
    });
  }

  // The server's history says what the user sent (a payload for a clicked button): show the button's title.
  function fromHistory(entries) {
    const shown = [];
    for (const entry of entries) {
      if (!entry || typeof entry.text !== "string") continue;
      const sender = ["user", "bot", "advisor"].includes(entry.sender) ? entry.sender : "bot";
      let text = entry.text;
      if (sender === "user" && text.startsWith("/")) {
        const title = titleOf(shown, text);
        if (title === null) continue; // the greeting the widget sent by itself
        text = title;
      }
      const buttons = (entry.buttons || [])
        .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
        .map((b) => ({ title: b.title, payload: b.payload }));
      shown.push({ sender, advisor: typeof entry.advisor === "string" ? entry.advisor : "", text, buttons });
    }
    return shown;
  }

  function titleOf(earlier, payload) {
    for (let i = earlier.length - 1; i >= 0; i -= 1) {
      const button = (earlier[i].buttons || []).find((b) => b.payload === payload);
      if (button) return button.title;
    }
    if (payload === ADVISOR_PAYLOAD) return t("advisor_button");
    if (payload === GREETING) return null;
    return payload;
  }

  // --- the conversation with the server
  function greetIfNew() {
    if (ready && !waitingForHistory && !panel.hidden && messages.length === 0) send(GREETING, null);
  }

  function requestSession() {
    const resume = session && session.id && session.token;
    socket.emit("session_request", resume ? { session_id: session.id, token: session.token } : {});
  }

  function onSessionConfirm(data) {
    if (!data || typeof data.session_id !== "string") return;
    const isNew = !data.resumed || !session || session.id !== data.session_id;
    session = { id: data.session_id, token: data.token };
    save(STORE.session, session);
    setReady(true);
    showStatus(null);
    if (isNew) {
      messages = [];
      save(STORE.history, messages);
      renderAll();
    }
    waitingForHistory = !isNew;
    greetIfNew();
  }

  function onSessionHistory(data) {
    const fromServer = fromHistory((data && data.messages) || []);
    if (fromServer.length) {
      messages = fromServer.slice(-MAX_KEPT);
      save(STORE.history, messages);
      renderAll();
    }
    waitingForHistory = false;
    greetIfNew();
  }

  function onSessionError(data) {
    const code = data && data.code;
    if (code === "invalid_token" || code === "invalid_id") {
      // Not ours (or no longer valid): start afresh rather than keep asking.
      const hadMessages = messages.length > 0;
      session = null;
      messages = [];
      save(STORE.session, null);
      save(STORE.history, null);
      renderAll();
      if (hadMessages) showStatus("session_lost");
      socket.emit("session_request", {});
    } else {
      setReady(false);
      showStatus("not_sent");
      requestSession();
    }
  }

  function connect() {
    if (socket || !config) return;
    showStatus("connecting");
    socket = io(config.socket_url, { path: "/socket.io", reconnectionDelayMax: 10000 });
    socket.on("connect", requestSession); // also after a reconnect: a new socket must be bound again
    socket.on("connect_error", () => { setReady(false); showTyping(false); showStatus("unreachable"); });
    socket.on("disconnect", () => { setReady(false); showStatus("connecting"); });
    socket.on("session_confirm", onSessionConfirm);
    socket.on("session_history", onSessionHistory);
    socket.on("session_error", onSessionError);
    socket.on("bot_uttered", onBotUttered);
    socket.on("message_error", () => { showTyping(false); showStatus("refused"); });
  }

  // --- opening and closing
  function open() {
    panel.hidden = false;
    root.dataset.state = "open";
    launcher.setAttribute("aria-expanded", "true");
    save(STORE.open, true);
    scrollDown();
    input.focus();
    connect();
    greetIfNew();
  }

  function close() {
    panel.hidden = true;
    root.dataset.state = "closed";
    launcher.setAttribute("aria-expanded", "false");
    save(STORE.open, false);
    launcher.focus();
  }

  function wire() {
    launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
    $("chat-close").addEventListener("click", close);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") close();
    });
    root.querySelectorAll("[data-language]").forEach((button) => {
      button.addEventListener("click", () => setLanguage(button.dataset.language));
    });
    $("chat-advisor").addEventListener("click", () => send(ADVISOR_PAYLOAD, t("advisor_button")));
    $("chat-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (text && send(text)) input.value = "";
      input.focus();
    });
    // Enter sends, Shift+Enter starts a new line.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $("chat-form").requestSubmit();
      }
    });
  }

  async function fetchJson(path) {
    const response = await fetch(path, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  async function start() {
    wire();
    setReady(false);
    try {
      labels = await fetchJson("/static/widget-labels.json");
    } catch (err) {
      labels = {}; // the page's own English labels stay
    }
    translate();
    renderAll();
    try {
      config = await fetchJson("/config.json");
    } catch (err) {
      showStatus("unreachable");
      return;
    }
    if (session || load(STORE.open)) connect(); // a conversation is going on: be there for the advisor's replies
    if (load(STORE.open)) open();
  }

  start();
})();

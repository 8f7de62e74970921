// The queue board: subscribes to queueBoardChanged over graphql-transport-ws and shows it.
// Reads #key=<DISPLAY key>&lines=<Line ids, comma-separated>[&chime=1] from the fragment.
// Reconnects by itself (backoff up to 10 s) and resumes with the last board's cursor, so a
// network drop or a server restart needs no reload. Text goes in with textContent only.
"use strict";
(function () {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const key = params.get("key") || "";
  const lineIds = (params.get("lines") || "").split(",").map((s) => s.trim()).filter(Boolean);
  const chimeOn = params.get("chime") === "1";
  // The subscription document, as the gateway lists it among its trusted documents.
  const QUERY = document.getElementById("board-document").textContent;
  const $ = (id) => document.getElementById(id);
  const state = { cursor: null, seen: null, retries: 0, socket: null, stopped: false };
  window.ticketgwBoard = state; // read by tests: boards received, connections made
  state.boards = 0;
  state.connections = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function label(ticket) {
    return ticket.publicId || (ticket.number != null ? String(ticket.number) : "—");
  }

  function hhmm(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function setStatus(text, down) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("down", Boolean(down));
  }

  function chime() {
    if (!chimeOn || typeof AudioContext === "undefined") return;
    try {
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.8);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.8);
    } catch (_error) {
      // No audio device (or no user gesture yet): the highlight still shows the call.
    }
  }

  function render(board) {
    state.boards += 1;
    state.cursor = board.cursor;
    const names = board.lines.map((line) => line.name).join(" · ");
    $("title").textContent = names || "Queue";
    const previous = state.seen;
    state.seen = new Set(board.called.map((t) => `${t.id}@${t.calledAt}`));
    const fresh = previous === null ? [] : board.called.filter((t) => !previous.has(`${t.id}@${t.calledAt}`));

    const called = $("called");
    called.replaceChildren(
      ...board.called.map((ticket) => {
        const item = el("li");
        item.dataset.ticket = label(ticket);
        if (fresh.includes(ticket)) item.classList.add("fresh");
        item.append(el("span", "ticket", label(ticket)));
        item.append(el("span", "name", ticket.displayName || ""));
        item.append(el("span", "desk", ticket.desk != null ? `Desk ${ticket.desk}` : ""));
        return item;
      }),
    );
    $("no-calls").hidden = board.called.length > 0;

    $("lines").replaceChildren(
      ...board.lines.map((line) => {
        const item = el("li");
        item.append(el("span", "line", line.name));
        const wait = line.estimatedWaitSeconds;
        const minutes = wait == null ? "" : ` · ~${Math.max(1, Math.round(wait / 60))} min`;
        item.append(el("span", "count", `${line.waitingCount} waiting${minutes}`));
        return item;
      }),
    );
    $("waiting").replaceChildren(
      ...board.waiting.map((ticket) => {
        const item = el("li");
        item.dataset.ticket = label(ticket);
        item.append(el("span", "ticket", label(ticket)));
        item.append(el("span", "name", ticket.displayName || ""));
        item.append(el("span", "eta", ticket.estimatedCallAt ? `~${hhmm(ticket.estimatedCallAt)}` : ""));
        return item;
      }),
    );
    if (fresh.length > 0) {
      const latest = fresh[0];
      const desk = latest.desk != null ? `, desk ${latest.desk}` : "";
      $("announce").textContent = `Now serving ${label(latest)}${desk}`;
      chime();
      window.setTimeout(() => {
        for (const item of called.querySelectorAll("li.fresh")) item.classList.remove("fresh");
      }, 10000);
    }
  }

  function reconnect(delay) {
    if (state.stopped) return;
    window.setTimeout(connect, delay);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}/graphql`, "graphql-transport-ws");
    state.socket = socket;
    let acknowledged = false;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${key}` } }));
    });
    socket.addEventListener("message", (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "connection_ack") {
        acknowledged = true;
        state.retries = 0;
        state.connections += 1;
        setStatus("Live");
        const variables = { lineIds: lineIds.length ? lineIds : null, after: state.cursor };
        socket.send(JSON.stringify({ id: "board", type: "subscribe", payload: { query: QUERY, variables } }));
      } else if (data.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (data.type === "next" && data.payload.data) {
        render(data.payload.data.queueBoardChanged);
      } else if (data.type === "next" || data.type === "error") {
        const errors = data.type === "error" ? data.payload : data.payload.errors;
        setStatus(`Board refused: ${(errors && errors[0] && errors[0].message) || "error"}`, true);
      }
    });
    socket.addEventListener("close", (event) => {
      if (socket !== state.socket) return;
      if (event.code === 4403 || event.code === 4401) {
        setStatus("This board's key is not valid: ask for a new link", true);
        reconnect(30000); // a revoked key stays revoked; look again now and then
        return;
      }
      setStatus(acknowledged ? "Reconnecting…" : "Offline: retrying…", true);
      state.retries += 1;
      reconnect(Math.min(10000, 250 * 2 ** Math.min(state.retries, 6)));
    });
  }

  function tick() {
    $("clock").textContent = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  tick();
  window.setInterval(tick, 1000);
  window.addEventListener("hashchange", () => window.location.reload()); // new key or lines
  if (!key) {
    setStatus("Add #key=<display key>&lines=<line ids> to this page's address", true);
  } else {
    connect();
  }
})();

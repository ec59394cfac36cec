// Back Pain Guide test page. Every turn goes to POST <data-turn-url>, where the skill's own resolver
// and handler answer it; this script only shows the answer, speaks it and keeps the tab's session.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const root = $("simulator");
  const TURN_URL = root.dataset.turnUrl;
  const KEY = "backPainGuide.simulator";  // sessionStorage: one device per browser tab
  const MAX_TURNS = 50;
  let state = { locale: "en-US", device: "voice", speak: true, session: null, turns: [] };
  let shown = -1;  // index of the turn whose JSON the panes hold
  let speaking = 0;

  function load() {
    try { Object.assign(state, JSON.parse(sessionStorage.getItem(KEY)) || {}); } catch (e) { /* fresh tab */ }
  }
  function save() {
    for (;;) {
      try { sessionStorage.setItem(KEY, JSON.stringify(state)); return; } catch (e) {
        if (!state.turns.length) return;
        state.turns.shift();  // over the storage quota: forget the oldest turn
      }
    }
  }
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  // --- speech ------------------------------------------------------------------------------------
  function speak(speech) {
    const synth = window.speechSynthesis;
    const run = ++speaking;
    if (!synth) return;
    synth.cancel();
    if (!speech || !state.speak) return;
    (async () => {
      for (const part of speech.segments) {
        if (run !== speaking) return;
        if ("pause" in part) { await new Promise((done) => setTimeout(done, part.pause)); continue; }
        await new Promise((done) => {
          const utterance = new SpeechSynthesisUtterance(part.say);
          utterance.lang = state.locale;
          utterance.onend = utterance.onerror = done;
          synth.speak(utterance);
        });
      }
    })();
  }

  // --- showing a turn ----------------------------------------------------------------------------
  function describeSlots(slots) {
    return slots.map((s) => `${s.name} = "${s.value}"` +
      (s.resolved ? ` → ${s.resolved.name} (${s.resolved.id})` : " (no entity match)")).join(", ");
  }
  function addTurn(turn, index) {
    const item = el("li", "turn");
    item.dataset.turn = String(index);
    const you = el("p", "you");
    you.append(el("span", "who", turn.said.kind === "touch" ? "Touch" : "You"), turn.said.text);
    item.append(you);
    const t = turn.turn;
    const resolved = el("p", "resolved");
    if (t.intent) {
      resolved.append("IntentRequest: ", el("code", "intent", t.intent));
      if (t.slots.length) resolved.append(", slots: " + describeSlots(t.slots));
    } else {
      resolved.append(el("code", "intent", t.type));
      if (t.arguments) resolved.append(" arguments " + JSON.stringify(t.arguments));
    }
    if (t.new_session) resolved.append(" (new session)");
    const json = el("button", "show-json", "JSON");
    json.type = "button";
    json.setAttribute("aria-label", `Show the JSON of turn ${index + 1}`);
    json.addEventListener("click", () => showIO(index));
    resolved.append(" ", json);
    item.append(resolved);
    for (const note of t.notes.concat(turn.errors)) item.append(el("p", "note", note));
    const alexa = el("p", "alexa");
    alexa.append(el("span", "who", "Alexa"), el("span", "speech", turn.speech ? turn.speech.text : "(nothing said)"));
    item.append(alexa);
    if (turn.ended) item.append(el("p", "ended", "Session ended."));
    $("transcript").append(item);
    item.scrollIntoView({ block: "nearest" });
  }
  function showScreen(turn) {
    const screen = $("screen");
    const warnings = $("screen-warnings");
    warnings.replaceChildren();
    if (state.device !== "screen") {
      screen.innerHTML = '<p class="empty">A voice-only device has no screen.</p>';
    } else if (!turn || !turn.screen) {
      screen.innerHTML = `<p class="empty">${turn ? "This response sent no screen." : "No screen yet."}</p>`;
    } else {
      screen.innerHTML = turn.screen.html;  // built and escaped by the server's APL preview
      for (const w of turn.screen.warnings) warnings.append(el("li", "", "Preview: " + w));
    }
  }
  function showCard(turn) {
    const card = $("card");
    card.replaceChildren();
    if (!turn || !turn.card) { card.append(el("p", "empty", turn ? "This response has no card." : "No card yet.")); return; }
    card.append(el("h3", "card-title", turn.card.title), el("p", "card-text", turn.card.text));
  }
  function showIO(index) {
    const turn = state.turns[index];
    shown = turn ? index : -1;
    $("request-json").textContent = turn ? JSON.stringify(turn.request, null, 2) : "";
    $("response-json").textContent = turn ? JSON.stringify(turn.response, null, 2) : "";
    $("io-turn").textContent = turn ? `Turn ${index + 1}: ${turn.said.text}` : "";
    $("copy").disabled = !turn;
    $("copy-status").textContent = "";
  }
  function showSession() {
    $("session-status").textContent = state.session
      ? `In session ${state.session.sessionId.slice(-12)} (${state.turns.length} turn${state.turns.length === 1 ? "" : "s"} in this tab).`
      : state.turns.length ? "No session open: the next utterance starts a new one."
        : "No session yet: start with “open back pain guide”.";
  }
  function showAll() {
    $("transcript").replaceChildren();
    state.turns.forEach(addTurn);
    const last = state.turns[state.turns.length - 1];
    showScreen(last);
    showCard(last);
    showIO(state.turns.length - 1);
    showSession();
  }

  // --- sending -----------------------------------------------------------------------------------
  async function send(said, fields) {
    showError("");
    const body = { locale: state.locale, device: state.device, session: state.session, ...fields };
    let reply;
    try {
      const response = await fetch(TURN_URL, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      reply = await response.json().catch(() => ({ reason: `the service answered ${response.status} without JSON` }));
      if (!response.ok) { showError(`The turn was refused (${response.status}): ${reply.reason}`); return false; }
    } catch (error) {
      showError(`Could not reach the local service: ${error.message}`);
      return false;
    }
    reply.said = said;
    state.session = reply.session;
    state.turns.push(reply);
    while (state.turns.length > MAX_TURNS) state.turns.shift();
    addTurn(reply, state.turns.length - 1);
    showScreen(reply);
    showCard(reply);
    showIO(state.turns.length - 1);
    showSession();
    if (reply.errors.length) showError(reply.errors.join(" "));
    save();
    speak(reply.speech);
    return true;
  }

  $("say").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("utterance");
    const text = input.value.trim();
    if (!text) { showError("Type what you would say first."); return; }
    if (await send({ kind: "say", text }, { utterance: text })) input.value = "";
    input.focus();
  });
  $("screen").addEventListener("click", async (event) => {
    const button = event.target.closest("button.apl-touch[data-arguments]");
    if (!button) return;
    const label = button.getAttribute("aria-label") || button.textContent.trim();
    await send({ kind: "touch", text: label }, { event: JSON.parse(button.dataset.arguments) });
    const next = $("screen").querySelector("button.apl-touch[data-arguments]");
    (next || $("utterance")).focus();  // keyboard users stay on the screen while it offers buttons
  });
  $("new-session").addEventListener("click", () => {
    state.session = null;
    state.turns = [];
    speak(null);
    showError("");
    showAll();
    save();
    $("utterance").focus();
  });
  $("locale").addEventListener("change", (event) => { state.locale = event.target.value; save(); });
  $("device").addEventListener("change", (event) => {
    state.device = event.target.value;
    save();
    showScreen(state.turns[state.turns.length - 1]);
  });
  $("speak").addEventListener("change", (event) => {
    state.speak = event.target.checked;
    if (!state.speak) speak(null);
    save();
  });
  $("copy").addEventListener("click", async () => {
    const turn = state.turns[shown];
    if (!turn) return;
    const text = JSON.stringify({ request: turn.request, response: turn.response }, null, 2);
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {  // no clipboard permission (or not a secure context): the old way
      const area = el("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      const copied = document.execCommand("copy");
      area.remove();
      if (!copied) { $("copy-status").textContent = "Copying was refused by the browser."; return; }
    }
    $("copy-status").textContent = `Copied the request and response of turn ${shown + 1}.`;
  });

  // --- microphone --------------------------------------------------------------------------------
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  const mic = $("mic");
  if (!Recognition) {
    mic.disabled = true;
    $("mic-status").textContent = "This browser offers no speech recognition: type what you would say.";
  } else {
    let listening = null;
    mic.addEventListener("click", () => {
      if (listening) { listening.stop(); return; }
      listening = new Recognition();
      listening.lang = state.locale;
      listening.interimResults = false;
      listening.maxAlternatives = 1;
      listening.onresult = (event) => {
        $("utterance").value = event.results[0][0].transcript;
        $("say").requestSubmit();
      };
      listening.onerror = (event) => showError(`Speech recognition stopped: ${event.error}`);
      listening.onend = () => { listening = null; mic.setAttribute("aria-pressed", "false"); mic.textContent = "Speak"; };
      mic.setAttribute("aria-pressed", "true");
      mic.textContent = "Stop";
      listening.start();
    });
  }

  load();
  $("locale").value = state.locale;
  $("device").value = state.device;
  $("speak").checked = state.speak;
  state.locale = $("locale").value;
  state.device = $("device").value;
  showAll();
})();

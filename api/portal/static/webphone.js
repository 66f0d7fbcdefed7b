// The WebPhone: this browser registers to the lab Asterisk as the owner's extension (SIP over a
// secure websocket, media over DTLS-SRTP), takes the calls the Smart Number puts through and
// places calls, which go out under the caller ID chosen here.
import { Inviter, Registerer, RegistererState, SessionState, UserAgent } from "./vendor/sip.min.js";

const $ = (id) => document.getElementById(id);
const AUDIO_ONLY = { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } };
const LEVEL_POLL_MS = 250;
const RECONNECT_MS = 5000;

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || data.detail || `${response.status}`);
  return data;
}

function dialable(text) {
  const trimmed = text.trim();
  const digits = trimmed.replace(/[^0-9*#]/g, "");
  return trimmed.startsWith("+") ? `+${digits}` : digits;
}

let config = null;
let userAgent = null;
let registerer = null;
let session = null; // the one call at a time: an Invitation (incoming) or an Inviter (outgoing)
let levelTimer = null;

function showStatus(text) {
  $("phone-status").textContent = text;
}

function presence() {
  if (!registerer || registerer.state !== RegistererState.Registered) return;
  showStatus($("dnd").checked ? "Do Not Disturb" : "Online");
  dialRequested();
}

// A contact double-clicked on the contacts page: call them once the phone is online.
function dialRequested() {
  const number = sessionStorage.getItem("webphone-dial");
  if (!number) return;
  sessionStorage.removeItem("webphone-dial");
  $("number").value = number;
  call();
}

function callerIdChoices() {
  const select = $("caller-id");
  select.replaceChildren();
  for (const number of config.caller_ids) {
    const option = new Option(number === config.default_caller_id ? `${number} (default)` : number, number);
    option.selected = number === config.default_caller_id;
    select.append(option);
  }
}

async function start() {
  try {
    config = await api("GET", "/webphone");
  } catch (error) {
    showStatus("Unavailable");
    $("phone-help").textContent = error.message;
    $("phone-help").hidden = false;
    return;
  }
  $("dnd").checked = config.do_not_disturb;
  callerIdChoices();
  $("certificate-link").href = config.certificate_url;
  if (!config.enabled) {
    showStatus("Not set up");
    $("enable-box").hidden = false;
    return;
  }
  $("enable-box").hidden = true;
  register();
}

function register() {
  showStatus("Connecting…");
  userAgent = new UserAgent({
    uri: UserAgent.makeURI(config.sip_uri),
    authorizationUsername: config.user,
    authorizationPassword: config.password,
    transportOptions: { server: config.websocket_url },
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] } },
    logLevel: "warn",
    delegate: { onInvite: incoming },
  });
  userAgent.transport.onDisconnect = (error) => {
    if (error) {
      offline("connection lost");
      setTimeout(reconnect, RECONNECT_MS);
    }
  };
  registerer = new Registerer(userAgent);
  registerer.stateChange.addListener((state) => {
    if (state === RegistererState.Registered) presence();
    else if (state === RegistererState.Unregistered) offline("not registered");
  });
  userAgent
    .start()
    .then(() => registerer.register({ requestDelegate: { onReject: () => offline("registration refused") } }))
    .catch(() => offline("cannot reach the lab Asterisk"));
}

// After Asterisk restarts or the network drops: connect and register again until it works.
function reconnect() {
  userAgent
    .reconnect()
    .then(() => registerer.register())
    .catch(() => setTimeout(reconnect, RECONNECT_MS));
}

function offline(reason) {
  showStatus(`Offline (${reason})`);
  $("certificate-box").hidden = false;
}

// Calls -------------------------------------------------------------------------------------------

function incoming(invitation) {
  if (session) {
    invitation.reject({ statusCode: 486 });
    return;
  }
  const from = invitation.remoteIdentity;
  const caller = from.displayName ? `${from.displayName} (${from.uri.user})` : from.uri.user;
  $("incoming-from").textContent = caller;
  $("incoming").hidden = false;
  window.showCallNotification?.("Incoming call", caller, { tag: "incoming" });
  startRinging();
  follow(invitation, "ringing");
}

// The ring of an incoming call: the North American ring (440 + 480 Hz, 2 s on, 4 s off).
let ringer = null;

function startRinging() {
  try {
    const context = new AudioContext();
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    for (const frequency of [440, 480]) {
      const tone = context.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start();
    }
    const cadence = () => {
      gain.gain.setValueAtTime(0.08, context.currentTime);
      gain.gain.setValueAtTime(0, context.currentTime + 2);
    };
    cadence();
    ringer = { context, timer: setInterval(cadence, 6000) };
  } catch {
    ringer = null; // no audio output: the page still shows the call
  }
}

function stopRinging() {
  if (!ringer) return;
  clearInterval(ringer.timer);
  ringer.context.close();
  ringer = null;
}

function follow(call, ringingLabel) {
  session = call;
  callState(ringingLabel);
  $("hangup").disabled = false;
  $("call").disabled = true;
  call.stateChange.addListener((state) => {
    if (state !== SessionState.Initial) stopRinging();
    if (state === SessionState.Established) {
      $("incoming").hidden = true;
      callState("connected");
      playRemoteAudio(call);
    } else if (state === SessionState.Terminated) {
      ended();
    }
  });
}

function callState(text) {
  $("call-state").textContent = text;
}

function ended() {
  session = null;
  $("incoming").hidden = true;
  $("hangup").disabled = true;
  $("call").disabled = false;
  callState("ended");
  clearInterval(levelTimer);
  levelTimer = null;
  $("incoming-level").value = 0;
}

function playRemoteAudio(call) {
  const connection = call.sessionDescriptionHandler.peerConnection;
  const stream = new MediaStream();
  for (const receiver of connection.getReceivers()) {
    if (receiver.track) stream.addTrack(receiver.track);
  }
  const audio = $("remote-audio");
  audio.srcObject = stream;
  audio.play().catch(() => {});
  const meter = $("incoming-level");
  levelTimer = setInterval(async () => {
    const stats = await connection.getStats();
    stats.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "audio") {
        meter.value = report.audioLevel || 0;
        meter.dataset.heardEnergy = String(report.totalAudioEnergy || 0);
      }
    });
  }, LEVEL_POLL_MS);
}

function answer() {
  if (session && session.state === SessionState.Initial) session.accept(AUDIO_ONLY);
}

function decline() {
  if (session && session.state === SessionState.Initial) session.reject({ statusCode: 486 });
}

function hangUp() {
  if (!session) return;
  if (session.state === SessionState.Established) session.bye();
  else if (session instanceof Inviter) session.cancel();
  else session.reject();
}

function call() {
  const number = dialable($("number").value);
  if (!number || session || !userAgent) return;
  const target = UserAgent.makeURI(`sip:${number}@${UserAgent.makeURI(config.sip_uri).host}`);
  const chosen = $("caller-id").value;
  const inviter = new Inviter(userAgent, target, {
    ...AUDIO_ONLY,
    extraHeaders: chosen ? [`X-Caller-ID: ${chosen}`] : [],
  });
  follow(inviter, "calling");
  inviter.invite().catch(() => ended());
}

function pressKey(key) {
  if (session && session.state === SessionState.Established) {
    session.sessionDescriptionHandler.sendDtmf(key);
  } else {
    $("number").value += key;
  }
}

async function toggleDoNotDisturb() {
  const wanted = $("dnd").checked;
  try {
    await api("PATCH", "/settings", { do_not_disturb: wanted });
    presence();
  } catch (error) {
    $("dnd").checked = !wanted;
    $("phone-help").textContent = `Do Not Disturb: ${error.message}`;
    $("phone-help").hidden = false;
  }
}

async function enable() {
  try {
    config = await api("POST", "/webphone/enable");
    $("enable-box").hidden = true;
    register();
  } catch (error) {
    $("phone-help").textContent = error.message;
    $("phone-help").hidden = false;
  }
}

$("answer").addEventListener("click", answer);
$("decline").addEventListener("click", decline);
$("hangup").addEventListener("click", hangUp);
$("call").addEventListener("click", call);
$("dnd").addEventListener("change", toggleDoNotDisturb);
$("enable").addEventListener("click", enable);
$("number").addEventListener("keydown", (event) => {
  if (event.key === "Enter") call();
});
// During a call the keyboard's digits, * and # are keypad presses too (outside text fields).
document.addEventListener("keydown", (event) => {
  if (!session || session.state !== SessionState.Established) return;
  if (event.target.closest("input, select, textarea") || !/^[0-9*#]$/.test(event.key)) return;
  pressKey(event.key);
});
document.querySelectorAll(".keypad .key").forEach((button) => {
  button.addEventListener("click", () => pressKey(button.dataset.key));
});
window.addEventListener("beforeunload", () => {
  if (registerer) registerer.unregister().catch(() => {});
});
start();

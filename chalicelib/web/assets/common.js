// Shared by every page: calling the API, building the page from text only,
// staff tokens, the language switch and the server's clock.
//
// Nothing here (or in any page) parses strings as HTML: every value from the API or a
// person reaches the page through textContent or a text node.

const PAGE_PATH = /\/(register|desk|kiosk|dashboard|c|me)\/([^/]+)\/?$/;
const pageMatch = location.pathname.match(PAGE_PATH);

// Where the API is: the page's own path minus "/<page>/<event_id>", so the pages
// work both at the root (make run) and under API Gateway's stage ("/api").
export const base = pageMatch ? location.pathname.slice(0, pageMatch.index) : "";
export const eventId = pageMatch ? decodeURIComponent(pageMatch[2]) : "";

export function apiUrl(path) {
  return base + path;
}

export function pageUrl(page, id = eventId) {
  return `${location.origin}${base}/${page}/${encodeURIComponent(id)}`;
}

// The network is down (or too slow to wait for): the request may not have
// arrived. Anything sent with a scan_id or Idempotency-Key may be resent.
export class Offline extends Error {}

const REQUEST_TIMEOUT_MS = 10000;

// `timeout`: milliseconds before the request is given up as Offline (a check-in
// waits 3 s, then the desk decides by itself).
export async function api(
  method,
  path,
  { body, token, headers = {}, accept = "application/json", timeout = REQUEST_TIMEOUT_MS } = {},
) {
  const init = {
    method,
    headers: { Accept: accept, ...headers },
    cache: "no-store",
    credentials: "omit",
    signal: AbortSignal.timeout(timeout),
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(apiUrl(path), init);
  } catch (error) {
    throw new Offline(String(error));
  }
  const type = response.headers.get("Content-Type") || "";
  let data = null;
  try {
    if (type.startsWith("application/json")) data = await response.json();
    else if (response.ok && accept !== "application/json") data = await response.blob();
  } catch (error) {
    throw new Offline(String(error)); // the body was cut off on the way
  }
  const error = data && data.error ? data.error : null;
  return { status: response.status, ok: response.ok, data, error };
}

// A gateway or DynamoDB hiccup (502/503/504): worth resending later, like no network.
export function isRetryable(reply) {
  return reply.status === 429 || reply.status >= 500;
}

// --- building the page: text only --------------------------------------------

// el("p", {class: "x", onclick: f}, "text", child): strings become text nodes.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function randomId(prefix = "") {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const text = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
  return prefix + text;
}

// --- language: Bahasa Indonesia first, English on request ---------------------

const LANG_KEY = "hadir.lang";

export function currentLang() {
  return localStorage.getItem(LANG_KEY) === "en" ? "en" : "id";
}

// t("key", {n: 3}) from {id: {...}, en: {...}}; "{n}" is replaced as text.
export function translator(strings) {
  return (key, vars = {}) => {
    const text = strings[currentLang()][key] ?? strings.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
  };
}

// A button showing the other language; onChange re-renders the page.
export function languageSwitch(onChange) {
  const button = el("button", { type: "button", class: "lang", "data-testid": "lang" });
  const label = () => {
    button.textContent = currentLang() === "id" ? "English" : "Bahasa Indonesia";
    document.documentElement.lang = currentLang();
  };
  button.addEventListener("click", () => {
    localStorage.setItem(LANG_KEY, currentLang() === "id" ? "en" : "id");
    label();
    onChange();
  });
  label();
  return button;
}

// --- staff tokens: from the URL fragment once, then kept in this browser -------

function tokenKey(kind) {
  return kind === "desk" ? `hadir.desk-token.${eventId}` : "hadir.organiser-token";
}

// The token from "#token=..." (a pairing QR, a shared link), stored and removed
// from the address bar; else the one stored before; else null.
export function takeToken(kind) {
  const found = location.hash.match(/[#&]token=([^&]+)/);
  if (found) {
    storeToken(kind, decodeURIComponent(found[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return localStorage.getItem(tokenKey(kind));
}

// The token a "#token=..." link offers, removed from the address bar but not
// stored: a page stores it only once the server has accepted it, so a crafted
// link can neither replace nor erase the token kept here (API.md section 9).
export function fragmentToken() {
  const found = location.hash.match(/[#&]token=([^&]+)/);
  if (!found) return null;
  history.replaceState(null, "", location.pathname + location.search);
  let token;
  try {
    token = decodeURIComponent(found[1]).trim();
  } catch {
    return null;
  }
  return token || null;
}

// The token kept in this browser, or null.
export function storedToken(kind) {
  return localStorage.getItem(tokenKey(kind));
}

export function storeToken(kind, token) {
  localStorage.setItem(tokenKey(kind), token.trim());
}

export function forgetToken(kind) {
  localStorage.removeItem(tokenKey(kind));
}

// A form asking for a token; calls onToken(token) once one is entered.
export function tokenForm({ title, label, submit, note, error }, onToken) {
  const input = el("input", {
    type: "password",
    id: "token",
    name: "token",
    autocomplete: "off",
    required: true,
    "data-testid": "token-input",
  });
  const form = el(
    "form",
    { class: "card token-form" },
    el("h2", { text: title }),
    error ? el("p", { class: "notice bad", role: "alert", text: error }) : null,
    el("label", { for: "token", text: label }),
    input,
    note ? el("p", { class: "hint", text: note }) : null,
    el("button", { type: "submit", class: "primary", "data-testid": "token-submit", text: submit }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) onToken(input.value.trim());
  });
  return form;
}

// --- the event ---------------------------------------------------------------

export function formatDate(isoDate, options = { weekday: "long", day: "numeric", month: "long", year: "numeric" }) {
  const locale = currentLang() === "id" ? "id-ID" : "en-GB";
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
}

// "09:12" from an event-local ISO time such as "2016-11-29T09:12:30+07:00".
export function localClock(isoLocal) {
  return isoLocal ? isoLocal.slice(11, 16) : "";
}

// The event day (from event.days) whose date the event-local `instant` falls on.
export function eventDayAt(event, instant) {
  const date = new Intl.DateTimeFormat("en-CA", {
    timeZone: event.timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
  return event.days.find((day) => day.date === date) || null;
}

// --- the server's clock --------------------------------------------------------

// Queued scans carry the time they were seen; it is taken from the server's
// clock (learnt from /health), not the device's, which may be wrong. The offset
// is kept in localStorage: a page reloaded while the server is down still has it.
const CLOCK_KEY = "hadir.clock-offset";
let clockOffsetMs = Number(localStorage.getItem(CLOCK_KEY) || sessionStorage.getItem(CLOCK_KEY) || 0);

export async function syncClock() {
  const sent = Date.now();
  const reply = await api("GET", "/health");
  const received = Date.now();
  if (reply.ok && reply.data && reply.data.time) {
    clockOffsetMs = Date.parse(reply.data.time) - (sent + received) / 2;
    localStorage.setItem(CLOCK_KEY, String(clockOffsetMs));
  }
}

export function serverNow() {
  return new Date(Date.now() + clockOffsetMs);
}

// --- sound ---------------------------------------------------------------------

let audio = null;

// Browsers start audio only after a tap: call this from a click handler.
export function unlockAudio() {
  if (!audio && window.AudioContext) audio = new AudioContext();
  if (audio && audio.state === "suspended") audio.resume();
}

const TONES = {
  ok: [[660, 0.09], [990, 0.14]],
  warn: [[520, 0.2]],
  bad: [[220, 0.18], [180, 0.28]],
};

export function beep(kind) {
  if (!audio) return;
  let at = audio.currentTime;
  for (const [frequency, seconds] of TONES[kind] || []) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = kind === "bad" ? "square" : "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.2, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + seconds);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + seconds);
    at += seconds;
  }
}

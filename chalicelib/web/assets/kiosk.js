// The self-service kiosk at the door: attendees show their badge to the
// camera and get big, friendly feedback. Unattended and public, so it shows
// no one's details: a greeting by the name the person is greeted by is all
// (the full name and the organisation never reach the page, not even hidden).

import { clear, el, translator, unlockAudio } from "./common.js";
import { t as ct, reasonText } from "./checkin.js";
import { startScanner } from "./scanner.js";
import { scanningFrame, TOKEN_CHECKS } from "./staff.js";

const t = translator({
  id: {
    brand: "Hadir · Check-in mandiri",
    loading: "Memuat…",
    token_title: "Siapkan kiosk",
    token_label: "Token meja",
    token_submit: "Lanjut",
    token_note:
      "Untuk panitia: pindai QR pemasangan meja di dasbor penyelenggara, atau tempel token meja di sini.",
    token_invalid: "Token ini tidak dikenal atau sudah dicabut.",
    token_expired: "Token kiosk ini sudah tidak berlaku. Panitia perlu memasukkan token baru.",
    token_other_event: "Token ini untuk acara lain.",
    offline: "Tidak ada jaringan. Periksa Wi-Fi, lalu coba lagi.",
    server_error: "Server sedang bermasalah. Coba lagi sebentar lagi.",
    event_not_found: "Acara ini tidak ditemukan.",
    retry: "Coba lagi",
    welcome: "Selamat datang!",
    start: "Mulai",
    starting: "Membuka kamera…",
    instruction: "Tunjukkan kode QR pada lencana Anda ke kamera.",
    greeting: "Selamat datang, {name}!",
    greeting_detail: "Check-in berhasil. Selamat mengikuti acara.",
    already: "Anda sudah tercatat hadir hari ini",
    sorry: "Maaf, check-in belum berhasil",
    see_desk: "Silakan ke meja registrasi.",
    thanks: "Terima kasih!",
    camera_failed: "Kamera tidak dapat dibuka. Silakan ke meja registrasi.",
    sync_ok: "Check-in diterima",
    sync_warn: "Sudah tercatat hadir",
    sync_bad: "Ditolak: {reason}",
  },
  en: {
    brand: "Hadir · Self check-in",
    loading: "Loading…",
    token_title: "Set up the kiosk",
    token_label: "Desk token",
    token_submit: "Continue",
    token_note: "For staff: scan the desk pairing QR on the organiser's dashboard, or paste a desk token here.",
    token_invalid: "This token is unknown or has been revoked.",
    token_expired: "This kiosk's token is no longer valid. Staff need to enter a new one.",
    token_other_event: "This token is for another event.",
    offline: "No network. Check the Wi-Fi, then try again.",
    server_error: "The server is having trouble. Try again in a moment.",
    event_not_found: "This event was not found.",
    retry: "Try again",
    welcome: "Welcome!",
    start: "Start",
    starting: "Opening the camera…",
    instruction: "Show the QR code on your badge to the camera.",
    greeting: "Welcome, {name}!",
    greeting_detail: "You are checked in. Enjoy the event.",
    already: "You are already checked in today",
    sorry: "Sorry, check-in did not work",
    see_desk: "Please see the registration desk.",
    thanks: "Thank you!",
    camera_failed: "The camera could not be opened. Please see the registration desk.",
    sync_ok: "Check-in accepted",
    sync_warn: "Already checked in",
    sync_bad: "Refused: {reason}",
  },
});

const app = document.getElementById("app");

let scanner = null;
let starting = false;
let cameraFailed = false;
let wakeLock = null;

// The display name the server gives (API.md section 1: never an initial or a
// title), only on green: everything else the API said stays here. An answer
// without one (a desk token's) gets a welcome without a name, rather than a
// first word of the full name that may be "I" or "Prof.".
function greetingName(body) {
  const name = body && body.attendee && body.attendee.display_name;
  return typeof name === "string" ? name.trim() : "";
}

function describe(outcome) {
  if (outcome.result === "ok") {
    const name = greetingName(outcome.body);
    return { headline: name ? t("greeting", { name }) : t("welcome"), detail: t("greeting_detail") };
  }
  if (outcome.result === "warn") return { headline: t("already") };
  if (outcome.result === "queued") return { headline: t("thanks"), detail: ct("saved") };
  return { headline: t("sorry"), detail: `${reasonText(outcome.error)} ${t("see_desk")}` };
}

// Synced results on a public screen: what happened, never to whom.
function syncLine(outcome) {
  if (outcome.result === "ok") return t("sync_ok");
  if (outcome.result === "warn") return t("sync_warn");
  return t("sync_bad", { reason: reasonText(outcome.error) });
}


const frame = scanningFrame({
  app,
  t,
  tokenKinds: ["desk"],
  describe,
  syncLine,
  overlayMs: 4000,
  onSignOut: stopScanning,
  renderMain,
  checksToken: TOKEN_CHECKS.checkin,
});
const checkin = frame.checkin;

const video = el("video", { "data-testid": "scanner-video", muted: true, playsinline: true });
const scannerBox = el("div", { class: "scanner" }, video, el("div", { class: "aim" }));

function renderMain() {
  const running = Boolean(scanner);
  const parts = [
    frame.header(),
    el("h1", { "data-testid": "event-title", text: frame.event.title }),
    el("p", { class: "welcome", text: t("welcome") }),
    checkin.banner,
    running
      ? null
      : el("button", {
          type: "button",
          class: "primary kiosk-start",
          "data-testid": "start-scan",
          disabled: starting,
          onclick: startScanning,
          text: starting ? t("starting") : t("start"),
        }),
    cameraFailed ? el("p", { class: "notice bad", role: "alert", text: t("camera_failed") }) : null,
    running ? scannerBox : null,
    el("p", { class: "instruction", text: t("instruction") }),
    checkin.syncBox,
    checkin.overlay,
  ];
  clear(app).append(...parts.filter(Boolean)); // append(null) would add the text "null"
  checkin.render();
}

// The first tap starts the camera and unlocks sound; from then on it runs.
async function startScanning() {
  if (scanner || starting) return;
  unlockAudio();
  starting = true;
  cameraFailed = false;
  renderMain();
  try {
    scanner = await startScanner(video, (code) => checkin.scan(code));
    keepAwake();
  } catch {
    cameraFailed = true;
  }
  starting = false;
  if (frame.view === "main") renderMain();
  else stopScanning();
}

function stopScanning() {
  if (scanner) scanner.stop();
  scanner = null;
}

// An unattended screen must not go dark; where the browser allows it.
async function keepAwake() {
  try {
    if ("wakeLock" in navigator && !wakeLock) {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => {
        wakeLock = null;
      });
    }
  } catch {
    // not allowed here: the device's own settings decide
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && scanner) keepAwake();
});

frame.boot();

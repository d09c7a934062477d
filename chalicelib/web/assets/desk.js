// The registration desk: scan badges with the phone's camera, find people by
// name, register walk-ins and reissue lost badges. Scans made while the
// network is down wait in checkin.js's queue.

import {
  Offline,
  api,
  apiUrl,
  clear,
  el,
  eventDayAt,
  eventId,
  formatDate,
  localClock,
  randomId,
  serverNow,
  translator,
  unlockAudio,
} from "./common.js";
import { alreadyText, t as ct, reasonText } from "./checkin.js";
import { hasAllowances, payButtons, unpaidSection } from "./desk-allowances.js";
import { startScanner } from "./scanner.js";
import { scanningFrame } from "./staff.js";

const t = translator({
  id: {
    brand: "Hadir · Meja registrasi",
    loading: "Memuat…",
    token_title: "Masuk ke meja registrasi",
    token_label: "Token meja",
    token_submit: "Lanjut",
    token_note:
      "Pindai QR pemasangan meja di dasbor penyelenggara dengan kamera ponsel, atau tempel token meja di sini.",
    token_invalid: "Token ini tidak dikenal atau sudah dicabut. Minta token baru kepada penyelenggara.",
    token_expired: "Token meja ini sudah tidak berlaku. Masukkan token baru.",
    token_other_event: "Token ini untuk acara lain.",
    change_token: "Ganti token",
    offline: "Tidak ada jaringan. Periksa Wi-Fi atau data seluler, lalu coba lagi.",
    retry: "Coba lagi",
    server_error: "Server sedang bermasalah. Coba lagi sebentar lagi.",
    event_not_found: "Acara ini tidak ditemukan. Periksa alamat halaman.",
    today: "Hari ke-{n} · {date}",
    no_event_day: "Hari ini bukan hari acara.",
    tab_scan: "Pindai",
    tab_search: "Cari",
    tab_walkin: "Walk-in",
    tab_pay: "Bayar",
    start_scan: "Mulai memindai",
    starting: "Membuka kamera…",
    stop_scan: "Berhenti",
    scan_hint: "Arahkan kamera ke kode QR pada lencana. Hasilnya muncul di layar penuh.",
    camera_denied: "Kamera tidak diizinkan.",
    camera_missing: "Tidak ada kamera yang bisa dipakai.",
    camera_failed: "Kamera tidak dapat dibuka.",
    camera_fallback: "Cari peserta berdasarkan nama di tab Cari.",
    go_search: "Cari nama",
    checked_in: "Berhasil check-in",
    already: "Sudah check-in",
    refused: "Tidak bisa check-in",
    day_n: "Hari ke-{n}",
    queued_detail: "Jaringan terputus: check-in akan dikirim otomatis saat jaringan kembali.",
    sync_ok: "check-in pukul {time}",
    sync_refused: "Ditolak",
    search_label: "Cari nama atau organisasi",
    search_hint: "Ketik minimal 2 huruf (1 huruf saja untuk nama satu huruf).",
    search_none: "Tidak ada yang cocok.",
    search_offline: "Tidak ada jaringan: pencarian tidak tersedia. Gunakan daftar hadir kertas bila perlu.",
    in_at: "Hadir pukul {time}",
    not_yet: "Belum check-in hari ini",
    not_today: "Tidak terdaftar untuk hari ini",
    cancelled: "Pendaftaran dibatalkan",
    checkin_button: "Check-in",
    reissue_button: "Cetak ulang lencana",
    reissue_title: "Lencana baru untuk {name}",
    reissue_reason: "Alasan",
    reason_lost: "Hilang",
    reason_forgotten: "Tertinggal",
    reason_damaged: "Rusak",
    reason_other: "Lainnya",
    reissue_note: "Keterangan",
    reissue_note_needed: "Tulis keterangannya.",
    reissue_submit: "Terbitkan lencana baru",
    cancel: "Batal",
    reissued: "Lencana baru diterbitkan. Lencana lama tidak berlaku lagi.",
    badge_pdf: "Lencana (PDF)",
    qr_alt: "Kode QR lencana",
    optional: "(opsional)",
    required: "wajib",
    required_note: "Isian bertanda * wajib diisi.",
    f_days: "Hari kehadiran",
    days_needed: "Pilih minimal satu hari.",
    revoked_reissue: "Terbitkan lencana baru",
    f_name: "Nama lengkap",
    f_email: "Email",
    f_organisation: "Organisasi",
    f_phone: "Telepon",
    f_gender: "Jenis kelamin",
    f_organisation_type: "Jenis organisasi",
    choose: "— pilih —",
    gender_female: "Perempuan",
    gender_male: "Laki-laki",
    gender_prefer_not_to_say: "Tidak ingin menyebutkan",
    org_ngo: "LSM",
    org_community: "Komunitas",
    org_government: "Pemerintah",
    org_academia: "Akademisi",
    org_media: "Media",
    org_private_sector: "Swasta",
    org_donor: "Donor",
    org_other: "Lainnya",
    f_consent: "Peserta setuju data pribadinya disimpan dan dipakai untuk keperluan acara ini.",
    f_check_in: "Langsung check-in sekarang",
    walkin_title: "Pendaftaran di tempat (walk-in)",
    walkin_submit: "Daftarkan",
    walkin_done: "Terdaftar",
    walkin_checked_in: "Terdaftar dan sudah check-in.",
    walkin_registered: "Terdaftar (belum check-in).",
    walkin_refused: "Terdaftar, tetapi check-in ditolak: {reason}",
    walkin_again: "Daftarkan walk-in lain",
    walkin_fix: "Periksa isian yang ditandai.",
    already_registered: "Email ini sudah terdaftar untuk acara ini. Cari namanya di tab Cari.",
    event_full: "Acara sudah penuh.",
    msg_required: "Wajib diisi.",
    msg_too_long: "Terlalu panjang.",
    msg_email: "Alamat email tidak valid.",
    msg_format: "Formatnya tidak valid.",
    sheet: "Daftar hadir kertas hari ini (PDF)",
    sheet_failed: "Daftar hadir tidak dapat diunduh.",
  },
  en: {
    brand: "Hadir · Registration desk",
    loading: "Loading…",
    token_title: "Sign in to the registration desk",
    token_label: "Desk token",
    token_submit: "Continue",
    token_note:
      "Scan the desk pairing QR on the organiser's dashboard with the phone camera, or paste the desk token here.",
    token_invalid: "This token is unknown or has been revoked. Ask the organiser for a new one.",
    token_expired: "This desk token is no longer valid. Enter a new one.",
    token_other_event: "This token is for another event.",
    change_token: "Change token",
    offline: "No network. Check the Wi-Fi or mobile data, then try again.",
    retry: "Try again",
    server_error: "The server is having trouble. Try again in a moment.",
    event_not_found: "This event was not found. Check the page address.",
    today: "Day {n} · {date}",
    no_event_day: "Today is not an event day.",
    tab_scan: "Scan",
    tab_search: "Search",
    tab_walkin: "Walk-in",
    tab_pay: "Pay",
    start_scan: "Start scanning",
    starting: "Opening the camera…",
    stop_scan: "Stop",
    scan_hint: "Point the camera at the QR code on the badge. The result fills the screen.",
    camera_denied: "The camera was not allowed.",
    camera_missing: "No usable camera was found.",
    camera_failed: "The camera could not be opened.",
    camera_fallback: "Find attendees by name in the Search tab.",
    go_search: "Search by name",
    checked_in: "Checked in",
    already: "Already checked in",
    refused: "Not checked in",
    day_n: "Day {n}",
    queued_detail: "No network: the check-in is sent automatically when the network is back.",
    sync_ok: "checked in at {time}",
    sync_refused: "Refused",
    search_label: "Search name or organisation",
    search_hint: "Type at least 2 letters (1 letter alone finds a one-letter name).",
    search_none: "No one matches.",
    search_offline: "No network: search is unavailable. Use the paper sign-in sheet if needed.",
    in_at: "Checked in at {time}",
    not_yet: "Not checked in today",
    not_today: "Not registered for today",
    cancelled: "Registration cancelled",
    checkin_button: "Check in",
    reissue_button: "Reissue badge",
    reissue_title: "New badge for {name}",
    reissue_reason: "Reason",
    reason_lost: "Lost",
    reason_forgotten: "Forgotten",
    reason_damaged: "Damaged",
    reason_other: "Other",
    reissue_note: "Note",
    reissue_note_needed: "Write a note.",
    reissue_submit: "Issue a new badge",
    cancel: "Cancel",
    reissued: "New badge issued. The old badge no longer works.",
    badge_pdf: "Badge (PDF)",
    qr_alt: "Badge QR code",
    optional: "(optional)",
    required: "required",
    required_note: "Fields marked * are required.",
    f_days: "Days attending",
    days_needed: "Choose at least one day.",
    revoked_reissue: "Issue a new badge",
    f_name: "Full name",
    f_email: "Email",
    f_organisation: "Organisation",
    f_phone: "Phone",
    f_gender: "Gender",
    f_organisation_type: "Type of organisation",
    choose: "— choose —",
    gender_female: "Female",
    gender_male: "Male",
    gender_prefer_not_to_say: "Prefer not to say",
    org_ngo: "NGO",
    org_community: "Community",
    org_government: "Government",
    org_academia: "Academia",
    org_media: "Media",
    org_private_sector: "Private sector",
    org_donor: "Donor",
    org_other: "Other",
    f_consent: "The attendee agrees to their personal data being kept and used for this event.",
    f_check_in: "Check in now",
    walkin_title: "Walk-in registration",
    walkin_submit: "Register",
    walkin_done: "Registered",
    walkin_checked_in: "Registered and checked in.",
    walkin_registered: "Registered (not checked in).",
    walkin_refused: "Registered, but the check-in was refused: {reason}",
    walkin_again: "Register another walk-in",
    walkin_fix: "Check the marked fields.",
    already_registered: "This email is already registered for this event. Find them in the Search tab.",
    event_full: "The event is full.",
    msg_required: "Required.",
    msg_too_long: "Too long.",
    msg_email: "Not a valid email address.",
    msg_format: "Not in a valid format.",
    sheet: "Today's paper sign-in sheet (PDF)",
    sheet_failed: "The sign-in sheet could not be downloaded.",
  },
});

const GENDERS = ["female", "male", "prefer_not_to_say"];
const ORG_TYPES = ["ngo", "community", "government", "academia", "media", "private_sector", "donor", "other"];
const REASONS = ["lost", "forgotten", "damaged", "other"];
const SEARCH_DELAY_MS = 300;

const app = document.getElementById("app");
const eventPath = `/events/${encodeURIComponent(eventId)}`;

let tab = "scan";
let scanner = null;
let starting = false;
let cameraError = null;
const names = new Map(); // attendee_id → name, for the results of queued "Check in" taps

// --- the result of a check-in, as the desk sees it: name and organisation -----

function describe(outcome) {
  const body = outcome.body || {};
  const who = body.attendee || {};
  if (outcome.result === "ok") {
    const detail = [who.organisation, body.day ? t("day_n", { n: body.day.number }) : ""].filter(Boolean);
    return { headline: t("checked_in"), who: who.name, detail: detail.join(" · ") };
  }
  if (outcome.result === "warn") return { headline: t("already"), who: who.name, detail: alreadyText(body) };
  if (outcome.result === "queued") {
    return { headline: ct("saved"), who: outcome.name || "", detail: t("queued_detail") };
  }
  // A revoked badge of someone still registered: named, to reissue on the spot.
  const named = outcome.error && outcome.error.code === "badge_revoked" && who.id && who.name ? who : null;
  return {
    headline: t("refused"),
    who: outcome.name || (named && named.name) || "",
    detail: reasonText(outcome.error),
    action: named ? { label: t("revoked_reissue"), run: () => reissueFor(named) } : null,
  };
}

function syncLine(outcome) {
  const body = outcome.body || {};
  if (outcome.result === "ok") {
    return `${body.attendee.name} — ${t("sync_ok", { time: localClock(body.checked_in_at_local) })}`;
  }
  if (outcome.result === "warn") return `${body.attendee.name} — ${alreadyText(body)}`;
  const name = outcome.entry && outcome.entry.attendee_id ? names.get(outcome.entry.attendee_id) : null;
  return `${name ? `${name} — ` : ""}${t("sync_refused")}: ${reasonText(outcome.error)}`;
}


// A desk token from the pairing link (or typed); an organiser's token, kept by
// the dashboard in this browser, works too.
const frame = scanningFrame({
  app,
  t,
  tokenKinds: ["desk", "organiser"],
  describe,
  syncLine,
  overlayMs: 2500,
  onSignOut: stopScanning,
  renderMain,
});
const checkin = frame.checkin;
const refused = (status) => frame.refused(status);
const money = {
  token: () => frame.token,
  event: () => frame.event,
  today: () => today(),
  refused,
  rerender: () => (tab === "pay" ? renderMain() : renderResults()),
};

// --- the page -----------------------------------------------------------------

function today() {
  return frame.event ? eventDayAt(frame.event, serverNow()) : null;
}

function renderMain() {
  const day = today();
  clear(app).append(
    frame.header(),
    el("h1", { "data-testid": "event-title", text: frame.event.title }),
    el("p", {
      class: "hint",
      text: day ? t("today", { n: day.number, date: formatDate(day.date) }) : t("no_event_day"),
    }),
    checkin.banner,
    tabs(),
    { scan: scanSection, search: searchSection, pay: () => unpaidSection(money) }[tab]?.() ?? walkinSection(),
    checkin.differencesBox,
    checkin.syncBox,
    tools(day),
    checkin.overlay,
  );
  checkin.render();
}

function tabs() {
  const button = (name) =>
    el("button", {
      type: "button",
      class: name === tab ? "tab active" : "tab",
      "aria-pressed": name === tab ? "true" : "false",
      "data-testid": `tab-${name}`,
      onclick: () => switchTab(name),
      text: t(`tab_${name}`),
    });
  const pay = hasAllowances(frame.event) ? button("pay") : null;
  return el("nav", { class: "tabs" }, button("scan"), button("search"), button("walkin"), pay);
}

function switchTab(name) {
  if (name !== "scan") stopScanning(); // no surprise scans from a hidden camera
  tab = name;
  renderMain();
  if (name === "search") searchInput.focus();
}

function tools(day) {
  const note = el("p", { class: "hint", role: "status" });
  return el(
    "footer",
    { class: "tools" },
    day
      ? el("button", {
          type: "button",
          "data-testid": "sign-in-sheet",
          onclick: () => downloadSheet(day, note),
          text: t("sheet"),
        })
      : null,
    el("button", { type: "button", onclick: () => frame.signOut(), text: t("change_token") }),
    note,
  );
}

// The paper fallback needs the token, so it is fetched and handed over as a file.
async function downloadSheet(day, note) {
  note.textContent = "";
  try {
    const reply = await api("GET", `${eventPath}/sign-in-sheet.pdf?date=${day.date}`, {
      token: frame.token,
      accept: "application/pdf",
    });
    if (!reply.ok || !(reply.data instanceof Blob)) throw new Error(String(reply.status));
    const url = URL.createObjectURL(reply.data);
    const link = el("a", { href: url, download: `daftar-hadir-${day.date}.pdf`, class: "hidden" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch {
    note.textContent = t("sheet_failed");
  }
}

// --- scanning -------------------------------------------------------------------

const video = el("video", { "data-testid": "scanner-video", muted: true, playsinline: true });
const scannerBox = el("div", { class: "scanner" }, video, el("div", { class: "aim" }));

function scanSection() {
  return el(
    "section",
    { class: "scan-section" },
    scannerBox,
    el(
      "div",
      { class: "scan-actions" },
      scanner
        ? el("button", { type: "button", "data-testid": "stop-scan", onclick: stopScanning, text: t("stop_scan") })
        : el("button", {
            type: "button",
            class: "primary",
            "data-testid": "start-scan",
            disabled: starting,
            onclick: startScanning,
            text: starting ? t("starting") : t("start_scan"),
          }),
    ),
    cameraError
      ? el(
          "div",
          { class: "notice bad", role: "alert", "data-testid": "camera-error" },
          el("p", { text: `${t(cameraError)} ${t("camera_fallback")}` }),
          el("button", { type: "button", onclick: () => switchTab("search"), text: t("go_search") }),
        )
      : el("p", { class: "hint", text: t("scan_hint") }),
  );
}

async function startScanning() {
  if (scanner || starting) return;
  unlockAudio(); // this tap is what lets the page beep
  starting = true;
  cameraError = null;
  renderMain();
  try {
    scanner = await startScanner(video, (code) => checkin.scan(code));
  } catch (error) {
    const name = error && error.name;
    cameraError =
      name === "NotAllowedError" || name === "SecurityError"
        ? "camera_denied"
        : name === "NotFoundError" || name === "OverconstrainedError"
          ? "camera_missing"
          : "camera_failed";
  }
  starting = false;
  if (frame.view === "main") renderMain();
  else stopScanning();
}

function stopScanning() {
  if (scanner) scanner.stop();
  scanner = null;
  if (frame.view === "main" && tab === "scan") renderMain();
}

// --- search ---------------------------------------------------------------------

const searchInput = el("input", {
  type: "search",
  id: "search",
  autocomplete: "off",
  spellcheck: "false",
  "data-testid": "search-input",
  oninput: () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, SEARCH_DELAY_MS);
  },
});
const searchNote = el("p", { class: "hint", role: "status" });
const searchList = el("ul", { class: "list search-results" });
let searchTimer = null;
let searchSeq = 0;
let found = []; // the last results
let searchState = "hint"; // hint | none | offline | error | results
let searchError = "";
let reissue = null; // {id, name, key, reason, note, error, badge, busy}

function searchSection() {
  renderResults();
  return el(
    "section",
    { class: "search-section" },
    el("label", { for: "search", text: t("search_label") }),
    searchInput,
    searchNote,
    searchList,
  );
}

async function runSearch() {
  const q = searchInput.value.trim();
  const seq = ++searchSeq;
  // Two letters or more; one letter alone finds a one-letter name ("I Made").
  if (!q || (q.length < 2 && !/[\p{L}\p{N}]/u.test(q))) {
    found = [];
    searchState = "hint";
    return renderResults();
  }
  let reply;
  try {
    reply = await api("GET", `${eventPath}/attendees?q=${encodeURIComponent(q)}&limit=20`, { token: frame.token });
  } catch (error) {
    if (seq !== searchSeq) return;
    if (!(error instanceof Offline)) throw error;
    searchState = "offline";
    return renderResults();
  }
  if (seq !== searchSeq) return; // a newer search is on its way
  if (reply.status === 401 || reply.status === 403) return refused(reply.status);
  if (reply.ok) {
    found = reply.data.attendees;
    searchState = found.length ? "results" : "none";
  } else {
    found = [];
    searchState = "error";
    searchError = (reply.error && reply.error.message) || t("server_error");
  }
  renderResults();
}

function renderResults() {
  const notes = { hint: t("search_hint"), none: t("search_none"), offline: t("search_offline"), results: "" };
  searchNote.textContent = searchState === "error" ? searchError : notes[searchState];
  clear(searchList).append(...found.map(resultItem));
}

function statusOf(person) {
  if (person.status && person.status !== "active") return { text: t("cancelled"), kind: "bad" };
  const day = today();
  if (!day) return { text: "", kind: "" };
  const mine = (person.days || []).find((entry) => entry.date === day.date);
  if (!mine) return { text: t("not_today"), kind: "warn" };
  if (mine.checked_in_at_local) return { text: t("in_at", { time: localClock(mine.checked_in_at_local) }), kind: "ok" };
  return { text: t("not_yet"), kind: "" };
}

function resultItem(person) {
  const status = statusOf(person);
  const checkButton = el("button", {
    type: "button",
    class: status.kind === "ok" ? "" : "primary",
    "data-testid": "checkin-button",
    onclick: async () => {
      checkButton.disabled = true;
      await checkInByName(person);
      checkButton.disabled = false;
    },
    text: t("checkin_button"),
  });
  return el(
    "li",
    { "data-testid": "search-result", "data-attendee": person.id },
    el(
      "div",
      { class: "who" },
      el("strong", { class: "name", text: person.name }),
      el("div", { class: "muted", text: person.organisation }),
      el("div", { class: `status ${status.kind}`, "data-testid": "search-status", text: status.text }),
    ),
    el(
      "div",
      { class: "row-actions" },
      checkButton,
      el("button", {
        type: "button",
        "data-testid": "reissue-button",
        onclick: () => openReissue(person),
        text: t("reissue_button"),
      }),
    ),
    payButtons(money, person.id, status.kind === "ok"),
    reissue && reissue.id === person.id ? reissuePanel() : null,
  );
}

async function checkInByName(person) {
  names.set(person.id, person.name);
  const outcome = await checkin.submit({ attendee_id: person.id, source: "search" }, { name: person.name });
  // A fresh status, unless the answer was decided on this device (no network).
  if (outcome && outcome.result !== "queued" && outcome.result !== "auth" && !outcome.offline) runSearch();
}

// --- reissue --------------------------------------------------------------------

function openReissue(person) {
  reissue = { id: person.id, name: person.name, key: randomId("re-"), reason: "lost", note: "" };
  renderResults();
}

// From a revoked badge's red screen: the person in the search tab, the reissue form open.
function reissueFor(person) {
  stopScanning();
  tab = "search";
  searchInput.value = person.name;
  openReissue({ id: person.id, name: person.name });
  renderMain();
  runSearch();
}

function closeReissue() {
  reissue = null;
  renderResults();
}

function optionalMark() {
  return el("span", { class: "optional", text: t("optional") });
}

function reissuePanel() {
  const state = reissue;
  if (state.badge) {
    return el(
      "div",
      { class: "reissue card", "data-testid": "reissue-result" },
      el("p", { class: "notice ok", text: t("reissued") }),
      badgeBlock(state.badge, state.name, "reissue-qr"),
    );
  }
  const reason = el(
    "select",
    {
      id: "reissue-reason",
      "data-testid": "reissue-reason",
      onchange: () => {
        state.reason = reason.value;
      },
    },
    ...REASONS.map((key) => el("option", { value: key, selected: key === state.reason, text: t(`reason_${key}`) })),
  );
  const note = el("input", {
    id: "reissue-note",
    "data-testid": "reissue-note",
    maxlength: 180,
    value: state.note,
    oninput: () => {
      state.note = note.value;
    },
  });
  const form = el(
    "form",
    { class: "reissue card", "data-testid": "reissue-form" },
    el("h3", { text: t("reissue_title", { name: state.name }) }),
    el("label", { for: "reissue-reason", text: t("reissue_reason") }),
    reason,
    el("label", { for: "reissue-note" }, t("reissue_note"), " ", optionalMark()),
    note,
    state.error ? el("p", { class: "notice bad", role: "alert", text: state.error }) : null,
    el(
      "div",
      { class: "row-actions" },
      el("button", {
        type: "submit",
        class: "primary",
        "data-testid": "reissue-submit",
        disabled: state.busy,
        text: t("reissue_submit"),
      }),
      el("button", { type: "button", onclick: closeReissue, text: t("cancel") }),
    ),
  );
  form.addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    sendReissue(state);
  });
  return form;
}

async function sendReissue(state) {
  const note = state.note.trim();
  if (state.reason === "other" && !note) {
    state.error = t("reissue_note_needed");
    return renderResults();
  }
  // The reason is kept with the badge's history: "lost" or "lost: <note>".
  const reason = (note ? `${state.reason}: ${note}` : state.reason).slice(0, 200);
  state.busy = true;
  state.error = null;
  renderResults();
  let reply;
  try {
    reply = await api("POST", `${eventPath}/attendees/${encodeURIComponent(state.id)}/badge`, {
      body: { reason },
      token: frame.token,
      headers: { "Idempotency-Key": state.key }, // a resend gets the same new badge
    });
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    reply = null;
  }
  state.busy = false;
  if (reply && (reply.status === 401 || reply.status === 403)) return refused(reply.status);
  if (!reply) state.error = t("offline");
  else if (reply.status === 201) state.badge = reply.data.badge;
  else state.error = (reply.error && reply.error.message) || t("server_error");
  if (reissue === state) renderResults();
}

function badgeBlock(badge, name, testid) {
  return el(
    "div",
    { class: "badge" },
    el("img", {
      class: "qr",
      src: apiUrl(badge.qr_png_url),
      alt: t("qr_alt"),
      width: 240,
      height: 240,
      "data-testid": testid,
    }),
    name ? el("p", { class: "holder", text: name }) : null,
    el(
      "p",
      { class: "links" },
      el("a", {
        class: "button",
        href: apiUrl(`/badges/${encodeURIComponent(badge.code)}/badge.pdf`),
        target: "_blank",
        rel: "noopener",
        "data-testid": `${testid}-pdf`,
        text: t("badge_pdf"),
      }),
    ),
  );
}

// --- walk-ins -------------------------------------------------------------------

function freshWalkin() {
  return {
    values: {
      name: "",
      email: "",
      organisation: "",
      phone: "",
      gender: "",
      organisation_type: "",
      consent: false,
      check_in: true,
      days: null, // the dates chosen; null until the event is known: every day
    },
    key: randomId("walkin-"), // one key per person: a resend after a lost answer registers once
    scanId: randomId("walkin-"),
    fieldErrors: {},
    error: null,
    busy: false,
    done: null,
  };
}

let walkin = freshWalkin();

function walkinSection() {
  return el("section", { class: "walkin-section" }, walkin.done ? walkinResult() : walkinForm());
}

function walkinForm() {
  const state = walkin;
  const values = state.values;
  const field = (name, input, optional = false) => {
    input.id = `walkin-${name}`;
    input.name = name;
    const error = state.fieldErrors[name];
    if (error) input.setAttribute("aria-invalid", "true");
    input.addEventListener("input", () => {
      values[name] = input.type === "checkbox" ? input.checked : input.value;
    });
    input.addEventListener("change", () => {
      values[name] = input.type === "checkbox" ? input.checked : input.value;
    });
    return [
      el(
        "label",
        { for: input.id },
        t(`f_${name}`),
        " ",
        optional ? optionalMark() : requiredMark(),
      ),
      input,
      error ? el("p", { class: "field-error", "data-testid": `error-${name}`, text: error }) : null,
    ];
  };
  const text = (type, value, maxlength, required) =>
    el("input", { type, value, maxlength, required, autocomplete: "off" });
  const select = (name, options, prefix) =>
    el(
      "select",
      {},
      el("option", { value: "", text: t("choose") }),
      ...options.map((key) =>
        el("option", { value: key, selected: values[name] === key, text: t(`${prefix}_${key}`) }),
      ),
    );
  const check = (name, required) => {
    const box = el("input", { type: "checkbox", id: `walkin-${name}`, name, checked: values[name], required });
    box.addEventListener("change", () => {
      values[name] = box.checked;
    });
    return el(
      "div",
      {},
      el("label", { class: "check", for: box.id }, box, t(`f_${name}`), required ? " " : null, required ? requiredMark() : null),
      state.fieldErrors[name] ? el("p", { class: "field-error", text: state.fieldErrors[name] }) : null,
    );
  };
  const form = el(
    "form",
    { class: "card", "data-testid": "walkin-form" },
    el("h2", { text: t("walkin_title") }),
    el("p", { class: "muted", "data-testid": "required-note", text: t("required_note") }),
    state.error
      ? el("p", { class: "notice bad", role: "alert", "data-testid": "walkin-error", text: state.error })
      : null,
    ...field("name", text("text", values.name, 200, true)),
    // Optional at the desk: many participants have no address of their own.
    ...field("email", text("email", values.email, 254, false), true),
    ...field("organisation", text("text", values.organisation, 200, true)),
    ...field("phone", text("tel", values.phone, 32, false), true),
    ...field("gender", select("gender", GENDERS, "gender"), true),
    ...field("organisation_type", select("organisation_type", ORG_TYPES, "org"), true),
    daysChoice(state),
    check("consent", true),
    check("check_in", false),
    el("button", {
      type: "submit",
      class: "primary",
      "data-testid": "walkin-submit",
      disabled: state.busy,
      text: t("walkin_submit"),
    }),
  );
  form.addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    sendWalkin(state);
  });
  return form;
}

// The event's days, every one ticked at first; more than one day only.
function daysChoice(state) {
  const days = (frame.event && frame.event.days) || [];
  if (days.length < 2) return null;
  const chosen = state.values.days ?? days.map((day) => day.date);
  state.values.days = chosen;
  const boxes = days.map((day) => {
    const box = el("input", {
      type: "checkbox",
      id: `walkin-day-${day.date}`,
      value: day.date,
      checked: chosen.includes(day.date),
      "data-testid": "walkin-day",
    });
    box.addEventListener("change", () => {
      const now = new Set(state.values.days);
      if (box.checked) now.add(day.date);
      else now.delete(day.date);
      state.values.days = days.map((each) => each.date).filter((date) => now.has(date));
    });
    const label = `${t("day_n", { n: day.number })} · ${formatDate(day.date, { weekday: "short", day: "numeric", month: "short" })}`;
    return el("label", { class: "check", for: box.id }, box, label);
  });
  const error = state.fieldErrors.days;
  return el(
    "fieldset",
    { class: "days", "data-testid": "walkin-days" },
    el("legend", {}, t("f_days"), " ", requiredMark()),
    ...boxes,
    error ? el("p", { class: "field-error", "data-testid": "error-days", text: error }) : null,
  );
}

function requiredMark() {
  return el("abbr", { class: "required", title: t("required"), "aria-label": t("required"), text: "*" });
}

async function sendWalkin(state) {
  const values = state.values;
  if (Array.isArray(values.days) && values.days.length === 0) {
    state.fieldErrors = { days: t("days_needed") };
    state.error = t("walkin_fix");
    return renderWalkin();
  }
  const body = {
    name: values.name.trim(),
    organisation: values.organisation.trim(),
    consent: values.consent === true,
    check_in: values.check_in === true,
  };
  const every = ((frame.event && frame.event.days) || []).map((day) => day.date);
  // Only a choice is sent: without `days` the registration is for every day.
  if (Array.isArray(values.days) && values.days.length < every.length) body.days = values.days;
  for (const name of ["email", "phone", "gender", "organisation_type"]) {
    if (values[name].trim()) body[name] = values[name].trim();
  }
  if (body.check_in) body.scan_id = state.scanId;
  state.busy = true;
  state.error = null;
  state.fieldErrors = {};
  renderWalkin();
  let reply = null;
  try {
    reply = await api("POST", `${eventPath}/attendees`, { body, token: frame.token, headers: { "Idempotency-Key": state.key } });
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
  }
  state.busy = false;
  if (reply && (reply.status === 401 || reply.status === 403)) return refused(reply.status);
  if (!reply || reply.status >= 500) {
    // The same key and scan_id go with the next try: it cannot register twice.
    state.error = reply ? t("server_error") : t("offline");
  } else if (reply.status === 201) {
    state.done = reply.data;
    announceWalkin(reply.data);
  } else {
    // A definite refusal: nothing was registered, so the next try is a new request.
    state.key = randomId("walkin-");
    state.scanId = randomId("walkin-");
    const error = reply.error || {};
    if (error.code === "validation_error" && error.fields) {
      for (const problem of error.fields) {
        const name = String(problem.field).split(".").pop();
        if (name in values) state.fieldErrors[name] = fieldMessage(problem.message);
        else state.error = `${problem.field}: ${problem.message}`;
      }
      state.error ??= t("walkin_fix");
    } else if (error.code === "already_registered") {
      state.error = t("already_registered");
    } else if (error.code === "event_full") {
      state.error = t("event_full");
    } else {
      state.error = error.message || t("server_error");
    }
  }
  if (walkin === state) renderWalkin();
}

// The API's field messages are English phrases; the common ones in the page's language.
const FIELD_MESSAGES = {
  "is required": "msg_required",
  "is too long": "msg_too_long",
  "is not a valid email address": "msg_email",
  "has an invalid format": "msg_format",
};

function fieldMessage(message) {
  return FIELD_MESSAGES[message] ? t(FIELD_MESSAGES[message]) : message;
}

function announceWalkin(done) {
  const result = done.checkin;
  if (!result) return;
  if (result.error) checkin.show({ result: "bad", error: result.error, name: done.name });
  else checkin.show({ result: result.result === "already_checked_in" ? "warn" : "ok", body: result });
}

function walkinResult() {
  const done = walkin.done;
  const result = done.checkin;
  const notice = !result
    ? el("p", { class: "notice info", text: t("walkin_registered") })
    : result.error
      ? el("p", { class: "notice bad", text: t("walkin_refused", { reason: reasonText(result.error) }) })
      : el("p", { class: "notice ok", text: t("walkin_checked_in") });
  return el(
    "div",
    { class: "card", "data-testid": "walkin-result" },
    el("h2", { text: t("walkin_done") }),
    notice,
    badgeBlock(done.badge, done.name, "walkin-badge"),
    el("button", {
      type: "button",
      class: "primary",
      "data-testid": "walkin-again",
      onclick: () => {
        walkin = freshWalkin();
        renderWalkin();
      },
      text: t("walkin_again"),
    }),
  );
}

function renderWalkin() {
  if (frame.view === "main" && tab === "walkin") renderMain();
}

frame.boot();

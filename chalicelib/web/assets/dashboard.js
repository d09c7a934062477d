// The organiser's dashboard: live counts, the arrivals chart and breakdowns,
// downloads, badge printing and desk tokens (API.md §3, §4, §7, §8, §9).
//
// Everything from the API reaches the page as text (el() and textContent).
// A new desk token is kept only in memory while its pairing panel is open.

import {
  Offline,
  api,
  apiUrl,
  clear,
  currentLang,
  el,
  eventDayAt,
  eventId,
  forgetToken,
  formatDate,
  isRetryable,
  languageSwitch,
  pageUrl,
  serverNow,
  storeToken,
  syncClock,
  takeToken,
  tokenForm,
  translator,
} from "./common.js";
import { createCertificates } from "./dashboard-certificates.js";
import { createImport } from "./dashboard-import.js";
import { createEmail } from "./dashboard-email.js";
import { createPeople } from "./dashboard-people.js";
import { createScans } from "./dashboard-scans.js";
import { allowancesPanel } from "./dashboard-allowances.js";
import { reconciliationPanel } from "./dashboard-reconciliation.js";

const COUNTS_EVERY_MS = 5000;
const REPORT_EVERY_MS = 15000;
// Long enough for the browser to start saving; the blob is freed after.
const DOWNLOAD_URL_LIFETIME_MS = 60000;

const t = translator({
  id: {
    brand: "Hadir · Dasbor",
    sign_out: "Keluar",
    loading: "Memuat…",
    token_title: "Token penyelenggara",
    token_label: "Masukkan token penyelenggara",
    token_submit: "Buka dasbor",
    token_note: "Token disimpan hanya di peramban ini. Tekan \"Keluar\" untuk menghapusnya.",
    token_rejected: "Token itu tidak dikenal. Periksa lalu coba lagi.",
    forbidden_title: "Token ini bukan token penyelenggara",
    forbidden_text: "Token meja hanya bisa dipakai di halaman meja. Dasbor memerlukan token penyelenggara.",
    use_other_token: "Pakai token lain",
    event_not_found: "Acara ini tidak ditemukan. Periksa alamatnya.",
    offline_start: "Tidak dapat menghubungi server. Periksa jaringan, lalu coba lagi.",
    retry: "Coba lagi",
    as_of: "Per {time} (waktu acara)",
    stale: "Luring — terakhir diperbarui {time}. Mencoba lagi…",
    stale_never: "Luring — belum ada data. Mencoba lagi…",
    counts: "Kehadiran",
    registered: "Terdaftar",
    day_n: "Hari {n}",
    checked_in_day: "Hari {n} · hadir",
    of_registered: "dari {n} terdaftar untuk hari ini",
    no_shows_day: "Hari {n} · belum hadir",
    not_started_day: "Hari {n} · hari belum mulai",
    attended_any: "Hadir minimal sehari",
    attended_all: "Hadir semua hari",
    arrivals: "Kedatangan",
    day: "Hari",
    chart_alt: "Grafik kedatangan per 15 menit, hari {n}",
    chart_failed: "Grafik belum dapat dimuat.",
    walk_ins: "Peserta tanpa daftar (walk-in) yang hadir: {n}",
    late: "Diterima terlambat (lebih dari 5 menit setelah dipindai): {n}",
    by_source: "Check-in menurut cara",
    source: "Cara",
    source_scan: "Pindai badge",
    source_search: "Cari nama",
    source_paper: "Daftar hadir kertas",
    checked_in_of: "Hadir {checked} dari {registered} terdaftar",
    by_gender: "Yang hadir menurut jenis kelamin",
    by_organisation_type: "Yang hadir menurut jenis organisasi",
    by_desk: "Check-in per meja",
    no_desks: "Belum ada check-in.",
    count: "Jumlah",
    category: "Kategori",
    desk: "Meja",
    downloads: "Unduh dan cetak",
    download_csv: "Unduh daftar hadir (CSV)",
    download_sheet: "Unduh lembar tanda tangan (PDF) · hari {n}",
    download_failed: "Gagal mengunduh: {message}",
    download_offline: "Gagal mengunduh: tidak ada jaringan.",
    downloading: "Menyiapkan berkas…",
    downloaded: "Berkas {name} sudah diunduh.",
    badges: "Cetak lencana",
    layout: "Tata letak",
    layout_a4_8: "A4 · 8 per halaman (dipotong)",
    layout_a6: "A6 · 1 per halaman",
    print_badges: "Cetak semua (PDF)",
    print_new: "Cetak yang baru (belum pernah dicetak)",
    preview_badges: "Pratinjau (tidak dicatat)",
    print_note: "Semua peserta aktif, urut nama. \"Cetak\" mencatat setiap lencana sebagai sudah dicetak; pratinjau tidak mencatat apa pun.",
    preparing_badges: "Menyiapkan lembar lencana… (bisa makan waktu untuk acara besar)",
    badges_ready: "Lembar lencana sudah diunduh.",
    open_pdf: "Buka PDF",
    sheet_too_large: "Lembar lencana terlalu besar untuk dikirim sekaligus. Cetak per bagian (sebagian peserta tiap kali).",
    print_failed: "Gagal membuat lembar lencana: {message}",
    desk_tokens: "Token meja",
    desk_tokens_note: "Setiap meja check-in (ponsel atau laptop) memakai tokennya sendiri. Cabut token bila perangkat hilang.",
    new_label: "Nama meja",
    new_label_hint: "1–64 karakter, misalnya \"Meja A\".",
    label_required: "Isi nama meja (1–64 karakter).",
    new_role: "Jenis token",
    role_desk: "Meja",
    role_kiosk: "Kios",
    role_hint: "Meja: check-in, pencarian, pendaftaran di tempat. Kios: hanya check-in dengan memindai lencana, di perangkat tanpa penjaga.",
    role: "Jenis",
    create_token: "Buat token meja",
    creating: "Membuat token…",
    create_failed: "Gagal membuat token: {message}",
    pairing_title: "Pasangkan perangkat untuk {label}",
    pairing_scan: "Pindai kode QR ini dengan kamera ponsel: halaman meja terbuka dan langsung masuk.",
    pairing_once: "Token ini hanya ditampilkan sekarang. Setelah \"Selesai\", token tidak bisa dilihat lagi (buat yang baru bila perlu).",
    pairing_link: "Tautan halaman meja",
    kiosk_link: "Atau, untuk kios swalayan di pintu masuk:",
    copy_link: "Salin tautan",
    copy_kiosk: "Salin tautan kios",
    copied: "Tersalin.",
    copy_manual: "Tidak dapat menyalin otomatis; tautan sudah dipilih, salin secara manual.",
    done: "Selesai",
    qr_failed: "Kode QR tidak dapat digambar; pakai tautan di bawah.",
    no_tokens: "Belum ada token meja.",
    label: "Meja",
    created: "Dibuat",
    status: "Status",
    active: "Aktif",
    revoked_at: "Dicabut {time}",
    revoke: "Cabut",
    confirm_revoke: "Cabut token \"{label}\"? Perangkat yang memakainya tidak bisa check-in lagi.",
    revoke_failed: "Gagal mencabut token: {message}",
    list_failed: "Daftar token belum dapat dimuat.",
    offline_action: "Tidak ada jaringan. Coba lagi.",
    female: "Perempuan",
    male: "Laki-laki",
    prefer_not_to_say: "Memilih tidak menyebut",
    not_given: "Tidak diisi",
    ngo: "LSM",
    community: "Komunitas",
    government: "Pemerintah",
    academia: "Akademisi",
    media: "Media",
    private_sector: "Swasta",
    donor: "Donor",
    other: "Lainnya",
  },
  en: {
    brand: "Hadir · Dashboard",
    sign_out: "Sign out",
    loading: "Loading…",
    token_title: "Organiser token",
    token_label: "Enter the organiser token",
    token_submit: "Open the dashboard",
    token_note: "The token is kept in this browser only. Press \"Sign out\" to remove it.",
    token_rejected: "That token is not known. Check it and try again.",
    forbidden_title: "This is not an organiser token",
    forbidden_text: "A desk token works on the desk pages only. The dashboard needs the organiser token.",
    use_other_token: "Use another token",
    event_not_found: "This event was not found. Check the address.",
    offline_start: "Cannot reach the server. Check the network, then try again.",
    retry: "Try again",
    as_of: "As of {time} (event time)",
    stale: "Offline — last updated {time}. Retrying…",
    stale_never: "Offline — no data yet. Retrying…",
    counts: "Attendance",
    registered: "Registered",
    day_n: "Day {n}",
    checked_in_day: "Day {n} · checked in",
    of_registered: "of {n} registered for the day",
    no_shows_day: "Day {n} · not arrived",
    not_started_day: "Day {n} · the day has not started",
    attended_any: "Attended at least one day",
    attended_all: "Attended every day",
    arrivals: "Arrivals",
    day: "Day",
    chart_alt: "Chart of arrivals per 15 minutes, day {n}",
    chart_failed: "The chart could not be loaded yet.",
    walk_ins: "Walk-ins checked in: {n}",
    late: "Received late (more than 5 minutes after the scan): {n}",
    by_source: "Check-ins by how they were made",
    source: "How",
    source_scan: "Badge scanned",
    source_search: "Found by name",
    source_paper: "Paper list",
    checked_in_of: "{checked} checked in of {registered} registered",
    by_gender: "Checked in by gender",
    by_organisation_type: "Checked in by organisation type",
    by_desk: "Check-ins by desk",
    no_desks: "No check-ins yet.",
    count: "Count",
    category: "Category",
    desk: "Desk",
    downloads: "Download and print",
    download_csv: "Download the attendance list (CSV)",
    download_sheet: "Download the sign-in sheet (PDF) · day {n}",
    download_failed: "Download failed: {message}",
    download_offline: "Download failed: no network.",
    downloading: "Preparing the file…",
    downloaded: "{name} has been downloaded.",
    badges: "Print badges",
    layout: "Layout",
    layout_a4_8: "A4 · 8 a page (to cut)",
    layout_a6: "A6 · 1 a page",
    print_badges: "Print all (PDF)",
    print_new: "Print the new ones (never printed)",
    preview_badges: "Preview (records nothing)",
    print_note: "Every active attendee, by name. \"Print\" records each badge as printed; a preview records nothing.",
    preparing_badges: "Preparing the badge sheet… (this can take a while for a large event)",
    badges_ready: "The badge sheet has been downloaded.",
    open_pdf: "Open the PDF",
    sheet_too_large: "The badge sheet is too large to send at once. Print it in parts (some attendees at a time).",
    print_failed: "Could not make the badge sheet: {message}",
    desk_tokens: "Desk tokens",
    desk_tokens_note: "Each check-in desk (phone or laptop) uses its own token. Revoke a token if a device goes missing.",
    new_label: "Desk name",
    new_label_hint: "1–64 characters, e.g. \"Desk A\".",
    label_required: "Enter a desk name (1–64 characters).",
    new_role: "Token kind",
    role_desk: "Desk",
    role_kiosk: "Kiosk",
    role_hint: "Desk: check-in, search, walk-ins. Kiosk: check-in by scanning a badge only, on an unattended device.",
    role: "Kind",
    create_token: "Create a desk token",
    creating: "Creating the token…",
    create_failed: "Could not create the token: {message}",
    pairing_title: "Pair the device for {label}",
    pairing_scan: "Scan this QR code with the phone's camera: the desk page opens already signed in.",
    pairing_once: "This token is shown only now. After \"Done\" it cannot be seen again (create a new one if needed).",
    pairing_link: "Desk page link",
    kiosk_link: "Or, for a self-service kiosk at the door:",
    copy_link: "Copy link",
    copy_kiosk: "Copy kiosk link",
    copied: "Copied.",
    copy_manual: "Could not copy automatically; the link is selected, copy it by hand.",
    done: "Done",
    qr_failed: "The QR code could not be drawn; use the link below.",
    no_tokens: "No desk tokens yet.",
    label: "Desk",
    created: "Created",
    status: "Status",
    active: "Active",
    revoked_at: "Revoked {time}",
    revoke: "Revoke",
    confirm_revoke: "Revoke the token \"{label}\"? Devices using it can no longer check people in.",
    revoke_failed: "Could not revoke the token: {message}",
    list_failed: "The token list could not be loaded yet.",
    offline_action: "No network. Try again.",
    female: "Female",
    male: "Male",
    prefer_not_to_say: "Prefers not to say",
    not_given: "Not given",
    ngo: "NGO",
    community: "Community",
    government: "Government",
    academia: "Academia",
    media: "Media",
    private_sector: "Private sector",
    donor: "Donor",
    other: "Other",
  },
});

const app = document.getElementById("app");

// Everything the page knows; re-rendering (e.g. on a language change) reads it.
const state = {
  token: null,
  event: null,
  date: null, // the selected event day
  attendance: null,
  countsFailed: false,
  report: null,
  reportFailed: false,
  tokens: null,
  tokensFailed: false,
  pairing: null, // {label, token} of a just-created desk token: memory only
  notices: {}, // per section: {kind, text, link}
  view: "loading",
  viewArgs: {},
};

let ui = {}; // the current render's containers
let timers = [];
let countsInFlight = false;
let reportInFlight = false;
let chartUrl = null;
let chartDate = null;
let badgeUrl = null;
const chartImage = el("img", { class: "chart", "data-testid": "arrivals-chart" });

// The attendee list and the scan log live in their own modules (dashboard-*.js).
const moduleContext = {
  authorised: (...args) => authorised(...args),
  refused: (reply) => refused(reply),
  get event() {
    return state.event;
  },
  setNotice: (section, notice) => setNotice(section, notice),
  clockTime: (iso) => clockTime(iso),
  registered: () => (state.attendance ? state.attendance.registered : 0),
  printSelection: (ids, section) => printBadges(null, ids, section),
  onChanged: () => refreshCounts(),
  deskTokens: () => state.tokens || [],
  names: () => people.names(),
};
const people = createPeople(moduleContext);
const scans = createScans(moduleContext);

// --- small helpers -------------------------------------------------------------

function number(value) {
  return new Intl.NumberFormat(currentLang() === "id" ? "id-ID" : "en-GB").format(value ?? 0);
}

// An instant from the API, in the event's own time zone.
function eventTime(iso, options) {
  if (!iso) return "";
  const locale = currentLang() === "id" ? "id-ID" : "en-GB";
  return new Intl.DateTimeFormat(locale, { timeZone: state.event.timezone, ...options }).format(new Date(iso));
}

const clockTime = (iso) => eventTime(iso, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
const shortStamp = (iso) =>
  eventTime(iso, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });

function selectedDay() {
  return state.event.days.find((day) => day.date === state.date) || state.event.days[0];
}

function dayLabel(day) {
  return `${t("day_n", { n: day.number })} · ${formatDate(day.date, { weekday: "short", day: "numeric", month: "short" })}`;
}

function path(suffix) {
  return `/events/${encodeURIComponent(eventId)}${suffix}`;
}

function authorised(method, suffix, options = {}) {
  return api(method, path(suffix), { ...options, token: state.token });
}

// A 401 or 403 ends the session whatever was being done; true when handled.
function refused(reply) {
  if (reply.status === 401) {
    forgetToken("organiser");
    show("token", { error: t("token_rejected") });
    return true;
  }
  if (reply.status === 403) {
    show("forbidden");
    return true;
  }
  return false;
}

function setNotice(section, notice) {
  state.notices[section] = notice;
  const box = ui.notices && ui.notices[section];
  if (box) fillNotice(box, notice);
}

function fillNotice(box, notice) {
  clear(box);
  if (!notice) return;
  box.append(el("p", { class: `notice ${notice.kind}`, role: notice.kind === "bad" ? "alert" : null }, notice.text, notice.link || null));
}

// Saves a fetched blob under `name` through a temporary <a download>.
function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name, class: "hidden" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
}

function stopTimers() {
  for (const timer of timers) clearInterval(timer);
  timers = [];
}

// --- views ----------------------------------------------------------------------

function show(view, args = {}) {
  state.view = view;
  state.viewArgs = args;
  if (view !== "dashboard") {
    stopTimers();
    state.pairing = null;
  }
  render();
}

function render() {
  ui = {};
  const bar = el(
    "header",
    { class: "bar" },
    el("span", { class: "brand", text: t("brand") }),
    el(
      "div",
      { class: "actions" },
      languageSwitch(render),
      state.view === "dashboard" || state.view === "forbidden"
        ? el("button", { type: "button", "data-testid": "sign-out", onclick: signOut, text: t("sign_out") })
        : null,
    ),
  );
  const body = {
    loading: () => el("p", { class: "loading", text: t("loading") }),
    token: renderTokenForm,
    forbidden: renderForbidden,
    failed: renderFailed,
    dashboard: renderDashboard,
  }[state.view]();
  clear(app).append(bar, body);
  document.title = state.view === "dashboard" ? `${state.event.title} · ${t("brand")}` : t("brand");
}

function renderTokenForm() {
  return tokenForm(
    {
      title: t("token_title"),
      label: t("token_label"),
      submit: t("token_submit"),
      note: t("token_note"),
      error: state.viewArgs.error,
    },
    (token) => {
      storeToken("organiser", token);
      start();
    },
  );
}

function renderForbidden() {
  return el(
    "section",
    { class: "card", "data-testid": "forbidden" },
    el("h2", { text: t("forbidden_title") }),
    el("p", { class: "notice bad", role: "alert", text: t("forbidden_text") }),
    el("button", { type: "button", class: "primary", onclick: signOut, text: t("use_other_token") }),
  );
}

function renderFailed() {
  return el(
    "section",
    { class: "card" },
    el("p", { class: "notice bad", role: "alert", text: t(state.viewArgs.message) }),
    state.viewArgs.retry ? el("button", { type: "button", class: "primary", onclick: start, text: t("retry") }) : null,
  );
}

// The certificate panel (API.md §11) lives in its own module.
const certificates = createCertificates({
  authorised: (...args) => authorised(...args),
  refused: (reply) => refused(reply),
  token: () => state.token,
  event: () => state.event,
  eventPath: (suffix) => path(suffix),
  onEvent: (event) => (state.event = event),
});

// The import panel (API.md §14) lives in its own module.
const importer = createImport({
  token: () => state.token,
  eventPath: (suffix) => path(suffix),
  refused: (reply) => refused(reply),
  onImported: () => (refreshCounts(), people.load()),
});
// The email panel (API.md §14): badges to everyone or the list's selection, certificates.
const email = createEmail({ authorised: (...args) => authorised(...args), refused: (reply) => refused(reply), selected: () => people.selected() });

function renderDashboard() {
  ui.notices = {};
  const noticeBox = (section) => {
    const box = el("div", { class: "notice-box", "aria-live": "polite" });
    ui.notices[section] = box;
    fillNotice(box, state.notices[section]);
    return box;
  };

  ui.status = el("p", { class: "hint as-of", "data-testid": "as-of" });
  ui.stats = el("div", { class: "stats", "data-testid": "stats" });
  const counts = el("section", { class: "counts" }, el("h2", { text: t("counts") }), ui.status, ui.stats);

  // Arrivals: the day, the chart and the breakdowns.
  const daySelect = el(
    "select",
    { id: "day", "data-testid": "day-select", onchange: (event) => selectDay(event.target.value) },
    state.event.days.map((day) => el("option", { value: day.date, selected: day.date === state.date }, dayLabel(day))),
  );
  chartImage.alt = t("chart_alt", { n: selectedDay().number });
  ui.breakdowns = el("div", { class: "breakdowns" });
  const arrivals = el(
    "section",
    { class: "card arrivals" },
    el("h2", { text: t("arrivals") }),
    el("label", { for: "day", text: t("day") }),
    daySelect,
    noticeBox("report"),
    el("div", { class: "chart-box" }, chartImage),
    ui.breakdowns,
  );

  const money = { token: () => state.token, event: () => state.event, setEvent: (e) => (state.event = e), date: () => state.date, refused, saveBlob };
  const left = el("div", { class: "column" }, arrivals, allowancesPanel(money), reconciliationPanel(money));
  const right = el("div", { class: "column" }, renderDownloads(noticeBox), renderDeskTokens(noticeBox));
  const main = el(
    "div",
    // The counts change every few seconds: not read out each time (notices are).
    { class: "dashboard", "aria-live": "off" },
    el("h1", { "data-testid": "event-title", text: state.event.title }),
    counts,
    people.render(noticeBox),
    importer.render(),
    el("div", { class: "grid-2" }, left, right),
    scans.render(),
  );
  main.append(certificates.render(), email.render());
  renderCounts();
  renderBreakdowns();
  renderTokenList();
  return main;
}

function renderDownloads(noticeBox) {
  const day = selectedDay();
  const layout = el(
    "select",
    { id: "layout", "data-testid": "badge-layout" },
    el("option", { value: "a4-8", selected: true }, t("layout_a4_8")),
    el("option", { value: "a6" }, t("layout_a6")),
  );
  ui.layout = layout;
  return el(
    "section",
    { class: "card downloads" },
    el("h2", { text: t("downloads") }),
    el(
      "div",
      { class: "download-buttons" },
      el("button", { type: "button", "data-testid": "download-csv", onclick: downloadCsv, text: t("download_csv") }),
      (ui.sheetButton = el("button", {
        type: "button",
        "data-testid": "download-sign-in-sheet",
        onclick: downloadSignInSheet,
        text: t("download_sheet", { n: day.number }),
      })),
    ),
    noticeBox("downloads"),
    el("h3", { text: t("badges") }),
    el("label", { for: "layout", text: t("layout") }),
    layout,
    el("p", { class: "hint", text: t("print_note") }),
    el(
      "div",
      { class: "download-buttons" },
      el("button", { type: "button", class: "primary", "data-testid": "print-badges", onclick: (event) => printBadges(event, "all"), text: t("print_badges") }),
      el("button", { type: "button", "data-testid": "print-new-badges", onclick: (event) => printBadges(event, "new"), text: t("print_new") }),
      el("button", { type: "button", "data-testid": "preview-badges", onclick: (event) => printBadges(event, "preview"), text: t("preview_badges") }),
    ),
    noticeBox("badges"),
  );
}

function renderDeskTokens(noticeBox) {
  const input = el("input", {
    id: "desk-label",
    name: "label",
    maxlength: 64,
    autocomplete: "off",
    required: true,
    placeholder: currentLang() === "id" ? "Meja A" : "Desk A",
    "data-testid": "desk-label",
  });
  // Which token: a staffed desk, or a kiosk that may only check in by badge code (API.md §4).
  const role = el(
    "select",
    { id: "desk-role", name: "role", "data-testid": "desk-role" },
    el("option", { value: "desk", text: t("role_desk") }),
    el("option", { value: "kiosk", text: t("role_kiosk") }),
  );
  const form = el(
    "form",
    { class: "desk-token-form", "data-testid": "desk-token-form", novalidate: true },
    el("label", { for: "desk-label", text: t("new_label") }),
    input,
    el("p", { class: "hint", text: t("new_label_hint") }),
    el("label", { for: "desk-role", text: t("new_role") }),
    role,
    el("p", { class: "hint", text: t("role_hint") }),
    el("button", { type: "submit", class: "primary", "data-testid": "create-desk-token", text: t("create_token") }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    createDeskToken(input, role, form.querySelector("button"));
  });
  ui.pairing = el("div", { class: "pairing-box" });
  ui.tokenList = el("div", { class: "token-list" });
  renderPairing();
  return el(
    "section",
    { class: "card desk-tokens" },
    el("h2", { text: t("desk_tokens") }),
    el("p", { class: "hint", text: t("desk_tokens_note") }),
    ui.pairing,
    form,
    noticeBox("tokens"),
    ui.tokenList,
  );
}

// --- live counts ------------------------------------------------------------------

function tile(testid, value, label, note) {
  return el(
    "div",
    { class: "stat", "data-testid": testid },
    el("div", { class: "value", text: number(value) }),
    el("div", { class: "label", text: label }),
    note ? el("div", { class: "note", text: note }) : null,
  );
}

// The event-local date ("2016-11-30") of an instant.
function eventDateAt(event, instant) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: event.timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}

function notStartedTile(day) {
  return el(
    "div",
    { class: "stat not-started", "data-testid": `stat-day-${day.date}-no-shows`, "data-not-started": "true" },
    el("div", { class: "value", text: "—" }),
    el("div", { class: "label", text: t("not_started_day", { n: day.number }) }),
  );
}

function renderCounts() {
  if (!ui.stats) return;
  const data = state.attendance;
  clear(ui.status);
  if (data) ui.status.append(t("as_of", { time: clockTime(data.as_of) }));
  if (state.countsFailed) {
    ui.status.replaceChildren(
      el("span", {
        class: "notice warn stale",
        "data-testid": "stale",
        text: data ? t("stale", { time: clockTime(data.as_of) }) : t("stale_never"),
      }),
    );
  }
  if (!data) return;
  // Redrawn only when a number (or the language) changed.
  // A day after today (event-local, on the server's clock as learnt) has not begun: nobody is "not arrived" yet.
  const today = eventDateAt(state.event, serverNow());
  const signature = JSON.stringify([currentLang(), today, data.registered, data.days, data.attended_any, data.attended_all_days]);
  if (ui.stats.dataset.signature === signature) return;
  ui.stats.dataset.signature = signature;
  const tiles = [tile("stat-registered", data.registered, t("registered"))];
  for (const day of data.days) {
    tiles.push(
      tile(`stat-day-${day.date}-checked-in`, day.checked_in, t("checked_in_day", { n: day.number }), t("of_registered", { n: number(day.registered) })),
      day.date > today
        ? notStartedTile(day)
        : tile(`stat-day-${day.date}-no-shows`, day.no_shows, t("no_shows_day", { n: day.number })),
    );
  }
  tiles.push(
    tile("stat-attended-any", data.attended_any, t("attended_any")),
    tile("stat-attended-all", data.attended_all_days, t("attended_all")),
  );
  clear(ui.stats).append(...tiles);
}

async function refreshCounts() {
  if (countsInFlight) return; // the last one is still on its way
  countsInFlight = true;
  try {
    const reply = await authorised("GET", "/attendance");
    if (refused(reply)) return;
    if (reply.ok) {
      state.attendance = reply.data;
      state.countsFailed = false;
    } else {
      state.countsFailed = true;
    }
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    state.countsFailed = true;
  } finally {
    countsInFlight = false;
  }
  renderCounts();
}

// --- the chart and breakdowns ---------------------------------------------------------

function breakdownTable(testid, title, counts, labelOf, header) {
  const rows = Object.entries(counts);
  return el(
    "div",
    { class: "breakdown" },
    el("h3", { text: title }),
    rows.length === 0
      ? el("p", { class: "hint", "data-testid": testid, text: t("no_desks") })
      : el(
          "table",
          { "data-testid": testid },
          el("thead", {}, el("tr", {}, el("th", { text: header }), el("th", { class: "num", text: t("count") }))),
          el(
            "tbody",
            {},
            rows.map(([key, value]) =>
              el("tr", { "data-key": key }, el("td", { text: labelOf(key) }), el("td", { class: "num", text: number(value) })),
            ),
          ),
        ),
  );
}

function renderBreakdowns() {
  if (!ui.breakdowns) return;
  clear(ui.breakdowns);
  const day = state.report && state.report.days.find((item) => item.date === state.date);
  if (!day) return;
  ui.breakdowns.append(
    el(
      "p",
      { class: "summary", "data-testid": "report-summary" },
      el("span", { text: t("checked_in_of", { checked: number(day.checked_in), registered: number(day.registered) }) }),
      el("span", { "data-testid": "walk-ins", text: t("walk_ins", { n: number(day.walk_ins) }) }),
      el("span", { "data-testid": "late", text: t("late", { n: number(day.late) }) }),
    ),
    el(
      "div",
      { class: "breakdown-grid" },
      breakdownTable("breakdown-source", t("by_source"), day.by_source, (key) => t(`source_${key}`), t("source")),
      breakdownTable("breakdown-gender", t("by_gender"), day.by_gender, (key) => t(key), t("category")),
      breakdownTable("breakdown-organisation-type", t("by_organisation_type"), day.by_organisation_type, (key) => t(key), t("category")),
      // Desk labels are the organiser's own words: shown as they are.
      breakdownTable("breakdown-desk", t("by_desk"), day.by_desk, (key) => key, t("desk")),
    ),
  );
}

async function refreshReport() {
  if (reportInFlight) return;
  reportInFlight = true;
  const date = state.date;
  try {
    const [report, chart] = await Promise.all([
      authorised("GET", "/attendance/report"),
      authorised("GET", `/arrivals.svg?date=${encodeURIComponent(date)}`, { accept: "image/svg+xml" }),
    ]);
    if (refused(report) || refused(chart)) return;
    if (report.ok) state.report = report.data;
    if (chart.ok && chart.data instanceof Blob && date === state.date) showChart(chart.data, date);
    state.reportFailed = !report.ok || !chart.ok;
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    state.reportFailed = true;
  } finally {
    reportInFlight = false;
  }
  // The day may have changed while this was on its way: fetch that day now.
  if (date !== state.date) {
    refreshReport();
    return;
  }
  setNotice("report", state.reportFailed ? { kind: "warn", text: t("chart_failed") } : null);
  renderBreakdowns();
}

function showChart(blob, date) {
  const old = chartUrl;
  chartUrl = URL.createObjectURL(blob);
  chartDate = date;
  chartImage.src = chartUrl;
  if (old) URL.revokeObjectURL(old); // the image keeps its decoded picture
}

function selectDay(date) {
  state.date = date;
  // Only what depends on the day: a full render would lose what is being typed.
  if (chartDate !== date) chartImage.removeAttribute("src");
  chartImage.alt = t("chart_alt", { n: selectedDay().number });
  if (ui.sheetButton) ui.sheetButton.textContent = t("download_sheet", { n: selectedDay().number });
  renderBreakdowns();
  refreshReport();
}

// --- downloads and printing ---------------------------------------------------------------

async function fetchFile(section, suffix, accept, name, button) {
  button.disabled = true;
  setNotice(section, { kind: "info", text: t("downloading") });
  try {
    const reply = await authorised("GET", suffix, { accept });
    if (refused(reply)) return null;
    if (!reply.ok || !(reply.data instanceof Blob)) {
      const message = reply.error ? reply.error.message : `HTTP ${reply.status}`;
      setNotice(section, { kind: "bad", text: t("download_failed", { message }) });
      return null;
    }
    saveBlob(reply.data, name);
    setNotice(section, { kind: "ok", text: t("downloaded", { name }) });
    return reply.data;
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    setNotice(section, { kind: "bad", text: t("download_offline") });
    return null;
  } finally {
    button.disabled = false;
  }
}

function downloadCsv(event) {
  fetchFile("downloads", "/attendance.csv", "text/csv", `hadir-${eventId}.csv`, event.currentTarget);
}

function downloadSignInSheet(event) {
  const date = state.date;
  fetchFile(
    "downloads",
    `/sign-in-sheet.pdf?date=${encodeURIComponent(date)}`,
    "application/pdf",
    `daftar-hadir-${eventId}-${date}.pdf`,
    event.currentTarget,
  );
}

// which: "all", "new" (never printed), "preview" (records nothing), or a list
// of attendee ids ("print these"). section: where the notice goes.
async function printBadges(event, which = "all", section = "badges") {
  const button = event ? event.currentTarget : null;
  const layout = ui.layout.value;
  const params = new URLSearchParams({ layout });
  if (which === "new") params.set("unprinted", "true");
  if (Array.isArray(which)) for (const id of which) params.append("attendee_id", id);
  if (which !== "preview") params.set("mark_printed", "true");
  if (button) button.disabled = true;
  setNotice(section, { kind: "info", text: t("preparing_badges") });
  try {
    const reply = await authorised("GET", `/badges.pdf?${params}`, { accept: "application/pdf" });
    if (refused(reply)) return;
    if (reply.status === 413) {
      setNotice(section, { kind: "warn", text: t("sheet_too_large") });
    } else if (!reply.ok || !(reply.data instanceof Blob)) {
      const message = reply.error ? reply.error.message : `HTTP ${reply.status}`;
      setNotice(section, { kind: "bad", text: t("print_failed", { message }) });
    } else {
      // Saved as a file, and kept for an "open" link: a tab opened after the
      // fetch (not from the click itself) would be stopped as a pop-up.
      if (badgeUrl) URL.revokeObjectURL(badgeUrl);
      badgeUrl = URL.createObjectURL(reply.data);
      const name = `lencana-${eventId}-${layout}.pdf`;
      saveBlob(reply.data, name);
      const open = el("a", { href: badgeUrl, target: "_blank", rel: "noopener", class: "open-pdf", "data-testid": "open-badges", text: t("open_pdf") });
      setNotice(section, { kind: "ok", text: `${t("badges_ready")} `, link: open });
    }
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    setNotice(section, { kind: "bad", text: t("offline_action") });
  } finally {
    if (button) button.disabled = false;
  }
}

// --- desk tokens -----------------------------------------------------------------------

async function createDeskToken(input, roleSelect, button) {
  const role = roleSelect.value === "kiosk" ? "kiosk" : "desk";
  const label = input.value.trim();
  if (label.length < 1 || label.length > 64) {
    input.setAttribute("aria-invalid", "true");
    setNotice("tokens", { kind: "bad", text: t("label_required") });
    input.focus();
    return;
  }
  input.removeAttribute("aria-invalid");
  button.disabled = true;
  setNotice("tokens", { kind: "info", text: t("creating") });
  try {
    const reply = await authorised("POST", "/desk-tokens", { body: { label, role } });
    if (refused(reply)) return;
    if (reply.status !== 201 || !reply.data) {
      const message = reply.error ? reply.error.message : `HTTP ${reply.status}`;
      setNotice("tokens", { kind: "bad", text: t("create_failed", { message }) });
      return;
    }
    input.value = "";
    state.pairing = { label: reply.data.label, token: reply.data.token, role: reply.data.role || role };
    setNotice("tokens", null);
    renderPairing();
    ui.pairing.scrollIntoView({ block: "nearest" });
    loadTokens();
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    setNotice("tokens", { kind: "bad", text: t("offline_action") });
  } finally {
    button.disabled = false;
  }
}

// The vendored encoder is a classic script defining the global `qrcode`: loaded once, when needed.
let qrLibrary = null;

function loadQrLibrary() {
  if (!qrLibrary) {
    qrLibrary = new Promise((resolve, reject) => {
      const script = el("script", { src: apiUrl("/assets/qrcode-generator-2.0.4.js") });
      script.addEventListener("load", () => resolve(window.qrcode));
      script.addEventListener("error", () => {
        qrLibrary = null;
        reject(new Error("qrcode-generator did not load"));
      });
      document.head.append(script);
    });
  }
  return qrLibrary;
}

const QUIET_MODULES = 4;
const MODULE_PIXELS = 8;

async function drawQr(canvas, text) {
  const qrcode = await loadQrLibrary();
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  const modules = code.getModuleCount();
  const size = (modules + 2 * QUIET_MODULES) * MODULE_PIXELS;
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, size, size);
  context.fillStyle = "#000000";
  for (let row = 0; row < modules; row += 1) {
    for (let column = 0; column < modules; column += 1) {
      if (code.isDark(row, column)) {
        context.fillRect((column + QUIET_MODULES) * MODULE_PIXELS, (row + QUIET_MODULES) * MODULE_PIXELS, MODULE_PIXELS, MODULE_PIXELS);
      }
    }
  }
  canvas.dataset.ready = "true";
}

async function copyText(text, source, hint) {
  try {
    await navigator.clipboard.writeText(text);
    hint.textContent = t("copied");
  } catch {
    // No clipboard permission: select the link so it can be copied by hand.
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    hint.textContent = t("copy_manual");
  }
}

function renderPairing() {
  if (!ui.pairing) return;
  clear(ui.pairing);
  const pairing = state.pairing;
  if (!pairing) return;
  const fragment = `#token=${encodeURIComponent(pairing.token)}`;
  const deskLink = `${pageUrl("desk")}${fragment}`;
  const kioskLink = `${pageUrl("kiosk")}${fragment}`;
  const canvas = el("canvas", { "data-testid": "pairing-qr", role: "img", "aria-label": t("pairing_scan") });
  const hint = el("p", { class: "hint copy-hint", "aria-live": "polite" });
  const deskText = el("code", { class: "link", "data-testid": "pairing-link", text: deskLink });
  const kioskText = el("code", { class: "link", "data-testid": "pairing-kiosk-link", text: kioskLink });
  const qrError = el("p", { class: "notice bad hidden", text: t("qr_failed") });
  // A kiosk token opens the kiosk page only: its QR and link are the kiosk's.
  const kiosk = pairing.role === "kiosk";
  const deskPart = kiosk
    ? []
    : [
        el("p", { class: "link-title", text: t("pairing_link") }),
        deskText,
        el(
          "div",
          { class: "pairing-actions" },
          el("button", { type: "button", "data-testid": "copy-link", onclick: () => copyText(deskLink, deskText, hint), text: t("copy_link") }),
        ),
      ];
  ui.pairing.append(
    el(
      "div",
      { class: "pairing card", "data-testid": "pairing" },
      el("h3", { text: t("pairing_title", { label: pairing.label }) }),
      canvas,
      qrError,
      el("p", { text: t("pairing_scan") }),
      el("p", { class: "notice warn", text: t("pairing_once") }),
      ...deskPart,
      el("p", { class: "link-title", text: kiosk ? t("role_kiosk") : t("kiosk_link") }),
      kioskText,
      el(
        "div",
        { class: "pairing-actions" },
        el("button", { type: "button", "data-testid": "copy-kiosk-link", onclick: () => copyText(kioskLink, kioskText, hint), text: t("copy_kiosk") }),
      ),
      hint,
      el("button", { type: "button", class: "primary", "data-testid": "pairing-done", onclick: closePairing, text: t("done") }),
    ),
  );
  drawQr(canvas, kiosk ? kioskLink : deskLink).catch(() => {
    canvas.classList.add("hidden");
    qrError.classList.remove("hidden");
  });
}

function closePairing() {
  state.pairing = null; // the only copy of the secret in this page
  renderPairing();
}

function renderTokenList() {
  if (!ui.tokenList) return;
  clear(ui.tokenList);
  if (state.tokensFailed) ui.tokenList.append(el("p", { class: "notice warn", text: t("list_failed") }));
  const tokens = state.tokens;
  if (!tokens) return;
  if (tokens.length === 0) {
    ui.tokenList.append(el("p", { class: "hint", "data-testid": "no-desk-tokens", text: t("no_tokens") }));
    return;
  }
  const sorted = [...tokens].sort((a, b) => (b.created_at || "").localeCompare(a.created_at || ""));
  ui.tokenList.append(
    el(
      "table",
      { class: "tokens", "data-testid": "desk-tokens" },
      el("thead", {}, el("tr", {}, el("th", { text: t("label") }), el("th", { text: t("role") }), el("th", { text: t("created") }), el("th", { text: t("status") }), el("th", {}))),
      el(
        "tbody",
        {},
        sorted.map((item) =>
          el(
            "tr",
            { "data-testid": "desk-token-row", "data-id": item.id, class: item.revoked_at ? "revoked" : null },
            el("td", { class: "token-label", text: item.label }),
            el("td", { class: "token-role", "data-testid": "token-role", text: item.role === "kiosk" ? t("role_kiosk") : t("role_desk") }),
            el("td", { text: shortStamp(item.created_at) }),
            el("td", { class: "token-status", text: item.revoked_at ? t("revoked_at", { time: shortStamp(item.revoked_at) }) : t("active") }),
            el(
              "td",
              {},
              item.revoked_at
                ? null
                : el("button", { type: "button", class: "danger", "data-testid": "revoke-button", onclick: (event) => revoke(item, event.currentTarget), text: t("revoke") }),
            ),
          ),
        ),
      ),
    ),
  );
}

async function loadTokens() {
  try {
    const reply = await authorised("GET", "/desk-tokens");
    if (refused(reply)) return;
    state.tokensFailed = !reply.ok;
    if (reply.ok) state.tokens = reply.data.desk_tokens;
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    state.tokensFailed = true;
  }
  renderTokenList();
}

async function revoke(item, button) {
  if (!confirm(t("confirm_revoke", { label: item.label }))) return;
  button.disabled = true;
  try {
    const reply = await authorised("DELETE", `/desk-tokens/${encodeURIComponent(item.id)}`);
    if (refused(reply)) return;
    // 404: already gone; the refreshed list says so.
    if (!reply.ok && reply.status !== 404) {
      const message = reply.error ? reply.error.message : `HTTP ${reply.status}`;
      setNotice("tokens", { kind: "bad", text: t("revoke_failed", { message }) });
    } else {
      setNotice("tokens", null);
    }
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    setNotice("tokens", { kind: "bad", text: t("offline_action") });
  }
  await loadTokens();
}

// --- starting and stopping --------------------------------------------------------------------

function signOut() {
  forgetToken("organiser");
  state.token = null;
  state.attendance = null;
  state.report = null;
  state.tokens = null;
  state.notices = {};
  show("token");
}

async function start() {
  stopTimers();
  state.token = takeToken("organiser");
  if (!state.token) {
    show("token");
    return;
  }
  show("loading");
  try {
    if (!state.event) {
      const reply = await api("GET", path(""));
      if (reply.status === 404) return show("failed", { message: "event_not_found" });
      if (!reply.ok) return show("failed", { message: "offline_start", retry: true });
      state.event = reply.data;
    }
    // The token is checked by the first organiser call, before the dashboard shows.
    const [first] = await Promise.all([authorised("GET", "/attendance"), syncClock()]);
    if (refused(first)) return;
    if (!first.ok) {
      if (isRetryable(first)) return show("failed", { message: "offline_start", retry: true });
      return show("failed", { message: "event_not_found" });
    }
    state.attendance = first.data;
    state.countsFailed = false;
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    return show("failed", { message: "offline_start", retry: true });
  }
  if (!state.date || !state.event.days.some((day) => day.date === state.date)) {
    state.date = (eventDayAt(state.event, serverNow()) || state.event.days[0]).date;
  }
  show("dashboard");
  refreshReport();
  loadTokens();
  people.load();
  timers.push(setInterval(refreshCounts, COUNTS_EVERY_MS), setInterval(refreshReport, REPORT_EVERY_MS));
}

start();

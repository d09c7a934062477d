// The public registration page (/register/{event_id}): the event, the form, then
// the attendee's badge, remembered in this browser so reopening the page shows it.
//
// Every value typed by the attendee or sent by the API reaches the page as text
// (el() and textContent): a name such as "<img src=x onerror=...>" is shown as written.

import {
  Offline,
  api,
  apiUrl,
  clear,
  currentLang,
  el,
  eventId,
  formatDate,
  isRetryable,
  languageSwitch,
  randomId,
  translator,
} from "./common.js";

const t = translator({
  id: {
    brand: "Hadir",
    loading: "Memuat…",
    organisedBy: "Penyelenggara: {names}",
    venue: "Tempat",
    dates: "Waktu",
    missing: "Acara ini tidak ditemukan. Periksa kembali tautan pendaftaran yang Anda terima.",
    loadFailed: "Data acara tidak dapat dimuat. Periksa koneksi internet Anda, lalu coba lagi.",
    retry: "Coba lagi",
    closed: "Pendaftaran online untuk acara ini sudah ditutup. Hubungi panitia jika Anda ingin hadir.",
    formTitle: "Formulir pendaftaran",
    formIntro: "Isian bertanda * wajib diisi.",
    required: "*",
    optional: "(opsional)",
    name: "Nama lengkap",
    nameHint: "Seperti yang ingin dicetak di badge.",
    display_name: "Nama panggilan",
    displayNameHint:
      "Nama untuk menyapa Anda di kios dan di badge, mis. Budi. Jika dikosongkan, kami ambil dari " +
      "nama lengkap Anda, tanpa gelar.",
    email: "Email",
    organisation: "Organisasi / lembaga",
    phone: "Nomor telepon",
    job_title: "Jabatan",
    gender: "Jenis kelamin",
    organisation_type: "Jenis organisasi",
    choose: "— Pilih —",
    "gender.female": "Perempuan",
    "gender.male": "Laki-laki",
    "gender.prefer_not_to_say": "Tidak ingin menyebutkan",
    "organisation_type.ngo": "LSM / NGO",
    "organisation_type.community": "Komunitas",
    "organisation_type.government": "Pemerintah",
    "organisation_type.academia": "Akademisi / perguruan tinggi",
    "organisation_type.media": "Media",
    "organisation_type.private_sector": "Swasta",
    "organisation_type.donor": "Donor",
    "organisation_type.other": "Lainnya",
    days: "Hari yang akan Anda hadiri",
    consentTitle: "Persetujuan penggunaan data pribadi",
    consentText:
      "Saya setuju panitia menggunakan nama, email, dan organisasi saya untuk mendaftarkan saya, " +
      "mencetak badge saya, dan melaporkan kehadiran kepada donor acara ini. Data saya tidak " +
      "dibagikan kepada pihak lain untuk keperluan lain.",
    consent: "Persetujuan",
    manage: "Lihat, perbaiki, unduh, atau hapus data saya",
    submit: "Daftar",
    sending: "Mengirim…",
    checkFields: "Pendaftaran belum terkirim. Periksa isian berikut:",
    offline:
      "Tidak ada koneksi ke server. Tidak ada yang hilang: isian Anda masih di sini. " +
      "Periksa koneksi internet, lalu tekan Daftar lagi.",
    busy: "Server sedang sibuk. Tidak ada yang hilang: isian Anda masih di sini. Coba tekan Daftar lagi sebentar lagi.",
    already_registered:
      "Email ini sudah terdaftar untuk acara ini. Badge-nya ada di perangkat yang dipakai saat mendaftar; " +
      "jika hilang, mintalah badge baru di meja registrasi.",
    event_full: "Maaf, kuota peserta acara ini sudah penuh.",
    registration_closed: "Maaf, pendaftaran online untuk acara ini sudah ditutup.",
    unexpected: "Terjadi kesalahan. Coba lagi.",
    "msg.consent": "Centang kotak persetujuan untuk mendaftar.",
    "msg.is required": "wajib diisi.",
    "msg.must not be blank": "wajib diisi.",
    "msg.is too long": "terlalu panjang.",
    "msg.is not a valid email address": "bukan alamat email yang valid.",
    "msg.must not contain control characters": "berisi karakter yang tidak diizinkan.",
    "msg.must not contain control or invisible characters": "berisi karakter yang tidak diizinkan.",
    "msg.may hold only digits, spaces, +, -, ., / and brackets":
      "hanya boleh berisi angka, spasi, +, -, ., / dan tanda kurung.",
    "msg.is not one of the allowed values": "bukan salah satu pilihan yang tersedia.",
    "msg.noDays": "Pilih minimal satu hari.",
    "msg.must be dates of this event": "harus tanggal acara ini.",
    registered: "Pendaftaran berhasil! Ini badge Anda.",
    yourBadge: "Badge Anda",
    qrAlt: "Kode QR badge untuk check-in",
    saveHint:
      "Simpan halaman ini atau ambil screenshot, lalu tunjukkan kode QR ini di meja registrasi saat datang.",
    yourDays: "Terdaftar untuk:",
    checkedIn: "sudah check-in {time}",
    downloadPng: "Unduh QR (PNG)",
    downloadPdf: "Badge siap cetak (PDF)",
    another: "Daftarkan orang lain",
    revoked:
      "Badge yang tersimpan di perangkat ini sudah diganti atau dibatalkan, jadi tidak berlaku lagi. " +
      "Gunakan badge baru dari panitia, atau tanyakan di meja registrasi.",
  },
  en: {
    brand: "Hadir",
    loading: "Loading…",
    organisedBy: "Organised by: {names}",
    venue: "Venue",
    dates: "When",
    missing: "This event was not found. Please check the registration link you were sent.",
    loadFailed: "The event could not be loaded. Check your internet connection and try again.",
    retry: "Try again",
    closed: "Online registration for this event is closed. Please contact the organisers if you wish to attend.",
    formTitle: "Registration form",
    formIntro: "Fields marked * are required.",
    required: "*",
    optional: "(optional)",
    name: "Full name",
    nameHint: "As you want it printed on your badge.",
    display_name: "Name to greet you by",
    displayNameHint:
      "What the kiosk and your badge call you, e.g. Budi. Left empty, we take it from your full " +
      "name, without titles.",
    email: "Email",
    organisation: "Organisation",
    phone: "Phone number",
    job_title: "Job title",
    gender: "Gender",
    organisation_type: "Type of organisation",
    choose: "— Choose —",
    "gender.female": "Female",
    "gender.male": "Male",
    "gender.prefer_not_to_say": "Prefer not to say",
    "organisation_type.ngo": "NGO",
    "organisation_type.community": "Community",
    "organisation_type.government": "Government",
    "organisation_type.academia": "Academia",
    "organisation_type.media": "Media",
    "organisation_type.private_sector": "Private sector",
    "organisation_type.donor": "Donor",
    "organisation_type.other": "Other",
    days: "Days you will attend",
    consentTitle: "Consent to the use of personal data",
    consentText:
      "I agree that the organisers use my name, email and organisation to register me, print my " +
      "badge and report attendance to this event's donor. My data is not shared with anyone else " +
      "for any other purpose.",
    consent: "Consent",
    manage: "See, correct, download or erase my data",
    submit: "Register",
    sending: "Sending…",
    checkFields: "Your registration was not sent. Please check:",
    offline:
      "No connection to the server. Nothing was lost: your answers are still here. " +
      "Check your internet connection, then press Register again.",
    busy: "The server is busy. Nothing was lost: your answers are still here. Press Register again in a moment.",
    already_registered:
      "This email is already registered for this event. The badge is on the device used to register; " +
      "if it is lost, ask for a new badge at the registration desk.",
    event_full: "Sorry, this event is full.",
    registration_closed: "Sorry, online registration for this event is closed.",
    unexpected: "Something went wrong. Please try again.",
    "msg.consent": "Tick the consent box to register.",
    "msg.noDays": "Choose at least one day.",
    registered: "You are registered! This is your badge.",
    yourBadge: "Your badge",
    qrAlt: "Badge QR code for check-in",
    saveHint: "Save this page or take a screenshot, and show this QR code at the registration desk when you arrive.",
    yourDays: "Registered for:",
    checkedIn: "checked in at {time}",
    downloadPng: "Download QR (PNG)",
    downloadPdf: "Printable badge (PDF)",
    another: "Register someone else",
    revoked:
      "The badge saved on this device has been replaced or cancelled, so it is no longer valid. " +
      "Use the new badge from the organisers, or ask at the registration desk.",
  },
});

// Text limits from API.md; the server refuses longer with a 422.
const TEXT_FIELDS = [
  { name: "name", required: true, max: 200, autocomplete: "name", hint: "nameHint" },
  { name: "display_name", max: 40, autocomplete: "nickname", hint: "displayNameHint" },
  { name: "email", required: true, max: 254, autocomplete: "email", type: "email", inputmode: "email" },
  { name: "organisation", required: true, max: 200, autocomplete: "organization" },
  { name: "phone", max: 32, autocomplete: "tel", type: "tel", inputmode: "tel" },
  { name: "job_title", max: 200, autocomplete: "organization-title" },
];
const CHOICES = {
  gender: ["female", "male", "prefer_not_to_say"],
  organisation_type: ["ngo", "community", "government", "academia", "media", "private_sector", "donor", "other"],
};
const SELECT_AUTOCOMPLETE = { gender: "sex", organisation_type: "off" };
const FIELD_ORDER = ["name", "display_name", "email", "organisation", "phone", "job_title", "gender", "organisation_type", "days", "consent"];

// Indonesia's zones go by their local names; elsewhere the IANA name is clearer.
const ZONE_NAMES = { "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT" };

const STORE_KEY = `hadir.badge.${eventId}`;
const CODE_SHAPE = /^[A-Za-z0-9=_-]{8,200}$/;

const app = document.getElementById("app");

const state = {
  view: "loading", // loading | load-failed | missing | closed | form | badge
  event: null,
  values: null,
  // The Idempotency-Key of this submission attempt, with the body it was made for:
  // a resend of the same body reuses it, so a registration whose answer was lost
  // on the way back is answered again instead of "already registered".
  attempt: null,
  sending: false,
  problem: null, // {kind: "fields"|"offline"|"busy"|"code"|"message", ...}
  fieldErrors: [], // [{field, message}] as the API sent them
  badge: null, // {code, name, organisation, days}
  checkins: {}, // date -> local check-in time, from GET /badges/{code}
  justRegistered: false,
  revoked: false,
};

// --- remembering the badge in this browser --------------------------------------

function readStored() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
    if (stored && typeof stored.code === "string" && CODE_SHAPE.test(stored.code)) {
      return {
        code: stored.code,
        name: String(stored.name ?? ""),
        organisation: String(stored.organisation ?? ""),
        days: Array.isArray(stored.days) ? stored.days.map(String) : [],
        qr_png_url: qrUrl(stored),
        manage_url: typeof stored.manage_url === "string" && stored.manage_url.startsWith("/me/") ? stored.manage_url : null,
      };
    }
  } catch {
    // Unreadable: treated as nothing stored.
  }
  forget();
  return null;
}

// The QR's address as the API gave it; else made from the code, as the API makes it.
function qrUrl(badge) {
  const given = badge.qr_png_url;
  if (typeof given === "string" && given.startsWith("/badges/")) return given;
  return `/badges/${encodeURIComponent(badge.code)}/qr.png`;
}

function remember(badge) {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(badge));
  } catch {
    // Storage full or disabled (private mode): the badge is still on screen.
  }
}

function forget() {
  try {
    localStorage.removeItem(STORE_KEY);
  } catch {
    // Nothing to do.
  }
}

// --- the form's values ---------------------------------------------------------

function emptyValues() {
  return {
    name: "",
    display_name: "",
    email: "",
    organisation: "",
    phone: "",
    job_title: "",
    gender: "",
    organisation_type: "",
    days: new Set(state.event ? state.event.days.map((day) => day.date) : []),
    consent: false,
  };
}

// The values as the form shows them now. Read from the page, not kept up by input
// events, which autofill and scripted clearing do not always send.
function readForm() {
  const form = app.querySelector("form.register-form");
  if (!form || !state.values) return;
  for (const name of ["name", "display_name", "email", "organisation", "phone", "job_title", "gender", "organisation_type"]) {
    state.values[name] = form.elements[name].value;
  }
  const boxes = [...form.querySelectorAll('input[name="days"]')];
  if (boxes.length) state.values.days = new Set(boxes.filter((box) => box.checked).map((box) => box.value));
  state.values.consent = form.elements.consent.checked;
}

// The request body: optional fields only when filled in, days as the ticked dates.
function requestBody() {
  const values = state.values;
  const body = { name: values.name, email: values.email, organisation: values.organisation };
  for (const name of ["display_name", "phone", "job_title", "gender", "organisation_type"]) {
    if (values[name].trim() !== "") body[name] = values[name];
  }
  body.days = state.event.days.map((day) => day.date).filter((date) => values.days.has(date));
  body.consent = values.consent;
  // The consent record: which version of the event's text was shown, in which language.
  if (state.event.consent && state.event.consent.version) body.consent_version = state.event.consent.version;
  body.language = currentLang();
  return body;
}

// "days.0" -> "days": errors are shown under the field the first segment names.
function fieldOf(error) {
  const first = String(error.field || "").split(".")[0];
  return FIELD_ORDER.includes(first) ? first : null;
}

// The API's messages are fixed English phrases ("is not a valid email address");
// known ones are translated, others are shown as sent.
function fieldMessage(error) {
  const field = fieldOf(error);
  const message = String(error.message || "");
  if (field === "consent") return t("msg.consent");
  if (field === "days" && message === "must name at least one day") return t("msg.noDays");
  const key = `msg.${message}`;
  const translated = t(key);
  const label = field ? t(field) : String(error.field || "");
  return translated === key ? `${label} ${message}.` : `${label} ${translated}`;
}

// --- rendering -------------------------------------------------------------------

function render() {
  const langHadFocus = document.activeElement && document.activeElement.dataset.testid === "lang";
  clear(app);
  const lang = languageSwitch(switchLanguage);
  app.append(el("header", { class: "bar" }, el("span", { class: "brand", text: t("brand") }), lang));
  document.title = state.event ? `${state.event.title} · Hadir` : "Hadir";

  if (state.view === "loading") app.append(el("p", { class: "loading", text: t("loading") }));
  else if (state.view === "missing") {
    app.append(el("p", { class: "notice bad", role: "alert", "data-testid": "event-missing", text: t("missing") }));
  } else if (state.view === "load-failed") {
    app.append(
      el("p", { class: "notice bad", role: "alert", "data-testid": "load-failed", text: t("loadFailed") }),
      el("button", { type: "button", class: "primary", onclick: start, text: t("retry") }),
    );
  } else if (state.view === "badge") {
    app.append(badgeView());
    if (state.event) app.append(eventCard(false));
  } else {
    app.append(eventCard(true));
    if (state.revoked) {
      app.append(el("p", { class: "notice warn", role: "status", "data-testid": "badge-revoked", text: t("revoked") }));
    }
    if (state.view === "closed") {
      app.append(el("p", { class: "notice warn", "data-testid": "registration-closed", text: t("closed") }));
    } else app.append(formView());
  }
  if (langHadFocus) lang.focus();
}

// The page again in the other language, keeping what was typed.
function switchLanguage() {
  readForm();
  render();
}

function eventCard(withTitle) {
  const event = state.event;
  const zone = ZONE_NAMES[event.timezone] || event.timezone;
  const facts = el("ul", { class: "event-facts" });
  if (event.organisers && event.organisers.length) {
    facts.append(el("li", { text: t("organisedBy", { names: event.organisers.join(", ") }) }));
  }
  for (const day of event.days) {
    const hours = el("span", { class: "hours", text: `${day.opens}–${day.closes} ${zone}` });
    facts.append(el("li", { class: "day" }, formatDate(day.date), " · ", hours));
  }
  const venue = event.venue || {};
  facts.append(
    el(
      "li",
      { class: "venue" },
      el("strong", { text: venue.name || "" }),
      venue.address ? el("span", { class: "address", text: venue.address }) : null,
    ),
  );
  return el(
    "section",
    { class: "card event" },
    el(withTitle ? "h1" : "h2", { "data-testid": "event-title", text: event.title }),
    facts,
  );
}

function labelFor(name, required) {
  return el(
    "label",
    { for: `f-${name}` },
    t(name),
    " ",
    el("span", { class: required ? "required" : "optional", text: required ? t("required") : t("optional") }),
  );
}

function errorsFor(name) {
  return state.fieldErrors.filter((error) => fieldOf(error) === name);
}

// The field's error line (when the API named it) and the attributes that tie it to the field.
function errorLine(name) {
  const errors = errorsFor(name);
  if (!errors.length) return null;
  return el("p", {
    class: "field-error",
    id: `err-${name}`,
    "data-testid": `field-error-${name}`,
    text: errors.map(fieldMessage).join(" "),
  });
}

function describedBy(name, hint) {
  const ids = [hint ? `hint-${name}` : null, errorsFor(name).length ? `err-${name}` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : null;
}

function textField(spec) {
  const { name } = spec;
  const input = el("input", {
    id: `f-${name}`,
    name,
    type: spec.type || "text",
    inputmode: spec.inputmode,
    autocomplete: spec.autocomplete,
    maxlength: spec.max,
    required: spec.required,
    "aria-required": spec.required ? "true" : null,
    "aria-invalid": errorsFor(name).length ? "true" : null,
    "aria-describedby": describedBy(name, spec.hint),
    "data-testid": `field-${name}`,
  });
  input.value = state.values[name];
  return el(
    "div",
    { class: "field" },
    labelFor(name, spec.required),
    spec.hint ? el("p", { class: "hint", id: `hint-${name}`, text: t(spec.hint) }) : null,
    input,
    errorLine(name),
  );
}

function selectField(name) {
  const select = el(
    "select",
    {
      id: `f-${name}`,
      name,
      autocomplete: SELECT_AUTOCOMPLETE[name],
      "aria-invalid": errorsFor(name).length ? "true" : null,
      "aria-describedby": describedBy(name, false),
      "data-testid": `field-${name}`,
    },
    el("option", { value: "", text: t("choose") }),
    CHOICES[name].map((value) => el("option", { value, text: t(`${name}.${value}`) })),
  );
  select.value = state.values[name];
  return el("div", { class: "field" }, labelFor(name, false), select, errorLine(name));
}

function daysField() {
  const invalid = errorsFor("days").length > 0;
  const boxes = state.event.days.map((day) => {
    const box = el("input", {
      type: "checkbox",
      id: `day-${day.date}`,
      name: "days",
      value: day.date,
      "aria-invalid": invalid ? "true" : null,
      "aria-describedby": describedBy("days", false),
      "data-testid": `field-day-${day.date}`,
    });
    box.checked = state.values.days.has(day.date);
    return el("label", { class: "check", for: `day-${day.date}` }, box, formatDate(day.date));
  });
  return el("fieldset", { class: "field days" }, el("legend", { text: t("days") }), boxes, errorLine("days"));
}

// The event's own consent text in the page's language (its version is sent with the
// registration); the page's general one for an event without its own.
function consentText() {
  const own = state.event && state.event.consent && state.event.consent.text;
  return (own && (own[currentLang()] || own.id)) || t("consentText");
}

function consentField() {
  const invalid = errorsFor("consent").length > 0;
  const box = el("input", {
    type: "checkbox",
    id: "f-consent",
    name: "consent",
    required: true,
    "aria-required": "true",
    "aria-invalid": invalid ? "true" : null,
    "aria-describedby": describedBy("consent", false),
    "data-testid": "field-consent",
  });
  box.checked = state.values.consent;
  return el(
    "fieldset",
    { class: "field consent" },
    el("legend", { text: t("consentTitle") }),
    el("label", { class: "check", for: "f-consent", "data-testid": "consent-text" }, box, consentText()),
    errorLine("consent"),
  );
}

function problemBox() {
  const problem = state.problem;
  if (!problem) return null;
  const box = el("div", { class: "notice bad", role: "alert", tabindex: "-1", "data-testid": "form-error" });
  if (problem.kind === "fields") {
    box.append(el("p", { text: t("checkFields") }));
    box.append(el("ul", {}, state.fieldErrors.map((error) => el("li", { text: fieldMessage(error) }))));
  } else if (problem.kind === "code") box.append(el("p", { text: t(problem.code) }));
  else if (problem.kind === "message") box.append(el("p", { text: problem.text || t("unexpected") }));
  else box.append(el("p", { text: t(problem.kind) })); // offline, busy
  return box;
}

function formView() {
  const days = state.event.days.length > 1 ? daysField() : null;
  const form = el(
    "form",
    { class: "card register-form", novalidate: true, "data-testid": "register-form", onsubmit: submit },
    el("h2", { text: t("formTitle") }),
    el("p", { class: "hint", text: t("formIntro") }),
    problemBox(),
    TEXT_FIELDS.map(textField),
    selectField("gender"),
    selectField("organisation_type"),
    days,
    consentField(),
    el("button", {
      type: "submit",
      class: "primary",
      disabled: state.sending,
      "data-testid": "submit",
      text: state.sending ? t("sending") : t("submit"),
    }),
  );
  return form;
}

function badgeView() {
  const badge = state.badge;
  const code = encodeURIComponent(badge.code);
  const qr = apiUrl(qrUrl(badge));
  const days = el("ul", { class: "badge-days" });
  for (const date of badge.days) {
    const at = state.checkins[date];
    days.append(el("li", { text: at ? `${formatDate(date)} · ${t("checkedIn", { time: at })}` : formatDate(date) }));
  }
  return el(
    "section",
    { class: "badge-view" },
    state.justRegistered ? el("p", { class: "notice ok", role: "status", text: t("registered") }) : null,
    el(
      "div",
      { class: "card badge", "data-testid": "badge" },
      el("h1", { class: "badge-title", tabindex: "-1", text: t("yourBadge") }),
      el("p", { class: "holder", "data-testid": "badge-name", text: badge.name }),
      el("p", { class: "organisation", "data-testid": "badge-organisation", text: badge.organisation }),
      el("img", {
        class: "qr",
        src: qr,
        alt: t("qrAlt"),
        width: "340",
        height: "340",
        "data-testid": "badge-qr",
      }),
      el("p", { class: "save-hint", "data-testid": "badge-hint", text: t("saveHint") }),
      badge.days.length ? el("div", { class: "badge-days-wrap" }, el("p", { text: t("yourDays") }), days) : null,
      el(
        "div",
        { class: "links" },
        el("a", {
          class: "button",
          href: qr,
          download: `hadir-badge-${eventId}.png`,
          "data-testid": "badge-png",
          text: t("downloadPng"),
        }),
        el("a", {
          class: "button",
          href: apiUrl(`/badges/${code}/badge.pdf`),
          target: "_blank",
          rel: "noopener",
          "data-testid": "badge-pdf",
          text: t("downloadPdf"),
        }),
      ),
    ),
    badge.manage_url
      ? el("p", { class: "manage" }, el("a", { href: apiUrl(badge.manage_url), "data-testid": "manage-link", text: t("manage") }))
      : null,
    el("button", { type: "button", class: "another", "data-testid": "register-another", onclick: registerAnother, text: t("another") }),
  );
}

// --- actions -----------------------------------------------------------------------

function showForm() {
  state.view = state.event && state.event.registration_open === false ? "closed" : "form";
  if (!state.values) state.values = emptyValues();
}

function registerAnother() {
  forget();
  state.badge = null;
  state.checkins = {};
  state.justRegistered = false;
  state.revoked = false;
  state.values = emptyValues();
  state.attempt = null;
  state.problem = null;
  state.fieldErrors = [];
  showForm();
  render();
  window.scrollTo(0, 0);
}

function focusAfterProblem() {
  const firstInvalid = app.querySelector('[aria-invalid="true"]');
  const target = firstInvalid || app.querySelector('[data-testid="form-error"]');
  if (target) target.focus();
}

async function submit(event) {
  event.preventDefault();
  if (state.sending) return;
  readForm();
  const body = requestBody();
  const signature = JSON.stringify(body);
  if (!state.attempt || state.attempt.signature !== signature) {
    state.attempt = { key: randomId("reg-"), signature };
  }
  state.sending = true;
  const button = app.querySelector('[data-testid="submit"]');
  if (button) {
    button.disabled = true;
    button.textContent = t("sending");
  }
  let reply;
  try {
    reply = await api("POST", `/events/${encodeURIComponent(eventId)}/registrations`, {
      body,
      headers: { "Idempotency-Key": state.attempt.key },
    });
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    reply = null; // may or may not have arrived: the same key is sent again
  } finally {
    state.sending = false;
  }
  state.fieldErrors = [];
  state.problem = null;
  if (reply === null) state.problem = { kind: "offline" };
  else if (reply.status === 201 && reply.data && reply.data.badge) {
    registered(reply.data);
    return;
  } else if (isRetryable(reply)) state.problem = { kind: "busy" };
  else if (reply.status === 422 && reply.error && Array.isArray(reply.error.fields) && reply.error.fields.length) {
    state.fieldErrors = [...reply.error.fields];
    // The API checks the days only once the rest is valid: say it in the same round.
    if (body.days.length === 0 && !state.fieldErrors.some((error) => fieldOf(error) === "days")) {
      state.fieldErrors.push({ field: "days", message: "must name at least one day" });
    }
    state.fieldErrors.sort((a, b) => FIELD_ORDER.indexOf(fieldOf(a)) - FIELD_ORDER.indexOf(fieldOf(b)));
    state.problem = { kind: "fields" };
    if (reply.error.code === "idempotency_key_reused") state.attempt = null;
  } else if (reply.status === 404 && reply.error && reply.error.code === "event_not_found") {
    state.view = "missing";
  } else if (reply.error && reply.error.code === "registration_closed") {
    state.event.registration_open = false;
    state.view = "closed";
  } else if (reply.error && ["already_registered", "event_full"].includes(reply.error.code)) {
    state.problem = { kind: "code", code: reply.error.code };
  } else {
    if (reply.error && reply.error.code === "idempotency_key_reused") state.attempt = null;
    state.problem = { kind: "message", text: reply.error && reply.error.message };
  }
  render();
  focusAfterProblem();
}

function registered(data) {
  state.badge = {
    code: data.badge.code,
    name: data.name,
    organisation: data.organisation,
    days: Array.isArray(data.days) ? data.days : [],
    qr_png_url: qrUrl(data.badge),
    manage_url: data.manage && typeof data.manage.url === "string" ? data.manage.url : null,
  };
  remember(state.badge);
  state.checkins = {};
  state.justRegistered = true;
  state.revoked = false;
  state.values = emptyValues();
  state.attempt = null;
  state.view = "badge";
  render();
  window.scrollTo(0, 0);
  const heading = app.querySelector(".badge-title");
  if (heading) heading.focus();
}

// A badge remembered from an earlier visit: still valid? Replaced or cancelled
// badges (410) are dropped with a word; unknown ones (404) silently; without a
// network the stored one is shown, as it is all the attendee has at the door.
async function ownRegistration(manageUrl) {
  const token = manageUrl.slice("/me/".length);
  try {
    const reply = await api("GET", `/registrations/${encodeURIComponent(token)}`);
    return reply.status === 200 ? reply.data : null;
  } catch (error) {
    if (error instanceof Offline) return null;
    throw error;
  }
}

async function verifyStored(stored) {
  let reply;
  try {
    reply = await api("GET", `/badges/${encodeURIComponent(stored.code)}`);
  } catch (error) {
    if (error instanceof Offline) return stored;
    throw error;
  }
  if (reply.status === 200 && reply.data) {
    const data = reply.data;
    // The public badge view shows no check-in times: the person's own link does.
    const checkins = {};
    const days = Array.isArray(data.days) ? data.days : [];
    const mine = stored.manage_url ? await ownRegistration(stored.manage_url) : null;
    for (const checkin of (mine && mine.checkins) || []) {
      if (checkin && checkin.checked_in_at_local) checkins[checkin.date] = String(checkin.checked_in_at_local).slice(11, 16);
    }
    state.checkins = checkins;
    const fresh = {
      code: stored.code,
      name: String(data.name ?? stored.name),
      organisation: String(data.organisation ?? stored.organisation),
      days: days.length ? days.map((day) => String(day.date)) : stored.days,
      qr_png_url: qrUrl(data.badge || stored),
      manage_url: stored.manage_url,
    };
    remember(fresh);
    return fresh;
  }
  if (reply.status === 410) {
    forget();
    state.revoked = true;
    return null;
  }
  if (reply.status === 404) {
    forget();
    return null;
  }
  return stored; // a busy server says nothing about the badge
}

async function start() {
  state.view = "loading";
  render();
  const stored = readStored();
  const [eventReply, badge] = await Promise.all([
    api("GET", `/events/${encodeURIComponent(eventId)}`).catch((error) => {
      if (error instanceof Offline) return null;
      throw error;
    }),
    stored ? verifyStored(stored) : Promise.resolve(null),
  ]);
  if (eventReply && eventReply.status === 200 && eventReply.data) state.event = eventReply.data;
  if (badge) {
    state.badge = badge;
    state.view = "badge";
  } else if (state.event) {
    state.values = null;
    showForm();
  } else if (eventReply && eventReply.status === 404) {
    state.view = "missing";
  } else {
    state.view = "load-failed";
  }
  render();
}

start();

// The attendee's own page (/me/{manage_token}): their registration and badge, their
// corrections, a download of everything Hadir holds on them, and withdrawal
// (UU PDP 27/2022), all through /registrations/{manage_token}.
//
// The token is in the page's path; the page never sends its address on
// (Referrer-Policy: no-referrer) and keeps nothing in the browser. Every value reaches
// the page as text (el() and textContent).

import { Offline, api, apiUrl, clear, el, eventId, formatDate, isRetryable, languageSwitch, translator } from "./common.js";

const token = eventId; // common.js reads "/me/<token>" as it reads "/<page>/<event_id>"
const own = `/registrations/${encodeURIComponent(token)}`;

const t = translator({
  id: {
    brand: "Hadir",
    loading: "Memuat…",
    missing: "Tautan ini tidak berlaku: pendaftaran sudah ditarik, atau tautannya tidak lengkap.",
    loadFailed: "Data tidak dapat dimuat. Periksa koneksi internet Anda, lalu coba lagi.",
    retry: "Coba lagi",
    title: "Pendaftaran saya",
    cancelled: "Pendaftaran ini dibatalkan oleh panitia.",
    badge: "Badge saya",
    qrAlt: "Kode QR badge Anda",
    badgePdf: "Unduh badge (PDF)",
    days: "Hari yang didaftarkan",
    checkedIn: "hadir pukul {time}",
    consent: "Persetujuan data pribadi diberikan pada {at} (versi {version}, melalui {channel}).",
    "channel.web": "pendaftaran online",
    "channel.desk": "meja registrasi",
    "channel.import": "daftar panitia",
    correct: "Perbaiki data saya",
    correctUntil: "Anda dapat memperbaiki data hingga {at}.",
    name: "Nama lengkap",
    display_name: "Nama panggilan di badge",
    organisation: "Organisasi",
    job_title: "Jabatan",
    phone: "Nomor HP",
    language: "Bahasa",
    "language.id": "Bahasa Indonesia",
    "language.en": "English",
    email: "Email",
    emailNote: "Untuk mengganti email, hubungi panitia.",
    save: "Simpan",
    saving: "Menyimpan…",
    saved: "Perubahan tersimpan.",
    eventOver: "Acara sudah selesai; data tidak dapat diubah lagi. Hubungi panitia bila perlu.",
    fieldsBad: "Perubahan belum tersimpan. Periksa isian: {fields}.",
    offline: "Tidak ada koneksi. Coba lagi nanti.",
    failed: "Terjadi kesalahan: {message}",
    certificateTitle: "Sertifikat",
    certificateText: "Sertifikat kehadiran tersedia setelah hari terakhir acara selesai, bagi yang memenuhi ketentuan kehadiran.",
    certificateDownload: "Unduh sertifikat (PDF)",
    certificateNumber: "Nomor sertifikat: {number}",
    exportTitle: "Data saya",
    exportText: "Unduh semua data yang disimpan Hadir tentang Anda, termasuk catatan pemindaian badge, sebagai berkas JSON.",
    export: "Unduh data saya (JSON)",
    withdrawTitle: "Tarik persetujuan",
    withdrawText:
      "Bila Anda belum hadir, pendaftaran dibatalkan. Bila sudah hadir, nama, email, nomor HP, jabatan dan " +
      "organisasi Anda dihapus; jumlah peserta tetap tercatat. Badge dan tautan ini tidak berlaku lagi.",
    withdraw: "Tarik persetujuan dan hapus data saya",
    withdrawSure: "Yakin? Ini tidak dapat dibatalkan.",
    withdrawYes: "Ya, tarik dan hapus",
    withdrawNo: "Tidak jadi",
    withdrawn: "Persetujuan Anda sudah ditarik. Badge dan tautan ini tidak berlaku lagi. Terima kasih.",
  },
  en: {
    brand: "Hadir",
    loading: "Loading…",
    missing: "This link is no longer valid: the registration was withdrawn, or the link is incomplete.",
    loadFailed: "Your data could not be loaded. Check your internet connection, then try again.",
    retry: "Try again",
    title: "My registration",
    cancelled: "This registration was cancelled by the organisers.",
    badge: "My badge",
    qrAlt: "Your badge's QR code",
    badgePdf: "Download the badge (PDF)",
    days: "Days registered for",
    checkedIn: "checked in at {time}",
    consent: "Consent to the use of personal data given on {at} (version {version}, through {channel}).",
    "channel.web": "online registration",
    "channel.desk": "the registration desk",
    "channel.import": "the organisers' list",
    correct: "Correct my details",
    correctUntil: "You can correct your details until {at}.",
    name: "Full name",
    display_name: "Name on the badge",
    organisation: "Organisation",
    job_title: "Job title",
    phone: "Mobile number",
    language: "Language",
    "language.id": "Bahasa Indonesia",
    "language.en": "English",
    email: "Email",
    emailNote: "To change your email, contact the organisers.",
    save: "Save",
    saving: "Saving…",
    saved: "Changes saved.",
    eventOver: "The event is over; your details can no longer be changed. Contact the organisers if needed.",
    fieldsBad: "Not saved. Check: {fields}.",
    offline: "No connection. Try again later.",
    failed: "Something went wrong: {message}",
    certificateTitle: "Certificate",
    certificateText: "The certificate of attendance is available once the event's last day is over, for those who meet its attendance rule.",
    certificateDownload: "Download the certificate (PDF)",
    certificateNumber: "Certificate number: {number}",
    exportTitle: "My data",
    exportText: "Download everything Hadir holds about you, badge scans included, as a JSON file.",
    export: "Download my data (JSON)",
    withdrawTitle: "Withdraw consent",
    withdrawText:
      "If you have not attended yet, the registration is cancelled. If you have, your name, email, phone, job " +
      "title and organisation are erased; the attendance counts stay. The badge and this link stop working.",
    withdraw: "Withdraw consent and erase my data",
    withdrawSure: "Are you sure? This cannot be undone.",
    withdrawYes: "Yes, withdraw and erase",
    withdrawNo: "No, keep it",
    withdrawn: "Your consent is withdrawn. The badge and this link no longer work. Thank you.",
  },
});

const FIELDS = ["name", "display_name", "organisation", "job_title", "phone"];
const LIMITS = { name: 200, display_name: 40, organisation: 200, job_title: 200, phone: 32 };
const app = document.getElementById("app");
const state = { view: "loading", me: null, notice: null, confirming: false, busy: false };

function localTime(iso) {
  return String(iso || "").slice(11, 16);
}

function localMoment(iso) {
  return `${formatDate(String(iso).slice(0, 10))} ${localTime(iso)}`;
}

function render() {
  clear(app);
  const lang = languageSwitch(render);
  app.append(el("header", { class: "bar" }, el("span", { class: "brand", text: t("brand") }), lang));
  if (state.view === "loading") app.append(el("p", { class: "loading", text: t("loading") }));
  else if (state.view === "missing") app.append(el("p", { class: "notice bad", role: "alert", "data-testid": "me-missing", text: t("missing") }));
  else if (state.view === "withdrawn") app.append(el("p", { class: "notice ok", role: "status", "data-testid": "me-withdrawn", text: t("withdrawn") }));
  else if (state.view === "load-failed") {
    app.append(
      el("p", { class: "notice bad", role: "alert", text: t("loadFailed") }),
      el("button", { type: "button", class: "primary", onclick: load, text: t("retry") }),
    );
  } else app.append(...mainView());
}

function notice() {
  if (!state.notice) return null;
  const { kind, text } = state.notice;
  return el("p", { class: `notice ${kind}`, role: kind === "ok" ? "status" : "alert", "data-testid": "me-notice", text });
}

function mainView() {
  const me = state.me;
  const days = el("ul", { class: "badge-days" });
  const checkins = Object.fromEntries(me.checkins.map((c) => [c.date, c.checked_in_at_local]));
  for (const date of me.days) {
    const at = checkins[date];
    days.append(el("li", { text: at ? `${formatDate(date)} · ${t("checkedIn", { time: localTime(at) })}` : formatDate(date) }));
  }
  const badge = me.badge
    ? el(
        "div",
        { class: "card badge", "data-testid": "me-badge" },
        el("h2", { text: t("badge") }),
        el("p", { class: "holder", "data-testid": "me-name", text: me.name }),
        el("p", { class: "organisation", "data-testid": "me-organisation", text: me.organisation }),
        el("img", { class: "qr", src: apiUrl(me.badge.qr_png_url), alt: t("qrAlt"), width: "300", height: "300", "data-testid": "me-qr" }),
        el("p", { text: t("days") }),
        days,
        el("a", { class: "button", href: apiUrl(`${me.badge.url}/badge.pdf`), target: "_blank", rel: "noopener noreferrer", text: t("badgePdf") }),
      )
    : el("p", { class: "notice warn", "data-testid": "me-cancelled", text: t("cancelled") });
  const consent = me.consent
    ? el("p", {
        class: "consent-record",
        "data-testid": "me-consent",
        text: t("consent", { at: localMoment(me.consent.given_at), version: me.consent.version || "-", channel: t(`channel.${me.consent.channel}`) }),
      })
    : null;
  return [
    el("h1", { tabindex: "-1", text: t("title") }),
    el("p", { class: "event-title", "data-testid": "me-event", text: me.event.title }),
    notice(),
    badge,
    me.badge ? correctionForm() : null,
    el(
      "section",
      { class: "card" },
      el("h2", { text: t("exportTitle") }),
      el("p", { text: t("exportText") }),
      consent,
      el("button", { type: "button", "data-testid": "me-export", onclick: download, text: t("export") }),
    ),
    me.badge ? certificateSection() : null,
    withdrawal(),
  ];
}

function certificateSection() {
  const me = state.me;
  return el(
    "section",
    { class: "card", "data-testid": "me-certificate" },
    el("h2", { text: t("certificateTitle") }),
    el("p", { text: t("certificateText") }),
    me.certificate
      ? el("p", {}, el("a", { href: me.certificate.verify_url, "data-testid": "me-certificate-number", text: t("certificateNumber", { number: me.certificate.number }) }))
      : null,
    el("button", { type: "button", "data-testid": "me-certificate-download", onclick: downloadCertificate, text: t("certificateDownload") }),
  );
}

async function downloadCertificate() {
  let reply;
  try {
    reply = await fetch(apiUrl(`${own}/certificate.pdf`), { headers: { Accept: "application/pdf" } });
  } catch {
    state.notice = problem(null);
    render();
    return;
  }
  if (reply.status !== 200) {
    let error = null;
    try {
      error = (await reply.json()).error;
    } catch {
      error = null;
    }
    // 409 not_yet_available or not_eligible: the server's sentence says why (days attended vs needed).
    state.notice = problem({ status: reply.status, error });
    render();
    return;
  }
  const link = el("a", { href: URL.createObjectURL(await reply.blob()), download: "sertifikat.pdf", "data-testid": "me-certificate-file" });
  document.body.append(link);
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(link.href);
    link.remove();
  }, 1000);
}

function correctionForm() {
  const me = state.me;
  const inputs = FIELDS.map((name) =>
    el(
      "div",
      { class: "field" },
      el("label", { for: `f-${name}`, text: t(name) }),
      el("input", { id: `f-${name}`, name, value: me[name] ?? "", maxlength: String(LIMITS[name]), "data-testid": `me-field-${name}` }),
    ),
  );
  const language = el("select", { id: "f-language", name: "language", "data-testid": "me-field-language" });
  for (const code of ["id", "en"]) {
    language.append(el("option", { value: code, selected: me.language === code, text: t(`language.${code}`) }));
  }
  return el(
    "form",
    { class: "card register-form", "data-testid": "me-form", onsubmit: save, novalidate: true },
    el("h2", { text: t("correct") }),
    el("p", { class: "hint", text: t("correctUntil", { at: localMoment(me.event.editable_until_local) }) }),
    ...inputs,
    el("div", { class: "field" }, el("label", { for: "f-language", text: t("language") }), language),
    el("p", { class: "hint" }, `${t("email")}: `, el("strong", { text: me.email }), ` · ${t("emailNote")}`),
    el("button", { type: "submit", class: "primary", "data-testid": "me-save", disabled: state.busy, text: state.busy ? t("saving") : t("save") }),
  );
}

function withdrawal() {
  const section = el("section", { class: "card withdraw" }, el("h2", { text: t("withdrawTitle") }), el("p", { text: t("withdrawText") }));
  if (!state.confirming) {
    section.append(el("button", { type: "button", class: "danger", "data-testid": "me-withdraw", onclick: () => { state.confirming = true; render(); }, text: t("withdraw") }));
  } else {
    section.append(
      el("p", { class: "notice warn", role: "alert", text: t("withdrawSure") }),
      el("button", { type: "button", class: "danger", "data-testid": "me-withdraw-confirm", disabled: state.busy, onclick: withdraw, text: t("withdrawYes") }),
      el("button", { type: "button", "data-testid": "me-withdraw-cancel", onclick: () => { state.confirming = false; render(); }, text: t("withdrawNo") }),
    );
  }
  return section;
}

function problem(reply) {
  if (reply === null) return { kind: "bad", text: t("offline") };
  if (reply.error && reply.error.code === "event_over") return { kind: "warn", text: t("eventOver") };
  if (reply.status === 422 && reply.error && reply.error.fields) {
    return { kind: "bad", text: t("fieldsBad", { fields: reply.error.fields.map((f) => t(f.field)).join(", ") }) };
  }
  if (isRetryable(reply)) return { kind: "bad", text: t("offline") };
  return { kind: "bad", text: t("failed", { message: (reply.error && reply.error.message) || reply.status }) };
}

async function call(method, path, options) {
  try {
    return await api(method, path, options);
  } catch (error) {
    if (error instanceof Offline) return null;
    throw error;
  }
}

async function save(event) {
  event.preventDefault();
  const form = event.target;
  const body = {};
  for (const name of FIELDS) {
    const value = form.elements[name].value.trim();
    const before = state.me[name] ?? "";
    if (value === before) continue;
    // Emptied: the optional fields are cleared; a required one is sent as it is (422).
    body[name] = value === "" && name !== "name" && name !== "organisation" ? null : value;
  }
  if (form.elements.language.value !== state.me.language) body.language = form.elements.language.value;
  state.busy = true;
  render();
  const reply = await call("PATCH", own, { body });
  state.busy = false;
  if (reply && reply.status === 200) {
    state.me = reply.data;
    state.notice = { kind: "ok", text: t("saved") };
  } else if (reply && reply.status === 404) state.view = "missing";
  else state.notice = problem(reply);
  render();
}

async function download() {
  const reply = await call("GET", `${own}/export`);
  if (!reply || reply.status !== 200) {
    state.notice = reply && reply.status === 404 ? null : problem(reply);
    if (reply && reply.status === 404) state.view = "missing";
    render();
    return;
  }
  const blob = new Blob([JSON.stringify(reply.data, null, 2)], { type: "application/json" });
  const link = el("a", { href: URL.createObjectURL(blob), download: "hadir-data-saya.json", "data-testid": "me-export-file" });
  document.body.append(link);
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(link.href);
    link.remove();
  }, 1000);
}

async function withdraw() {
  state.busy = true;
  render();
  const reply = await call("DELETE", own);
  state.busy = false;
  state.confirming = false;
  if (reply && (reply.status === 200 || reply.status === 404)) {
    state.view = reply.status === 200 ? "withdrawn" : "missing";
    state.me = null;
  } else state.notice = problem(reply);
  render();
}

async function load() {
  state.view = "loading";
  render();
  const reply = await call("GET", own);
  if (reply && reply.status === 200) {
    state.me = reply.data;
    state.view = "main";
  } else if (reply && reply.status === 404) state.view = "missing";
  else state.view = "load-failed";
  render();
}

load();

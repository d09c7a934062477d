// The public verification page of a certificate (/c/{number}): whether the number
// is one Hadir gave, and if so only the name, the event, its dates and the days
// attended. Every value reaches the page as text (el() and textContent).

import { Offline, api, clear, el, eventId, formatDate, languageSwitch, translator } from "./common.js";

const number = eventId; // the page's path segment: /c/<number>

const t = translator({
  id: {
    title: "Verifikasi sertifikat",
    valid: "Sertifikat ini sah.",
    number: "Nomor",
    name: "Nama",
    event: "Acara",
    dates: "Tanggal acara",
    days: "Hari hadir",
    notFound: "Nomor sertifikat ini tidak dikenal. Periksa kembali nomornya: satu karakter yang berbeda membuatnya tidak sah.",
    revoked: "Sertifikat ini telah dicabut (pendaftaran dibatalkan, ditarik, atau dihapus).",
    offline: "Tidak dapat memeriksa sekarang. Periksa koneksi internet Anda, lalu muat ulang halaman.",
  },
  en: {
    title: "Certificate verification",
    valid: "This certificate is valid.",
    number: "Number",
    name: "Name",
    event: "Event",
    dates: "Event dates",
    days: "Days attended",
    notFound: "This certificate number is unknown. Check it again: one character changed makes it invalid.",
    revoked: "This certificate has been revoked (the registration was cancelled, withdrawn or erased).",
    offline: "Cannot check now. Check your internet connection, then reload the page.",
  },
});

const root = document.getElementById("app");
let reply = null;

function row(label, value) {
  return el("div", { class: "row" }, el("dt", {}, label), el("dd", {}, value));
}

function render() {
  clear(root);
  root.append(el("header", {}, el("h1", {}, t("title")), languageSwitch(render)));
  root.append(el("p", { class: "number", "data-testid": "number" }, `${t("number")}: ${reply && reply.ok ? reply.data.number : number}`));
  if (reply === null) {
    root.append(el("p", { class: "notice bad", "data-testid": "result" }, t("offline")));
    return;
  }
  if (reply.ok) {
    const c = reply.data;
    root.append(el("p", { class: "notice ok", "data-testid": "result" }, t("valid")));
    root.append(
      el(
        "dl",
        { "data-testid": "details" },
        row(t("name"), c.name),
        row(t("event"), c.event.title),
        row(t("dates"), c.event.dates.map((d) => formatDate(d)).join(", ")),
        row(t("days"), c.days_attended.map((d) => formatDate(d)).join(", ")),
      ),
    );
    return;
  }
  const text = reply.status === 410 ? t("revoked") : reply.status === 404 ? t("notFound") : t("offline");
  root.append(el("p", { class: "notice bad", "data-testid": "result" }, text));
}

async function load() {
  try {
    reply = await api("GET", `/certificates/${encodeURIComponent(number)}`);
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    reply = null;
  }
  render();
}

load();

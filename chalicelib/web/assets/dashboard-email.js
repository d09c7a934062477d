// The dashboard's email panel (API.md §14): send each person their badge, to everyone
// not yet sent one or to the people selected in the attendee list, and their
// certificate once the event is over; what was queued, skipped and failed. And,
// for the attendee detail (dashboard-person.js), each person's emails with a
// "send again" for a failed one.
//
// Every value from the API reaches the page as text (el() and textContent).

import { Offline, clear, el, translator } from "./common.js";

const t = translator({
  id: {
    title: "Email",
    note: "Setiap email berisi QR badge, badge (PDF) atau sertifikat, dan tautan kelola data yang baru: tautan kelola lama orang itu tidak berlaku lagi.",
    badges_all: "Kirim badge ke semua yang belum dikirimi",
    badges_selected: "Kirim badge ke yang dipilih di daftar peserta",
    certificates_all: "Kirim sertifikat ke semua yang berhak",
    confirm_all: "Kirim email badge ke semua peserta yang belum dikirimi?",
    confirm_selected: "Kirim email badge ke {n} orang yang dipilih?",
    confirm_certificates: "Kirim sertifikat ke semua yang berhak dan belum dikirimi?",
    none_selected: "Pilih dulu orangnya di daftar peserta.",
    sending: "Mengantrekan…",
    result: "Diantrekan: {queued}. Dilewati (tanpa email): {skipped}. Gagal diantrekan: {failed}.",
    result_hint: "Status tiap email ada di rincian peserta. Yang gagal dapat dikirim ulang.",
    not_yet: "Sertifikat baru bisa dikirim setelah hari terakhir acara ditutup.",
    failed: "Gagal: {message}",
    offline: "Tidak ada jaringan. Coba lagi.",
    // the attendee detail
    emails: "Email terkirim",
    no_emails: "Belum ada email.",
    badge: "Badge",
    certificate: "Sertifikat",
    queued: "dalam antrean",
    sent: "terkirim",
    failed_status: "gagal",
    send_again: "Kirim ulang",
    sent_again: "Diantrekan lagi.",
  },
  en: {
    title: "Email",
    note: "Each email carries the badge QR, the badge (PDF) or certificate, and a new link to manage their details: the person's older manage link stops working.",
    badges_all: "Send badges to everyone not yet sent one",
    badges_selected: "Send badges to those selected in the attendee list",
    certificates_all: "Send certificates to everyone eligible",
    confirm_all: "Email their badge to everyone not yet sent one?",
    confirm_selected: "Email their badge to the {n} people selected?",
    confirm_certificates: "Send the certificate to everyone eligible and not yet sent one?",
    none_selected: "Select people in the attendee list first.",
    sending: "Queuing…",
    result: "Queued: {queued}. Skipped (no email): {skipped}. Failed to queue: {failed}.",
    result_hint: "Each email's status is in the attendee's details. A failed one can be sent again.",
    not_yet: "Certificates can be sent once the event's last day has closed.",
    failed: "Failed: {message}",
    offline: "No network. Try again.",
    emails: "Emails",
    no_emails: "No email yet.",
    badge: "Badge",
    certificate: "Certificate",
    queued: "queued",
    sent: "sent",
    failed_status: "failed",
    send_again: "Send again",
    sent_again: "Queued again.",
  },
});

const BULK = 2000; // the most people one request names (API.md §14)

// context: {authorised(method, suffix, options), refused(reply), selected()}.
export function createEmail(context) {
  const state = { notice: null, busy: false };
  const ui = {};

  function say(value) {
    state.notice = value;
    if (!ui.notice) return;
    clear(ui.notice);
    if (value) ui.notice.append(el("p", { class: `notice ${value.kind}`, role: value.kind === "bad" ? "alert" : null, "data-testid": "email-result", text: value.text }));
  }

  async function send(kind, ids) {
    const totals = { queued: 0, skipped: 0, failed: 0 };
    state.busy = true;
    drawButtons();
    say({ kind: "info", text: t("sending") });
    try {
      const batches = ids ? [] : [null];
      for (let start = 0; ids && start < ids.length; start += BULK) batches.push(ids.slice(start, start + BULK));
      for (const batch of batches) {
        const body = batch ? { kind, attendee_ids: batch } : { kind };
        const reply = await context.authorised("POST", "/emails", { body });
        if (context.refused(reply)) return say(null);
        if (reply.status === 409) return say({ kind: "bad", text: t("not_yet") });
        if (!reply.ok) return say({ kind: "bad", text: t("failed", { message: reply.error ? reply.error.message : `HTTP ${reply.status}` }) });
        totals.queued += reply.data.queued;
        totals.skipped += reply.data.skipped_no_email;
        totals.failed += reply.data.failed;
      }
      say({ kind: totals.failed ? "warn" : "ok", text: `${t("result", totals)} ${t("result_hint")}` });
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      say({ kind: "bad", text: t("offline") });
    } finally {
      state.busy = false;
      drawButtons();
    }
  }

  function drawButtons() {
    if (!ui.selected) return;
    for (const button of [ui.all, ui.selected, ui.certificates]) button.disabled = state.busy;
  }

  function render() {
    ui.all = el("button", {
      type: "button",
      class: "primary",
      "data-testid": "email-badges-all",
      onclick: () => confirm(t("confirm_all")) && send("badge", null),
      text: t("badges_all"),
    });
    ui.selected = el("button", {
      type: "button",
      "data-testid": "email-badges-selected",
      onclick: () => {
        const ids = context.selected();
        if (!ids.length) return say({ kind: "bad", text: t("none_selected") });
        if (confirm(t("confirm_selected", { n: ids.length }))) send("badge", ids);
      },
      text: t("badges_selected"),
    });
    ui.certificates = el("button", {
      type: "button",
      "data-testid": "email-certificates",
      onclick: () => confirm(t("confirm_certificates")) && send("certificate", null),
      text: t("certificates_all"),
    });
    ui.notice = el("div", { class: "notice-box", "aria-live": "polite" });
    const section = el(
      "section",
      { class: "card email", "data-testid": "email-panel" },
      el("h2", { text: t("title") }),
      el("p", { class: "hint", text: t("note") }),
      el("div", { class: "selection-bar" }, ui.all, ui.selected, ui.certificates),
      ui.notice,
    );
    say(state.notice);
    drawButtons();
    return section;
  }

  return { render };
}

// The attendee detail's emails, newest first; `again(kind)` sends one again when
// the newest of its kind failed.
export function emailHistory(emails, again) {
  const list = emails || [];
  const newest = new Set();
  const seen = new Set();
  for (const mail of list) if (!seen.has(mail.kind)) (seen.add(mail.kind), newest.add(mail));
  const status = (value) => t(value === "failed" ? "failed_status" : value);
  const items = list.map((mail) =>
    el(
      "li",
      { class: `email-${mail.status}`, "data-testid": "person-email", "data-status": mail.status },
      el("span", { text: `${t(mail.kind)}: ${status(mail.status)} · ${new Date(mail.sent_at || mail.queued_at).toLocaleString()}` }),
      mail.reason ? el("span", { class: "hint", text: ` (${mail.reason})` }) : null,
      mail.status === "failed" && newest.has(mail) && again
        ? el("button", {
            type: "button",
            "data-testid": "email-send-again",
            onclick: (event) => {
              event.currentTarget.disabled = true;
              again(mail.kind);
            },
            text: t("send_again"),
          })
        : null,
    ),
  );
  return [
    el("h4", { text: t("emails") }),
    items.length ? el("ul", { class: "emails", "data-testid": "person-emails" }, items) : el("p", { class: "hint", text: t("no_emails") }),
  ];
}

export const sentAgain = () => t("sent_again");

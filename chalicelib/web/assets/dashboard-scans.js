// The dashboard's scan log (API.md §6): filters by day, result, desk token and
// lateness, sent to the API as its query parameters, and paged with `next`.

import { Offline, clear, el, translator } from "./common.js";

const t = translator({
  id: {
    scans: "Log pemindaian",
    all: "Semua",
    day: "Hari",
    result: "Hasil",
    desk: "Token meja",
    late: "Terlambat",
    late_yes: "Hanya yang terlambat",
    late_no: "Tanpa yang terlambat",
    show: "Tampilkan",
    more: "Muat berikutnya",
    none: "Tidak ada entri.",
    received: "Diterima",
    who: "Peserta",
    how: "Cara",
    failed: "Log belum dapat dimuat: {message}",
    offline: "Tidak ada jaringan. Coba lagi.",
    yes: "ya",
  },
  en: {
    scans: "Scan log",
    all: "All",
    day: "Day",
    result: "Result",
    desk: "Desk token",
    late: "Late",
    late_yes: "Late ones only",
    late_no: "Without late ones",
    show: "Show",
    more: "Load the next ones",
    none: "No entries.",
    received: "Received",
    who: "Attendee",
    how: "How",
    failed: "The log could not be loaded: {message}",
    offline: "No network. Try again.",
    yes: "yes",
  },
});

const RESULTS = ["checked_in", "already_checked_in", "undone", "badge_not_found", "badge_revoked", "wrong_event", "not_registered_for_day", "not_an_event_day", "outside_checkin_hours"];

// ctx: {authorised, refused, event, clockTime, deskTokens(): [{id, label}], names(): Map id -> name}
export function createScans(ctx) {
  const ui = {};
  let cursor = null;

  async function fetchPage(reset) {
    if (reset) {
      cursor = null;
      clear(ui.rows);
    }
    const params = new URLSearchParams({ limit: "100" });
    for (const [key, input] of Object.entries(ui.filters)) if (input.value) params.set(key, input.value);
    if (cursor) params.set("next", cursor);
    ui.status.textContent = "…";
    try {
      const reply = await ctx.authorised("GET", `/scans?${params}`);
      if (ctx.refused(reply)) return;
      if (!reply.ok) {
        ui.status.textContent = t("failed", { message: reply.error ? reply.error.message : `HTTP ${reply.status}` });
        return;
      }
      const names = ctx.names();
      for (const entry of reply.data.scans) {
        ui.rows.append(
          el(
            "tr",
            { "data-testid": "scan-row", "data-result": entry.result || entry.error_code },
            el("td", { text: ctx.clockTime(entry.received_at) }),
            el("td", { text: entry.result || entry.error_code }),
            el("td", { text: (entry.attendee_id && names.get(entry.attendee_id)) || entry.attendee_id || "—" }),
            el("td", { text: entry.desk || "" }),
            el("td", { text: entry.source || "" }),
            el("td", { text: entry.late ? t("yes") : "" }),
          ),
        );
      }
      cursor = reply.data.next;
      ui.status.textContent = ui.rows.children.length ? "" : t("none");
      ui.more.hidden = !cursor;
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      ui.status.textContent = t("offline");
    }
  }

  function select(id, key, options) {
    const node = el("select", { id, "data-testid": `scan-${key}` }, el("option", { value: "", text: t("all") }), options);
    return node;
  }

  function render() {
    ui.rows = el("tbody", {});
    ui.status = el("p", { class: "hint", "aria-live": "polite", "data-testid": "scan-status" });
    ui.more = el("button", { type: "button", hidden: true, "data-testid": "scan-more", onclick: () => fetchPage(false), text: t("more") });
    ui.filters = {
      date: select("scan-date", "date", ctx.event.days.map((day) => el("option", { value: day.date, text: `${t("day")} ${day.number} · ${day.date}` }))),
      result: select("scan-result", "result", RESULTS.map((code) => el("option", { value: code, text: code }))),
      desk_token_id: select("scan-desk", "desk", (ctx.deskTokens() || []).map((token) => el("option", { value: token.id, text: token.label }))),
      late: select("scan-late", "late", [el("option", { value: "true", text: t("late_yes") }), el("option", { value: "false", text: t("late_no") })]),
    };
    const labels = { date: t("day"), result: t("result"), desk_token_id: t("desk"), late: t("late") };
    const form = el(
      "form",
      { class: "scan-filters", "data-testid": "scan-filters" },
      Object.entries(ui.filters).map(([key, input]) => el("div", {}, el("label", { for: input.id, text: labels[key] }), input)),
      el("button", { type: "submit", "data-testid": "scan-show", text: t("show") }),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      fetchPage(true);
    });
    return el(
      "details",
      { class: "card scans", "data-testid": "scans", ontoggle: (event) => { if (event.target.open && !ui.rows.children.length) fetchPage(true); } },
      el("summary", {}, el("h2", { text: t("scans") })),
      form,
      ui.status,
      el("div", { class: "table-scroll" },
        el("table", { "data-testid": "scan-table" },
          el("thead", {}, el("tr", {}, [t("received"), t("result"), t("who"), t("desk"), t("how"), t("late")].map((text) => el("th", { text })))),
          ui.rows)),
      ui.more,
    );
  }

  return { render };
}

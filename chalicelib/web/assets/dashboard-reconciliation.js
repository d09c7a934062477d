// The dashboard's reconciliation (API.md §12): the signed paper daftar hadir
// brought back. Choose the day and the sheet's stamp (printed at its foot),
// tick or type the signed row numbers, record them, see the differences from
// the check-ins, and check the signed-only people in with source "paper".
//
// ctx (from dashboard.js): token(), event(), date(), refused(reply).

import { Offline, api, clear, el, eventId, formatDate, randomId, translator } from "./common.js";

const t = translator({
  id: {
    title: "Rekonsiliasi daftar hadir kertas",
    note: "Centang nomor baris yang ditandatangani pada daftar hadir kertas, lalu bandingkan dengan check-in.",
    day: "Hari",
    day_n: "Hari {n}",
    as_of: "Cap lembar (di kaki lembar: \"Lembar / Sheet: …\")",
    as_of_hint: "Kosongkan untuk lembar yang dicetak sekarang.",
    load_rows: "Muat baris",
    loading: "Memuat…",
    numbers: "Nomor baris yang ditandatangani",
    numbers_hint: "Misalnya: 1, 3, 7-12",
    tick_numbers: "Centang nomor ini",
    unknown_numbers: "Nomor di luar lembar: {numbers}",
    no: "No.",
    name: "Nama",
    organisation: "Organisasi",
    signed: "Tanda tangan",
    checked_in: "Check-in",
    yes: "Ya",
    ticked: "{n} baris dicentang",
    record: "Catat tanda tangan",
    recording: "Mencatat…",
    recorded: "{recorded} tanda tangan baru dicatat ({already} sudah tercatat sebelumnya).",
    nothing_ticked: "Belum ada baris yang dicentang.",
    show_differences: "Lihat perbedaan",
    differences: "Perbedaan",
    signed_only: "Tanda tangan, tetapi belum check-in ({n})",
    checked_only: "Check-in, tetapi tidak tanda tangan ({n})",
    both: "Keduanya: {n}",
    none: "Tidak ada.",
    time: "Jam check-in (dari lembar)",
    check_in_all: "Check-in semua yang hanya tanda tangan ({n})",
    progress: "{done} dari {total}",
    checkin_done: "{ok} di-check-in, {already} sudah check-in, {failed} gagal.",
    failed_one: "{name}: {message}",
    failed: "Gagal: {message}",
    offline: "Tidak ada jaringan. Coba lagi.",
    bad_stamp: "Cap lembar tidak dikenali. Salin persis seperti di kaki lembar.",
  },
  en: {
    title: "Reconciling the paper sign-in sheet",
    note: "Tick the row numbers signed on the paper sign-in sheet, then compare them with the check-ins.",
    day: "Day",
    day_n: "Day {n}",
    as_of: "Sheet stamp (at its foot: \"Lembar / Sheet: …\")",
    as_of_hint: "Leave empty for a sheet printed now.",
    load_rows: "Load the rows",
    loading: "Loading…",
    numbers: "Signed row numbers",
    numbers_hint: "For example: 1, 3, 7-12",
    tick_numbers: "Tick these numbers",
    unknown_numbers: "Numbers not on the sheet: {numbers}",
    no: "No.",
    name: "Name",
    organisation: "Organisation",
    signed: "Signed",
    checked_in: "Checked in",
    yes: "Yes",
    ticked: "{n} rows ticked",
    record: "Record the signatures",
    recording: "Recording…",
    recorded: "{recorded} new signatures recorded ({already} recorded before).",
    nothing_ticked: "No rows are ticked yet.",
    show_differences: "Show the differences",
    differences: "Differences",
    signed_only: "Signed, but not checked in ({n})",
    checked_only: "Checked in, but not signed ({n})",
    both: "Both: {n}",
    none: "None.",
    time: "Check-in time (from the sheet)",
    check_in_all: "Check in everyone who only signed ({n})",
    progress: "{done} of {total}",
    checkin_done: "{ok} checked in, {already} already checked in, {failed} failed.",
    failed_one: "{name}: {message}",
    failed: "Failed: {message}",
    offline: "No network. Try again.",
    bad_stamp: "The sheet stamp was not understood. Copy it exactly as printed at the sheet's foot.",
  },
});

const eventPath = `/events/${encodeURIComponent(eventId)}`;

// Survives a re-render (language change, the dashboard's own redraws).
const state = {
  date: null,
  asOf: "",
  rows: null, // from /sign-in-sheet/rows
  ticked: new Set(), // attendee ids
  numbers: "",
  busy: null, // "rows" | "record" | "differences" | "checkin"
  notice: null,
  differences: null, // from /reconciliation
  time: null, // "HH:MM" for the paper check-ins
  progress: null, // {done, total}
  failures: [],
};
const scanIds = new Map(); // attendee_id + date → scan_id: a resend checks in once

// "1, 3, 7-12" → [1, 3, 7, 8, 9, 10, 11, 12]; anything else is ignored.
export function parseNumbers(text) {
  const found = [];
  for (const part of text.split(/[\s,;]+/)) {
    const range = part.match(/^(\d+)\s*[-–]\s*(\d+)$/) || part.match(/^(\d+)-(\d+)$/);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])].sort((a, b) => a - b);
      for (let n = from; n <= to && n - from < 5000; n += 1) found.push(n);
    } else if (/^\d+$/.test(part)) {
      found.push(Number(part));
    }
  }
  return found;
}

// "+07:00" for the event's zone on that date (Asia/Jakarta has no summer time; others may).
function zoneOffset(timezone, isoDate) {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" })
    .formatToParts(new Date(`${isoDate}T12:00:00Z`))
    .find((part) => part.type === "timeZoneName").value;
  const found = name.match(/GMT([+-]\d{2}):?(\d{2})?/);
  return found ? `${found[1]}:${found[2] || "00"}` : "+00:00";
}

function dayOf(event) {
  return event.days.find((d) => d.date === state.date) || event.days[0];
}

function message(reply) {
  return reply.error ? reply.error.message : `HTTP ${reply.status}`;
}

async function call(ctx, method, suffix, body) {
  const reply = await api(method, `${eventPath}${suffix}`, { token: ctx.token(), body });
  return ctx.refused(reply) ? null : reply;
}

async function guarded(ctx, busy, rerender, work) {
  state.busy = busy;
  state.notice = null;
  rerender();
  try {
    await work();
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    state.notice = { kind: "bad", text: t("offline") };
  } finally {
    state.busy = null;
    rerender();
  }
}

function loadRows(ctx, rerender) {
  return guarded(ctx, "rows", rerender, async () => {
    const asOf = state.asOf.trim();
    const query = `?date=${encodeURIComponent(state.date)}${asOf ? `&as_of=${encodeURIComponent(asOf)}` : ""}`;
    const reply = await call(ctx, "GET", `/sign-in-sheet/rows${query}`);
    if (!reply) return;
    if (!reply.ok) {
      state.notice = { kind: "bad", text: reply.status === 422 ? t("bad_stamp") : t("failed", { message: message(reply) }) };
      return;
    }
    state.rows = reply.data;
    state.ticked = new Set(reply.data.rows.filter((row) => row.signed).map((row) => row.attendee_id));
  });
}

function tickNumbers() {
  const rows = state.rows.rows;
  const unknown = [];
  for (const n of parseNumbers(state.numbers)) {
    const row = rows[n - 1];
    if (row) state.ticked.add(row.attendee_id);
    else unknown.push(n);
  }
  state.notice = unknown.length ? { kind: "warn", text: t("unknown_numbers", { numbers: unknown.join(", ") }) } : null;
}

function record(ctx, rerender) {
  if (!state.ticked.size) {
    state.notice = { kind: "warn", text: t("nothing_ticked") };
    return rerender();
  }
  return guarded(ctx, "record", rerender, async () => {
    const reply = await call(ctx, "POST", "/paper-signatures", { date: state.rows.date, attendee_ids: [...state.ticked] });
    if (!reply) return;
    if (!reply.ok) {
      state.notice = { kind: "bad", text: t("failed", { message: message(reply) }) };
      return;
    }
    const done = { kind: "ok", text: t("recorded", { recorded: reply.data.recorded, already: reply.data.already_recorded }) };
    await fetchDifferences(ctx);
    state.notice ??= done;
  });
}

async function fetchDifferences(ctx) {
  const reply = await call(ctx, "GET", `/reconciliation?date=${encodeURIComponent(state.date)}`);
  if (!reply) return;
  if (!reply.ok) state.notice = { kind: "bad", text: t("failed", { message: message(reply) }) };
  else state.differences = reply.data;
}

function checkInSignedOnly(ctx, rerender) {
  const people = state.differences.signed_not_checked_in;
  const event = ctx.event();
  const date = state.differences.date;
  const scannedAt = `${date}T${state.time}:00${zoneOffset(event.timezone, date)}`;
  const counts = { ok: 0, already: 0, failed: 0 };
  state.failures = [];
  state.progress = { done: 0, total: people.length };
  return guarded(ctx, "checkin", rerender, async () => {
    for (const person of people) {
      const key = `${person.attendee_id}|${date}`;
      if (!scanIds.has(key)) scanIds.set(key, randomId("paper-"));
      const body = { attendee_id: person.attendee_id, source: "paper", scan_id: scanIds.get(key), scanned_at: scannedAt };
      const reply = await call(ctx, "POST", "/checkins", body);
      if (!reply) return;
      if (reply.status === 201) counts.ok += 1;
      else if (reply.status === 200) counts.already += 1;
      else {
        counts.failed += 1;
        state.failures.push(t("failed_one", { name: person.name, message: message(reply) }));
      }
      state.progress = { done: state.progress.done + 1, total: people.length };
      rerender();
    }
    await fetchDifferences(ctx);
    state.notice ??= { kind: counts.failed ? "warn" : "ok", text: t("checkin_done", counts) };
  });
}

function rowsTable(rerender) {
  const rows = state.rows.rows;
  const count = el("p", { class: "hint", "data-testid": "ticked-count", text: t("ticked", { n: state.ticked.size }) });
  return [
    el(
      "div",
      { class: "table-scroll" },
      el(
        "table",
        { class: "sheet-rows", "data-testid": "sheet-rows" },
        el("thead", {}, el("tr", {}, el("th", { text: t("signed") }), el("th", { text: t("no") }), el("th", { text: t("name") }), el("th", { text: t("organisation") }), el("th", { text: t("checked_in") }))),
        el(
          "tbody",
          {},
          rows.map((row) => {
            const box = el("input", { type: "checkbox", checked: state.ticked.has(row.attendee_id), "data-testid": "row-tick", "data-number": row.number, "aria-label": `${t("signed")} ${row.number}` });
            box.addEventListener("change", () => {
              if (box.checked) state.ticked.add(row.attendee_id);
              else state.ticked.delete(row.attendee_id);
              count.textContent = t("ticked", { n: state.ticked.size });
            });
            return el(
              "tr",
              { "data-testid": "sheet-row", "data-number": row.number },
              el("td", {}, box),
              el("td", { text: String(row.number) }),
              el("td", { text: row.name }),
              el("td", { text: row.organisation }),
              el("td", { text: row.checked_in ? t("yes") : "" }),
            );
          }),
        ),
      ),
    ),
    count,
  ];
}

function personList(testid, people) {
  if (!people.length) return el("p", { class: "hint", "data-testid": testid, text: t("none") });
  return el("ul", { class: "people", "data-testid": testid }, people.map((p) => el("li", { "data-attendee": p.attendee_id, text: p.name })));
}

function differencesView(ctx, rerender) {
  const found = state.differences;
  if (!found || found.date !== state.date) return [];
  const day = dayOf(ctx.event());
  if (!state.time) state.time = (day.opens || day.checkin_opens || "09:00").slice(0, 5);
  const signedOnly = found.signed_not_checked_in;
  const time = el("input", { type: "time", id: "paper-time", value: state.time, "data-testid": "paper-time" });
  time.addEventListener("input", () => {
    state.time = time.value;
  });
  const parts = [
    el("h3", { text: t("differences") }),
    el("h4", { text: t("signed_only", { n: signedOnly.length }) }),
    personList("signed-only", signedOnly),
    el("h4", { text: t("checked_only", { n: found.checked_in_not_signed.length }) }),
    personList("checked-only", found.checked_in_not_signed),
    el("p", { class: "both", "data-testid": "both-count", text: t("both", { n: found.both }) }),
  ];
  if (signedOnly.length || state.progress) {
    parts.push(el("label", { for: "paper-time", text: t("time") }), time);
    parts.push(
      el("button", {
        type: "button",
        class: "primary",
        "data-testid": "paper-checkin-all",
        disabled: state.busy !== null || !signedOnly.length,
        onclick: () => {
          if (!time.value) return time.focus();
          state.time = time.value;
          return checkInSignedOnly(ctx, rerender);
        },
        text: t("check_in_all", { n: signedOnly.length }),
      }),
    );
  }
  if (state.progress) {
    parts.push(
      el("progress", { max: state.progress.total || 1, value: state.progress.done, "data-testid": "paper-progress" }),
      el("span", { class: "hint", text: t("progress", state.progress) }),
    );
  }
  if (state.failures.length) parts.push(el("ul", { class: "notice warn" }, state.failures.map((text) => el("li", { text }))));
  return parts;
}

export function reconciliationPanel(ctx) {
  const section = el("section", { class: "card reconciliation", "data-testid": "reconciliation-panel" });
  const rerender = () => {
    const event = ctx.event();
    if (!state.date || !event.days.some((d) => d.date === state.date)) state.date = ctx.date() || event.days[0].date;
    const daySelect = el(
      "select",
      { id: "recon-day", "data-testid": "recon-day" },
      event.days.map((d) => el("option", { value: d.date, selected: d.date === state.date, text: `${t("day_n", { n: d.number })} · ${formatDate(d.date, { day: "numeric", month: "short" })}` })),
    );
    daySelect.addEventListener("change", () => {
      state.date = daySelect.value;
      state.rows = null;
      state.differences = null;
      state.progress = null;
      state.time = null;
      rerender();
    });
    const asOf = el("input", { id: "recon-as-of", value: state.asOf, placeholder: "2016-11-29T01:30:00Z", autocomplete: "off", spellcheck: "false", "data-testid": "recon-as-of" });
    asOf.addEventListener("input", () => {
      state.asOf = asOf.value;
    });
    const numbers = el("input", { id: "recon-numbers", value: state.numbers, placeholder: t("numbers_hint"), autocomplete: "off", "data-testid": "recon-numbers" });
    numbers.addEventListener("input", () => {
      state.numbers = numbers.value;
    });
    const rows = state.rows && state.rows.date === state.date ? state.rows : null;
    const busy = state.busy !== null;
    clear(section).append(
      el("h2", { text: t("title") }),
      el("p", { class: "hint", text: t("note") }),
      el("label", { for: "recon-day", text: t("day") }),
      daySelect,
      el("label", { for: "recon-as-of", text: t("as_of") }),
      asOf,
      el("p", { class: "hint", text: t("as_of_hint") }),
      el(
        "div",
        { class: "download-buttons" },
        el("button", { type: "button", "data-testid": "recon-load", disabled: busy, onclick: () => loadRows(ctx, rerender), text: state.busy === "rows" ? t("loading") : t("load_rows") }),
        el("button", {
          type: "button",
          "data-testid": "recon-differences",
          disabled: busy,
          onclick: () => guarded(ctx, "differences", rerender, () => fetchDifferences(ctx)),
          text: t("show_differences"),
        }),
      ),
      ...(rows
        ? [
            el("label", { for: "recon-numbers", text: t("numbers") }),
            numbers,
            el("button", {
              type: "button",
              "data-testid": "recon-tick-numbers",
              onclick: () => {
                tickNumbers();
                rerender();
              },
              text: t("tick_numbers"),
            }),
            ...rowsTable(rerender),
            el("button", { type: "button", class: "primary", "data-testid": "recon-record", disabled: busy, onclick: () => record(ctx, rerender), text: state.busy === "record" ? t("recording") : t("record") }),
          ]
        : []),
      state.notice ? el("p", { class: `notice ${state.notice.kind}`, role: state.notice.kind === "bad" ? "alert" : "status", "data-testid": "recon-notice", text: state.notice.text }) : null,
      ...differencesView(ctx, rerender),
    );
  };
  rerender();
  return section;
}

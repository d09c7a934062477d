// The dashboard's attendee list (API.md §6, §7, §10; issue 17 finding 10):
// everyone, paged in from GET /attendees (no q), then searched and filtered
// here in the browser; per person the detail, edit, cancel and undo; for a
// selection "print these" and bulk cancel; and "cancel all registered in the
// last N minutes from the web".
//
// Filters run over the list held in the page: the API keeps attendees by name
// only, so a server-side filter would read the whole event anyway, on every
// change. 5,000 people are about 50 pages of 100 (some 1.5 MB), loaded once
// with a progress bar and reloaded on request or after a change.

import { Offline, currentLang, el, clear, formatDate, translator } from "./common.js";
import { openDetail } from "./dashboard-person.js";

const PAGE = 100; // the API's largest page
const SHOWN_STEP = 100; // rows drawn at a time
const BULK = 100; // POST /cancellations takes at most this many ids
const PRINT_MAX = 300; // ids a "print these" sheet names (the URL's length)

export const t = translator({
  id: {
    people: "Peserta",
    people_note: "Semua pendaftaran. Cari dan saring di sini; pilih baris untuk mencetak atau membatalkan sekaligus.",
    reload: "Muat ulang daftar",
    loading_list: "Memuat daftar peserta… {n} dimuat",
    loaded: "{n} pendaftaran dimuat.",
    load_failed: "Daftar belum selesai dimuat ({n} dimuat): {message}",
    search: "Cari nama atau organisasi",
    filter: "Saring",
    all: "Semua",
    checked_in: "Sudah hadir",
    no_show: "Belum hadir",
    walk_in: "Daftar di tempat (walk-in)",
    online: "Daftar daring",
    cancelled: "Dibatalkan",
    day_filter: "Hari",
    all_days: "Semua hari",
    day_n: "Hari {n}",
    showing: "Menampilkan {shown} dari {n} yang cocok.",
    show_more: "Tampilkan lebih banyak",
    select_all: "Pilih semua yang cocok",
    select: "Pilih {name}",
    selected: "{n} dipilih",
    name: "Nama",
    organisation: "Organisasi",
    days: "Hari dan kehadiran",
    status: "Status",
    active: "Aktif",
    details: "Rincian",
    print_these: "Cetak lencana yang dipilih",
    print_too_many: "Pilih paling banyak {n} orang untuk satu lembar lencana.",
    cancel_selected: "Batalkan pendaftaran yang dipilih",
    confirm_bulk: "Batalkan {n} pendaftaran? Lencana mereka tidak berlaku lagi. Yang sudah hadir tidak dibatalkan.",
    bulk_progress: "Membatalkan… {done} dari {n}",
    bulk_done: "Selesai: {cancelled} dibatalkan, {checked} sudah hadir (tidak dibatalkan), {gone} sudah batal, {missing} tidak ditemukan.",
    bulk_failed: "Berhenti setelah {done} dari {n}: {message}. Yang sudah dibatalkan tetap batal; coba lagi untuk sisanya.",
    checked_names: "Sudah hadir, tidak dibatalkan: {names}",
    recent: "Banjir pendaftaran palsu?",
    recent_label: "Batalkan semua yang mendaftar daring dalam … menit terakhir",
    recent_button: "Batalkan yang baru mendaftar",
    recent_invalid: "Isi jumlah menit 1–10080.",
    confirm_recent: "Batalkan SEMUA pendaftaran daring dari {n} menit terakhir? Yang sudah hadir tidak dibatalkan.",
    offline: "Tidak ada jaringan. Coba lagi.",
  },
  en: {
    people: "Attendees",
    people_note: "Every registration. Search and filter here; select rows to print or cancel them together.",
    reload: "Reload the list",
    loading_list: "Loading the attendee list… {n} loaded",
    loaded: "{n} registrations loaded.",
    load_failed: "The list did not finish loading ({n} loaded): {message}",
    search: "Search by name or organisation",
    filter: "Filter",
    all: "Everyone",
    checked_in: "Checked in",
    no_show: "Not arrived (no-show)",
    walk_in: "Walk-ins",
    online: "Registered online",
    cancelled: "Cancelled",
    day_filter: "Day",
    all_days: "Every day",
    day_n: "Day {n}",
    showing: "Showing {shown} of {n} matching.",
    show_more: "Show more",
    select_all: "Select every match",
    select: "Select {name}",
    selected: "{n} selected",
    name: "Name",
    organisation: "Organisation",
    days: "Days and arrival",
    status: "Status",
    active: "Active",
    details: "Details",
    print_these: "Print the selected badges",
    print_too_many: "Select at most {n} people for one badge sheet.",
    cancel_selected: "Cancel the selected registrations",
    confirm_bulk: "Cancel {n} registrations? Their badges stop working. People already checked in are not cancelled.",
    bulk_progress: "Cancelling… {done} of {n}",
    bulk_done: "Done: {cancelled} cancelled, {checked} checked in (not cancelled), {gone} already cancelled, {missing} not found.",
    bulk_failed: "Stopped after {done} of {n}: {message}. Those cancelled stay cancelled; try again for the rest.",
    checked_names: "Checked in, not cancelled: {names}",
    recent: "A flood of fake registrations?",
    recent_label: "Cancel everyone who registered online in the last … minutes",
    recent_button: "Cancel the recent registrations",
    recent_invalid: "Enter a number of minutes, 1–10080.",
    confirm_recent: "Cancel ALL online registrations of the last {n} minutes? People already checked in are not cancelled.",
    offline: "No network. Try again.",
  },
});

// Case- and accent-insensitive words, "đ" as "d", as the API's search.
export function fold(text) {
  return (text || "")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase();
}

function matchesQuery(person, query) {
  const wanted = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (wanted.length === 0) return true;
  const words = fold(`${person.name} ${person.organisation}`).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return wanted.every((part) => words.some((word) => word.startsWith(part)));
}

// One person against the filter and the day ("" = any day).
export function keep(person, filter, date) {
  const days = date ? person.days.filter((day) => day.date === date) : person.days;
  if (date && days.length === 0) return false; // not registered for that day
  const arrived = days.some((day) => day.checked_in_at);
  switch (filter) {
    case "checked_in":
      return person.status === "active" && arrived;
    case "no_show":
      return person.status === "active" && !arrived;
    case "walk_in":
      return person.source === "walk_in";
    case "online":
      return person.source === "online";
    case "cancelled":
      return person.status === "cancelled";
    default:
      return true;
  }
}

// ctx: {authorised, refused, event, printSelection(ids), setNotice, clockTime, onChanged()}.
export function createPeople(ctx) {
  const state = {
    list: [],
    loading: false,
    loadError: null,
    query: "",
    filter: "all",
    date: "",
    shown: SHOWN_STEP,
    selected: new Set(),
  };
  const ui = {};
  let generation = 0;

  async function load() {
    const mine = ++generation;
    state.loading = true;
    state.loadError = null;
    const list = [];
    let cursor = null;
    drawStatus(0);
    try {
      do {
        const query = `?limit=${PAGE}${cursor ? `&next=${encodeURIComponent(cursor)}` : ""}`;
        const reply = await ctx.authorised("GET", `/attendees${query}`);
        if (mine !== generation) return;
        if (ctx.refused(reply)) return;
        if (!reply.ok) throw new Error(reply.error ? reply.error.message : `HTTP ${reply.status}`);
        list.push(...reply.data.attendees);
        cursor = reply.data.next;
        drawStatus(list.length);
      } while (cursor);
    } catch (error) {
      if (mine !== generation) return;
      state.loadError = error instanceof Offline ? t("offline") : error.message;
    }
    state.list = list; // what arrived is shown even if the rest did not
    state.loading = false;
    const known = new Set(list.map((person) => person.id));
    for (const id of [...state.selected]) if (!known.has(id)) state.selected.delete(id);
    drawStatus(list.length);
    drawRows();
  }

  function drawStatus(count) {
    if (!ui.status) return;
    clear(ui.status);
    if (state.loading) {
      const total = ctx.registered ? ctx.registered() : 0;
      ui.status.append(
        el("progress", { "data-testid": "people-progress", max: Math.max(total, count, 1), value: count }),
        el("span", { text: ` ${t("loading_list", { n: count })}` }),
      );
    } else if (state.loadError) {
      ui.status.append(el("p", { class: "notice bad", role: "alert", text: t("load_failed", { n: count, message: state.loadError }) }));
    } else {
      ui.status.append(el("span", { class: "hint", "data-testid": "people-loaded", text: t("loaded", { n: count }) }));
    }
  }

  function matching() {
    return state.list.filter((person) => keep(person, state.filter, state.date) && matchesQuery(person, state.query));
  }

  function dayCell(person) {
    return person.days.map((day) => {
      const number = (ctx.event.days.find((item) => item.date === day.date) || {}).number;
      const label = t("day_n", { n: number ?? day.date });
      return el("span", {
        class: `day-chip ${day.checked_in_at ? "in" : "out"}`,
        text: day.checked_in_at ? `${label} ✓ ${ctx.clockTime(day.checked_in_at)}` : `${label} –`,
      });
    });
  }

  function drawRows() {
    if (!ui.rows) return;
    const found = matching();
    clear(ui.rows);
    for (const person of found.slice(0, state.shown)) {
      const box = el("input", {
        type: "checkbox",
        "data-testid": "select-person",
        "aria-label": t("select", { name: person.name }),
        checked: state.selected.has(person.id),
        onchange: (event) => {
          if (event.target.checked) state.selected.add(person.id);
          else state.selected.delete(person.id);
          drawSelection();
        },
      });
      ui.rows.append(
        el(
          "tr",
          { "data-testid": "person-row", "data-id": person.id, "data-status": person.status, class: person.status === "cancelled" ? "cancelled" : null },
          el("td", {}, box),
          el("td", { class: "person-name", text: person.name }),
          el("td", { text: person.organisation }),
          el("td", {}, dayCell(person)),
          el("td", { class: "person-status", text: person.status === "cancelled" ? t("cancelled") : person.source === "walk_in" ? t("walk_in") : t("active") }),
          el("td", {}, el("button", { type: "button", "data-testid": "person-details", onclick: () => detail(person.id), text: t("details") })),
        ),
      );
    }
    clear(ui.more);
    ui.more.append(el("span", { class: "hint", "data-testid": "people-count", text: t("showing", { shown: Math.min(state.shown, found.length), n: found.length }) }));
    if (found.length > state.shown) {
      ui.more.append(el("button", { type: "button", "data-testid": "show-more", onclick: () => { state.shown += SHOWN_STEP; drawRows(); }, text: t("show_more") }));
    }
    ui.selectAll.checked = found.length > 0 && found.every((person) => state.selected.has(person.id));
    drawSelection();
  }

  function drawSelection() {
    if (!ui.selection) return;
    const n = state.selected.size;
    ui.selection.textContent = t("selected", { n });
    ui.printSelected.disabled = n === 0;
    ui.cancelSelected.disabled = n === 0;
  }

  function detail(id) {
    openDetail(ctx, ui.detail, id, {
      changed: (person) => {
        // The row follows at once; the list is reloaded for the rest.
        const index = state.list.findIndex((item) => item.id === id);
        if (index >= 0 && person) state.list[index] = { ...state.list[index], ...person };
        drawRows();
        ctx.onChanged();
      },
    });
  }

  // Sends ids 100 at a time; progress and a summary in the people notice.
  async function cancelMany(ids) {
    const totals = { cancelled: 0, already_checked_in: 0, already_cancelled: 0, not_found: 0 };
    const checkedNames = [];
    const names = new Map(state.list.map((person) => [person.id, person.name]));
    let done = 0;
    progress(0, ids.length);
    try {
      for (let start = 0; start < ids.length; start += BULK) {
        const batch = ids.slice(start, start + BULK);
        const reply = await ctx.authorised("POST", "/cancellations", { body: { attendee_ids: batch } });
        if (ctx.refused(reply)) return;
        if (!reply.ok) throw new Error(reply.error ? reply.error.message : `HTTP ${reply.status}`);
        for (const item of reply.data.results) {
          totals[item.result] = (totals[item.result] || 0) + 1;
          if (item.result === "already_checked_in") checkedNames.push(names.get(item.attendee_id) || item.attendee_id);
          if (item.result !== "already_checked_in") state.selected.delete(item.attendee_id);
        }
        done += batch.length;
        progress(done, ids.length);
      }
      summary(totals, checkedNames);
    } catch (error) {
      const message = error instanceof Offline ? t("offline") : error.message;
      ctx.setNotice("people", { kind: "bad", text: t("bulk_failed", { done, n: ids.length, message }) });
    }
    ctx.onChanged();
    await load();
  }

  async function cancelRecent(minutes) {
    const totals = { cancelled: 0, already_checked_in: 0, already_cancelled: 0, not_found: 0 };
    const checked = new Set();
    let total = null;
    progress(0, 1);
    try {
      // Each call cancels the next 100; those checked in are named every time.
      for (let round = 0; round < 1000; round += 1) {
        const reply = await ctx.authorised("POST", "/cancellations", {
          body: { registered_within_minutes: minutes, source: "online" },
        });
        if (ctx.refused(reply)) return;
        if (!reply.ok) throw new Error(reply.error ? reply.error.message : `HTTP ${reply.status}`);
        if (total === null) total = reply.data.matched;
        for (const item of reply.data.results) {
          if (item.result === "already_checked_in") checked.add(item.attendee_id);
          else totals[item.result] = (totals[item.result] || 0) + 1;
        }
        progress(totals.cancelled + checked.size, Math.max(total, totals.cancelled + checked.size));
        if (!reply.data.more) break;
      }
      totals.already_checked_in = checked.size;
      const names = new Map(state.list.map((person) => [person.id, person.name]));
      summary(totals, [...checked].map((id) => names.get(id) || id));
    } catch (error) {
      const message = error instanceof Offline ? t("offline") : error.message;
      ctx.setNotice("people", { kind: "bad", text: t("bulk_failed", { done: totals.cancelled, n: total ?? "?", message }) });
    }
    ctx.onChanged();
    await load();
  }

  function progress(done, n) {
    ctx.setNotice("people", {
      kind: "info",
      text: `${t("bulk_progress", { done, n })} `,
      link: el("progress", { "data-testid": "bulk-progress", max: Math.max(n, 1), value: done }),
    });
  }

  function summary(totals, checkedNames) {
    const text = t("bulk_done", {
      cancelled: totals.cancelled || 0,
      checked: totals.already_checked_in || 0,
      gone: totals.already_cancelled || 0,
      missing: totals.not_found || 0,
    });
    const extra = checkedNames.length ? el("span", { class: "checked-names", "data-testid": "bulk-checked-names", text: ` ${t("checked_names", { names: checkedNames.join(", ") })}` }) : null;
    ctx.setNotice("people", { kind: checkedNames.length ? "warn" : "ok", text, link: extra });
  }

  function render(noticeBox) {
    ui.status = el("div", { class: "people-status", "aria-live": "polite" });
    ui.rows = el("tbody", {});
    ui.more = el("div", { class: "people-more" });
    ui.detail = el("div", { class: "person-detail-box" });
    ui.selection = el("span", { class: "hint", "data-testid": "selected-count" });
    const search = el("input", { id: "people-q", type: "search", "data-testid": "people-search", value: state.query, autocomplete: "off" });
    search.addEventListener("input", () => {
      state.query = search.value;
      state.shown = SHOWN_STEP;
      drawRows();
    });
    const options = ["all", "checked_in", "no_show", "walk_in", "online", "cancelled"];
    const filter = el(
      "select",
      { id: "people-filter", "data-testid": "people-filter", onchange: (event) => { state.filter = event.target.value; state.shown = SHOWN_STEP; drawRows(); } },
      options.map((key) => el("option", { value: key, selected: key === state.filter, text: t(key) })),
    );
    const day = el(
      "select",
      { id: "people-day", "data-testid": "people-day", onchange: (event) => { state.date = event.target.value; state.shown = SHOWN_STEP; drawRows(); } },
      el("option", { value: "", text: t("all_days") }),
      ctx.event.days.map((item) =>
        el("option", { value: item.date, selected: item.date === state.date, text: `${t("day_n", { n: item.number })} · ${formatDate(item.date, { day: "numeric", month: "short" })}` }),
      ),
    );
    ui.selectAll = el("input", {
      type: "checkbox",
      "data-testid": "select-all",
      "aria-label": t("select_all"),
      onchange: (event) => {
        for (const person of matching()) {
          if (event.target.checked) state.selected.add(person.id);
          else state.selected.delete(person.id);
        }
        drawRows();
      },
    });
    ui.printSelected = el("button", {
      type: "button",
      "data-testid": "print-selected",
      onclick: () => {
        const ids = state.list.filter((person) => state.selected.has(person.id) && person.status === "active").map((person) => person.id);
        if (ids.length > PRINT_MAX) return ctx.setNotice("people", { kind: "bad", text: t("print_too_many", { n: PRINT_MAX }) });
        ctx.printSelection(ids, "people");
      },
      text: t("print_these"),
    });
    ui.cancelSelected = el("button", {
      type: "button",
      class: "danger",
      "data-testid": "cancel-selected",
      onclick: async (event) => {
        const ids = [...state.selected];
        if (!ids.length || !confirm(t("confirm_bulk", { n: ids.length }))) return;
        const button = event.currentTarget;
        button.disabled = true;
        try {
          await cancelMany(ids);
        } finally {
          drawSelection();
        }
      },
      text: t("cancel_selected"),
    });
    const minutes = el("input", { id: "recent-minutes", type: "number", min: 1, max: 10080, value: 30, "data-testid": "recent-minutes" });
    const recent = el(
      "form",
      { class: "recent-form", "data-testid": "recent-form", novalidate: true },
      el("label", { for: "recent-minutes", text: t("recent_label") }),
      minutes,
      el("button", { type: "submit", class: "danger", "data-testid": "cancel-recent", text: t("recent_button") }),
    );
    recent.addEventListener("submit", async (event) => {
      event.preventDefault();
      const n = Number(minutes.value);
      if (!Number.isInteger(n) || n < 1 || n > 10080) {
        minutes.setAttribute("aria-invalid", "true");
        return ctx.setNotice("people", { kind: "bad", text: t("recent_invalid") });
      }
      minutes.removeAttribute("aria-invalid");
      if (!confirm(t("confirm_recent", { n }))) return;
      const button = recent.querySelector("button");
      button.disabled = true;
      try {
        await cancelRecent(n);
      } finally {
        button.disabled = false;
      }
    });
    const section = el(
      "section",
      { class: "card people", "data-testid": "people" },
      el("h2", { text: t("people") }),
      el("p", { class: "hint", text: t("people_note") }),
      el("div", { class: "people-tools" },
        el("div", {}, el("label", { for: "people-q", text: t("search") }), search),
        el("div", {}, el("label", { for: "people-filter", text: t("filter") }), filter),
        el("div", {}, el("label", { for: "people-day", text: t("day_filter") }), day),
        el("div", {}, el("button", { type: "button", "data-testid": "people-reload", onclick: load, text: t("reload") })),
      ),
      ui.status,
      el("div", { class: "selection-bar" }, ui.selection, ui.printSelected, ui.cancelSelected),
      noticeBox("people"),
      ui.detail,
      el("div", { class: "table-scroll" },
        el(
          "table",
          { class: "people-table", "data-testid": "people-table" },
          el("thead", {}, el("tr", {}, el("th", {}, ui.selectAll), el("th", { text: t("name") }), el("th", { text: t("organisation") }), el("th", { text: t("days") }), el("th", { text: t("status") }), el("th", {}))),
          ui.rows,
        ),
      ),
      ui.more,
      el("details", { class: "recent" }, el("summary", { text: t("recent") }), recent),
    );
    drawStatus(state.list.length);
    drawRows();
    return section;
  }

  const names = () => new Map(state.list.map((person) => [person.id, person.name]));
  const selected = () => [...state.selected]; // the email panel sends to them
  return { render, load, names, selected, lang: currentLang };
}

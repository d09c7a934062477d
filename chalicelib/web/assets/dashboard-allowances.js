// The dashboard's allowances (API.md §12): edit the event's allowances (the
// event document read fresh, its allowances changed, PUT back), and download
// the receipt sheet (tanda terima) of a day and the finance CSV.
//
// ctx (from dashboard.js): token(), event(), setEvent(event), date(), refused(reply), saveBlob(blob, name).

import { Offline, api, clear, el, eventId, formatDate, translator } from "./common.js";

const t = translator({
  id: {
    title: "Tunjangan (uang transport, uang harian)",
    note: "Dibayar per orang per hari hadir. Jumlah dalam Rupiah, tanpa desimal.",
    code: "Kode",
    label: "Nama",
    amount: "Jumlah (Rp)",
    none: "Belum ada tunjangan.",
    add: "Tambah tunjangan",
    remove: "Hapus",
    save: "Simpan tunjangan",
    saving: "Menyimpan…",
    saved: "Tunjangan tersimpan.",
    save_failed: "Gagal menyimpan: {message}",
    offline: "Tidak ada jaringan. Coba lagi.",
    downloads: "Tanda terima dan CSV keuangan",
    allowance: "Tunjangan",
    day: "Hari",
    day_n: "Hari {n}",
    sheet: "Unduh tanda terima (PDF)",
    csv: "Unduh CSV keuangan",
    downloading: "Menyiapkan berkas…",
    downloaded: "Berkas {name} sudah diunduh.",
    download_failed: "Gagal mengunduh: {message}",
    save_first: "Simpan tunjangan dulu untuk mengunduh.",
  },
  en: {
    title: "Allowances (transport, per diem)",
    note: "Paid per person per day attended. Amounts in Rupiah, no decimals.",
    code: "Code",
    label: "Name",
    amount: "Amount (Rp)",
    none: "No allowances yet.",
    add: "Add an allowance",
    remove: "Remove",
    save: "Save the allowances",
    saving: "Saving…",
    saved: "The allowances have been saved.",
    save_failed: "Could not save: {message}",
    offline: "No network. Try again.",
    downloads: "Receipt sheet and finance CSV",
    allowance: "Allowance",
    day: "Day",
    day_n: "Day {n}",
    sheet: "Download the receipt sheet (PDF)",
    csv: "Download the finance CSV",
    downloading: "Preparing the file…",
    downloaded: "{name} has been downloaded.",
    download_failed: "Download failed: {message}",
    save_first: "Save the allowances first to download.",
  },
});

const eventPath = `/events/${encodeURIComponent(eventId)}`;

// Rp150.000: Indonesian thousands dots, no decimals.
export function rupiah(amount) {
  const whole = Math.trunc(Number(amount) || 0);
  const digits = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${whole < 0 ? "-" : ""}Rp${digits}`;
}

// What is being edited survives a re-render (a language change); null: the event's own.
let draft = null;
let notice = null;
let downloadNotice = null;
const choice = { code: null, date: null };

function slug(text) {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32);
}

function noticeNode(value) {
  return value ? el("p", { class: `notice ${value.kind}`, role: value.kind === "bad" ? "alert" : null, text: value.text }) : null;
}

function editor(ctx, rerender) {
  const rows = draft;
  const table = el(
    "table",
    { class: "allowances", "data-testid": "allowances-table" },
    el("thead", {}, el("tr", {}, el("th", { text: t("label") }), el("th", { text: t("code") }), el("th", { text: t("amount") }), el("th", {}))),
    el(
      "tbody",
      {},
      rows.map((row, index) => {
        const label = el("input", { value: row.label, maxlength: 200, "data-testid": "allowance-label", "aria-label": t("label") });
        const code = el("input", { value: row.code, maxlength: 32, "data-testid": "allowance-code", "aria-label": t("code") });
        const amount = el("input", { type: "number", min: 1, step: 1, value: row.amount, "data-testid": "allowance-amount", "aria-label": t("amount") });
        const shown = el("span", { class: "hint", text: rupiah(row.amount) });
        label.addEventListener("input", () => {
          row.label = label.value;
          if (row.fresh) {
            row.code = slug(label.value);
            code.value = row.code;
          }
        });
        code.addEventListener("input", () => {
          row.code = code.value.trim();
          row.fresh = false;
        });
        amount.addEventListener("input", () => {
          row.amount = amount.value;
          shown.textContent = rupiah(amount.value);
        });
        const remove = el("button", { type: "button", class: "danger", "data-testid": "allowance-remove", text: t("remove") });
        remove.addEventListener("click", () => {
          rows.splice(index, 1);
          rerender();
        });
        return el("tr", { "data-testid": "allowance-row" }, el("td", {}, label), el("td", {}, code), el("td", {}, amount, " ", shown), el("td", {}, remove));
      }),
    ),
  );
  const add = el("button", { type: "button", "data-testid": "allowance-add", text: t("add") });
  add.addEventListener("click", () => {
    rows.push({ code: "", label: "", amount: 150000, fresh: true });
    rerender();
  });
  const save = el("button", { type: "button", class: "primary", "data-testid": "allowances-save", text: t("save") });
  save.addEventListener("click", () => saveAllowances(ctx, save, rerender));
  return [rows.length ? table : el("p", { class: "hint", text: t("none") }), el("div", { class: "download-buttons" }, add, save)];
}

async function saveAllowances(ctx, button, rerender) {
  button.disabled = true;
  button.textContent = t("saving");
  const allowances = draft.map((row) => ({ code: row.code.trim(), label: row.label.trim(), amount: Number(row.amount), currency: "IDR" }));
  try {
    // The document as it stands now, so nothing another tab changed is undone.
    const current = await api("GET", eventPath);
    if (!current.ok) throw new Error(current.error ? current.error.message : `HTTP ${current.status}`);
    const reply = await api("PUT", eventPath, { token: ctx.token(), body: { ...current.data, allowances } });
    if (ctx.refused(reply)) return;
    if (reply.ok) {
      ctx.setEvent(reply.data);
      draft = null;
      notice = { kind: "ok", text: t("saved") };
    } else {
      const error = reply.error || {};
      const fields = (error.fields || []).map((field) => `${field.field}: ${field.message}`).join("; ");
      notice = { kind: "bad", text: t("save_failed", { message: fields || error.message || `HTTP ${reply.status}` }) };
    }
  } catch (error) {
    notice = { kind: "bad", text: error instanceof Offline ? t("offline") : t("save_failed", { message: error.message }) };
  }
  rerender();
}

async function download(ctx, suffix, accept, name, button, rerender) {
  button.disabled = true;
  downloadNotice = { kind: "info", text: t("downloading") };
  rerender();
  try {
    const reply = await api("GET", `${eventPath}${suffix}`, { token: ctx.token(), accept });
    if (ctx.refused(reply)) return;
    if (!reply.ok || !(reply.data instanceof Blob)) {
      downloadNotice = { kind: "bad", text: t("download_failed", { message: reply.error ? reply.error.message : `HTTP ${reply.status}` }) };
    } else {
      ctx.saveBlob(reply.data, name);
      downloadNotice = { kind: "ok", text: t("downloaded", { name }) };
    }
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    downloadNotice = { kind: "bad", text: t("offline") };
  }
  rerender();
}

function downloads(ctx, rerender) {
  const event = ctx.event();
  const saved = event.allowances || [];
  if (!saved.length) return [el("p", { class: "hint", text: t("save_first") })];
  const which = el(
    "select",
    { id: "allowance-which", "data-testid": "allowance-which" },
    saved.map((a) => el("option", { value: a.code, selected: a.code === choice.code, text: `${a.label} · ${rupiah(a.amount)}` })),
  );
  const day = el(
    "select",
    { id: "allowance-day", "data-testid": "allowance-day" },
    event.days.map((d) => el("option", { value: d.date, selected: d.date === (choice.date || ctx.date()), text: `${t("day_n", { n: d.number })} · ${formatDate(d.date, { day: "numeric", month: "short" })}` })),
  );
  which.addEventListener("change", () => {
    choice.code = which.value;
  });
  day.addEventListener("change", () => {
    choice.date = day.value;
  });
  const sheet = el("button", { type: "button", "data-testid": "allowance-sheet", text: t("sheet") });
  sheet.addEventListener("click", () => {
    const code = which.value;
    const query = `?allowance=${encodeURIComponent(code)}&date=${encodeURIComponent(day.value)}`;
    download(ctx, `/allowance-sheet.pdf${query}`, "application/pdf", `tanda-terima-${code}-${day.value}.pdf`, sheet, rerender);
  });
  const csv = el("button", { type: "button", "data-testid": "allowance-csv", text: t("csv") });
  csv.addEventListener("click", () => {
    const code = which.value;
    download(ctx, `/allowances.csv?allowance=${encodeURIComponent(code)}`, "text/csv", `tunjangan-${code}-${eventId}.csv`, csv, rerender);
  });
  return [
    el("label", { for: "allowance-which", text: t("allowance") }),
    which,
    el("label", { for: "allowance-day", text: t("day") }),
    day,
    el("div", { class: "download-buttons" }, sheet, csv),
    noticeNode(downloadNotice),
  ];
}

// The panel: a section that redraws itself in place.
export function allowancesPanel(ctx) {
  const section = el("section", { class: "card allowances-panel", "data-testid": "allowances-panel" });
  const rerender = () => {
    if (draft === null) draft = (ctx.event().allowances || []).map((a) => ({ ...a, fresh: false }));
    clear(section).append(
      el("h2", { text: t("title") }),
      el("p", { class: "hint", text: t("note") }),
      ...editor(ctx, rerender),
      noticeNode(notice),
      el("h3", { text: t("downloads") }),
      ...downloads(ctx, rerender),
    );
  };
  rerender();
  return section;
}

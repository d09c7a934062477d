// The dashboard's import panel (API.md §14): choose a participant list (CSV or
// XLSX), check it with a dry run, read the report (the rows with a mistake, the
// bad cell of each marked, and the duplicates), then import it.
//
// The commit is one request (the server writes the list in batches of many
// registrations a transaction): its progress bar is indeterminate, with the
// number of rows being written. Chunking the file here would renumber its rows
// and split one file's duplicates across requests.
//
// The file's bytes are sent as they are, with the type the server reads:
// text/csv or the XLSX media type. Every value from the API reaches the page as
// text (el() and textContent).

import { Offline, apiUrl, clear, el, translator } from "./common.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MAX_FILE_BYTES = 4 * 1024 * 1024; // the server's limit (413 above it)
// Long enough for 5,000 rows on a slow day; the check runs on the server anyway.
const IMPORT_TIMEOUT_MS = 120000;
// The fields as the report names them, in the order the table shows them.
const FIELDS = ["name", "display_name", "email", "organisation", "job_title", "phone", "gender", "organisation_type", "days", "language"];

const t = translator({
  id: {
    title: "Impor daftar peserta",
    note: "Berkas CSV (UTF-8, koma atau titik koma) atau XLSX, paling besar 4 MB dan 5.000 baris. Kolom dikenali dari judulnya: Nama, Nama Panggilan, Email, Lembaga, Jabatan, No HP, Jenis Kelamin, Jenis Organisasi, Hari. Ekspor Google Forms bisa langsung dipakai.",
    file: "Berkas daftar peserta",
    check: "Periksa berkas",
    checking: "Memeriksa berkas…",
    commit: "Impor {n} peserta",
    importing: "Mengimpor {n} baris… Jangan tutup halaman ini.",
    rows: "Baris: {n}",
    valid: "Siap diimpor: {n}",
    error_count: "Baris bermasalah: {n}",
    duplicate_count: "Duplikat (dilewati): {n}",
    problems: "Baris yang tidak akan diimpor",
    row: "Baris",
    note_column: "Keterangan",
    duplicate_of: "Sama dengan baris {n}",
    already: "Sudah terdaftar",
    no_problems: "Tidak ada masalah. Semua baris siap diimpor.",
    nothing_to_import: "Tidak ada baris baru untuk diimpor.",
    done: "Selesai: {imported} diimpor, {skipped} dilewati (sudah ada atau duplikat), {errors} baris bermasalah.",
    choose_first: "Pilih berkas CSV atau XLSX dulu.",
    wrong_type: "Berkas itu bukan CSV atau XLSX.",
    too_large: "Berkas terlalu besar: paling besar 4 MB dan 5.000 baris. Bagi daftar menjadi beberapa berkas.",
    unsupported: "Jenis berkas itu tidak diterima. Simpan sebagai CSV (UTF-8) atau XLSX.",
    unreadable: "Berkas tidak dapat dibaca: {message} Simpan ulang sebagai CSV (UTF-8) atau XLSX, dengan baris judul berisi kolom Nama.",
    failed: "Gagal: {message}",
    offline: "Tidak ada jaringan, atau server terlalu lama menjawab. Periksa daftar peserta sebelum mencoba lagi: mengimpor ulang berkas yang sama tidak menambah siapa pun dua kali.",
    field_name: "Nama",
    field_display_name: "Nama panggilan",
    field_email: "Email",
    field_organisation: "Lembaga",
    field_job_title: "Jabatan",
    field_phone: "No HP",
    field_gender: "Jenis kelamin",
    field_organisation_type: "Jenis organisasi",
    field_days: "Hari",
    field_language: "Bahasa",
  },
  en: {
    title: "Import the participant list",
    note: "A CSV (UTF-8, comma or semicolon) or XLSX file, at most 4 MB and 5,000 rows. Columns are found by their headers: Name, Display name, Email, Organisation, Job title, Phone, Gender, Organisation type, Days (or their Indonesian names). A Google Forms export works as it is.",
    file: "The participant list file",
    check: "Check the file",
    checking: "Checking the file…",
    commit: "Import {n} participants",
    importing: "Importing {n} rows… Keep this page open.",
    rows: "Rows: {n}",
    valid: "Ready to import: {n}",
    error_count: "Rows with mistakes: {n}",
    duplicate_count: "Duplicates (skipped): {n}",
    problems: "Rows that will not be imported",
    row: "Row",
    note_column: "Note",
    duplicate_of: "Same as row {n}",
    already: "Already registered",
    no_problems: "No mistakes. Every row is ready to import.",
    nothing_to_import: "No new rows to import.",
    done: "Done: {imported} imported, {skipped} skipped (already there or duplicates), {errors} rows with mistakes.",
    choose_first: "Choose a CSV or XLSX file first.",
    wrong_type: "That file is not a CSV or an XLSX.",
    too_large: "The file is too large: at most 4 MB and 5,000 rows. Split the list into several files.",
    unsupported: "That kind of file is not accepted. Save it as CSV (UTF-8) or XLSX.",
    unreadable: "The file cannot be read: {message} Save it again as CSV (UTF-8) or XLSX, with a header row holding a Name column.",
    failed: "Failed: {message}",
    offline: "No network, or the server took too long. Check the participant list before trying again: importing the same file again adds no one twice.",
    field_name: "Name",
    field_display_name: "Display name",
    field_email: "Email",
    field_organisation: "Organisation",
    field_job_title: "Job title",
    field_phone: "Phone",
    field_gender: "Gender",
    field_organisation_type: "Organisation type",
    field_days: "Days",
    field_language: "Language",
  },
});

// The type the server reads the bytes as: from the name, then the browser's guess.
function contentType(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith(".xlsx") || file.type === XLSX) return XLSX;
  if (name.endsWith(".csv") || name.endsWith(".txt") || file.type === "text/csv") return "text/csv";
  return null;
}

function fieldLabel(field) {
  return FIELDS.includes(field) ? t(`field_${field}`) : field;
}

// context (from dashboard.js): token(), eventPath(suffix), refused(reply), onImported().
export function createImport(context) {
  const state = {
    file: null, // {name, type, bytes}
    report: null, // the dry run's report for state.file
    result: null, // the commit's result
    busy: null, // null, "check" or "commit"
    notice: null, // {kind, text}
  };
  let ui = {};

  async function send(dryRun) {
    const query = dryRun ? "?dry_run=true" : "";
    let response;
    try {
      response = await fetch(apiUrl(context.eventPath(`/imports${query}`)), {
        method: "POST",
        headers: { Accept: "application/json", "Content-Type": state.file.type, Authorization: `Bearer ${context.token()}` },
        body: state.file.bytes,
        cache: "no-store",
        credentials: "omit",
        signal: AbortSignal.timeout(IMPORT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Offline(String(error));
    }
    let data = null;
    try {
      if ((response.headers.get("Content-Type") || "").startsWith("application/json")) data = await response.json();
    } catch (error) {
      throw new Offline(String(error));
    }
    return { status: response.status, ok: response.ok, data, error: data && data.error ? data.error : null };
  }

  function failure(reply) {
    const code = reply.error ? reply.error.code : "";
    if (reply.status === 413 || code === "file_too_large") return t("too_large");
    if (reply.status === 415 || code === "unsupported_media_type") return t("unsupported");
    if (code === "unreadable_file") return t("unreadable", { message: reply.error.message });
    return t("failed", { message: reply.error ? reply.error.message : `HTTP ${reply.status}` });
  }

  async function choose(event) {
    const [file] = event.target.files;
    state.report = state.result = state.file = null;
    state.notice = null;
    if (file) {
      const type = contentType(file);
      if (!type) state.notice = { kind: "bad", text: t("wrong_type") };
      else if (file.size > MAX_FILE_BYTES) state.notice = { kind: "bad", text: t("too_large") };
      else state.file = { name: file.name, type, bytes: new Uint8Array(await file.arrayBuffer()) };
    }
    refresh();
  }

  async function run(dryRun) {
    if (!state.file) {
      state.notice = { kind: "bad", text: t("choose_first") };
      return refresh();
    }
    state.busy = dryRun ? "check" : "commit";
    state.notice = null;
    if (dryRun) state.report = null;
    state.result = null;
    refresh();
    try {
      const reply = await send(dryRun);
      if (context.refused(reply)) return;
      if (!reply.ok) state.notice = { kind: "bad", text: failure(reply) };
      else if (dryRun) state.report = reply.data;
      else {
        state.result = reply.data;
        state.report = null;
        context.onImported();
      }
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      state.notice = { kind: "bad", text: t("offline") };
    } finally {
      state.busy = null;
      refresh();
    }
  }

  // One line per row that will not import: its bad cells marked with why.
  function problemsTable(report) {
    const byRow = new Map();
    const entry = (row) => {
      if (!byRow.has(row)) byRow.set(row, { errors: {}, duplicate: null });
      return byRow.get(row);
    };
    for (const error of report.errors) {
      const cells = entry(error.row).errors;
      cells[error.field] = cells[error.field] ? `${cells[error.field]}; ${error.message}` : error.message;
    }
    for (const duplicate of report.duplicates) entry(duplicate.row).duplicate = duplicate.matches;
    if (!byRow.size) return el("p", { class: "notice ok", "data-testid": "import-no-problems", text: t("no_problems") });
    const named = new Set(report.errors.map((error) => error.field));
    const fields = [...FIELDS.filter((field) => named.has(field)), ...[...named].filter((field) => !FIELDS.includes(field))];
    const duplicateText = (matches) => {
      if (matches === "registered") return t("already");
      const row = /^row (\d+)$/.exec(matches);
      return row ? t("duplicate_of", { n: row[1] }) : matches;
    };
    const rows = [...byRow.entries()].sort(([a], [b]) => a - b);
    return el(
      "div",
      { class: "table-scroll" },
      el(
        "table",
        { class: "import-problems", "data-testid": "import-problems" },
        el("caption", { text: t("problems") }),
        el("thead", {}, el("tr", {}, el("th", { text: t("row") }), fields.map((field) => el("th", { text: fieldLabel(field) })), el("th", { text: t("note_column") }))),
        el(
          "tbody",
          {},
          rows.map(([row, { errors, duplicate }]) =>
            el(
              "tr",
              { "data-testid": `import-row-${row}`, class: duplicate ? "duplicate" : "bad-row" },
              el("th", { scope: "row", text: String(row) }),
              fields.map((field) =>
                errors[field]
                  ? el("td", { class: "bad-cell", "data-field": field, "data-testid": `import-cell-${row}-${field}`, title: errors[field], text: `✗ ${errors[field]}` })
                  : el("td", {}),
              ),
              el("td", { class: duplicate ? "duplicate-cell" : "", text: duplicate ? duplicateText(duplicate) : "" }),
            ),
          ),
        ),
      ),
    );
  }

  function renderReport(box) {
    const report = state.report;
    if (!report) return;
    const errorRows = new Set(report.errors.map((error) => error.row)).size;
    box.append(
      el(
        "ul",
        { class: "import-summary", "data-testid": "import-summary" },
        el("li", { "data-testid": "import-rows", text: t("rows", { n: report.rows }) }),
        el("li", { "data-testid": "import-valid", text: t("valid", { n: report.valid }) }),
        el("li", { "data-testid": "import-errors", text: t("error_count", { n: errorRows }) }),
        el("li", { "data-testid": "import-duplicates", text: t("duplicate_count", { n: report.duplicates.length }) }),
      ),
      problemsTable(report),
    );
    if (!report.valid) box.append(el("p", { class: "hint", text: t("nothing_to_import") }));
  }

  function renderProgress(box) {
    if (!state.busy) return;
    const rows = state.busy === "commit" && state.report ? state.report.rows : null;
    box.append(
      el("progress", { "data-testid": "import-progress", "aria-label": state.busy === "check" ? t("checking") : t("importing", { n: rows ?? "" }) }),
      el("span", { class: "hint", text: state.busy === "check" ? t("checking") : t("importing", { n: rows ?? "…" }) }),
    );
  }

  function refresh() {
    if (!ui.body) return;
    const busy = Boolean(state.busy);
    ui.file.disabled = busy;
    ui.check.disabled = busy || !state.file;
    const valid = state.report ? state.report.valid : 0;
    ui.commit.disabled = busy || !state.report || !valid;
    ui.commit.textContent = t("commit", { n: valid });
    ui.commit.className = state.report && valid ? "primary" : "hidden";
    clear(ui.progress);
    renderProgress(ui.progress);
    clear(ui.body);
    if (state.notice) ui.body.append(el("p", { class: `notice ${state.notice.kind}`, role: "alert", "data-testid": "import-notice", text: state.notice.text }));
    if (state.result) {
      const { imported, skipped, errors } = state.result;
      const errorRows = new Set(errors.map((error) => error.row)).size;
      ui.body.append(el("p", { class: "notice ok", "data-testid": "import-result", text: t("done", { imported, skipped, errors: errorRows }) }));
      if (errors.length) ui.body.append(problemsTable({ errors, duplicates: [] }));
    }
    renderReport(ui.body);
  }

  function render() {
    ui = {};
    ui.file = el("input", { id: "import-file", type: "file", accept: `.csv,.xlsx,text/csv,${XLSX}`, "data-testid": "import-file", onchange: choose });
    ui.check = el("button", { type: "button", "data-testid": "import-check", onclick: () => run(true), text: t("check") });
    ui.commit = el("button", { type: "button", "data-testid": "import-commit", onclick: () => run(false) });
    ui.progress = el("div", { class: "progress-box", "aria-live": "polite" });
    ui.body = el("div", { class: "import-body", "aria-live": "polite" });
    const section = el(
      "section",
      { class: "card import", "data-testid": "import-panel" },
      el("h2", { text: t("title") }),
      el("p", { class: "hint", text: t("note") }),
      el("label", { for: "import-file", text: t("file") }),
      ui.file,
      el("div", { class: "import-actions" }, ui.check, ui.commit),
      ui.progress,
      ui.body,
    );
    refresh();
    return section;
  }

  return { render };
}

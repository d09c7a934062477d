// The dashboard's certificate panel (API.md §11): the rule, signatories and logos
// (saved with PUT of the event document), who has earned a certificate and who is
// short of the rule with the days they missed, and the bulk PDF with its progress.
//
// Its own state survives the dashboard's re-renders (a language change). Every
// value from the API reaches the page as text (el() and textContent); a logo is
// shown from its own bytes as a data: URL, which the page's CSP allows for images.

import { Offline, apiUrl, clear, el, formatDate, translator } from "./common.js";

const MAX_SIGNATORIES = 3;
const MAX_LOGOS = 4;
const MAX_LOGO_BYTES = 200 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const DOWNLOAD_URL_LIFETIME_MS = 10 * 60 * 1000;

const t = translator({
  id: {
    title: "Sertifikat",
    rule: "Aturan sertifikat",
    rule_none: "Tanpa sertifikat",
    rule_all: "Hadir semua hari",
    rule_min: "Hadir minimal sekian hari",
    min_days: "Jumlah hari minimal",
    signatories: "Penanda tangan (maksimal 3)",
    signatory_name: "Nama penanda tangan {n}",
    signatory_title: "Jabatan penanda tangan {n}",
    logos: "Logo (PNG, maksimal 200 KB, maksimal 4; dicetak berurutan di sertifikat dan lencana)",
    logo_name: "Nama logo",
    add_logo: "Tambah logo",
    no_logos: "Belum ada logo.",
    up: "Naik",
    down: "Turun",
    remove: "Hapus",
    logo_not_png: "Berkas itu bukan PNG.",
    logo_too_big: "Logo lebih dari 200 KB.",
    logo_too_many: "Paling banyak 4 logo.",
    logo_no_name: "Isi nama logo dulu (misalnya \"USAID\").",
    save: "Simpan aturan, penanda tangan, dan logo",
    saving: "Menyimpan…",
    saved: "Tersimpan.",
    save_failed: "Gagal menyimpan: {message}",
    loading: "Memuat daftar sertifikat…",
    reload: "Muat ulang daftar",
    list_failed: "Daftar sertifikat belum dapat dimuat.",
    offline: "Tidak ada jaringan. Coba lagi.",
    no_rule: "Acara ini belum memberi sertifikat. Pilih aturan lalu simpan.",
    not_yet: "Nomor dan PDF sertifikat tersedia setelah hari terakhir ditutup ({time}).",
    available: "Acara sudah selesai: sertifikat siap.",
    eligible: "Berhak sertifikat: {n}",
    short: "Belum memenuhi aturan: {n}",
    number: "Nomor",
    name: "Nama",
    organisation: "Organisasi",
    days_attended: "Hari hadir",
    missed: "Hari tidak hadir",
    none: "—",
    nobody: "Belum ada.",
    download: "Unduh semua sertifikat (PDF)",
    preparing: "Server sedang menyiapkan sertifikat… (bisa makan waktu untuk acara besar)",
    receiving: "Mengunduh… {percent}",
    downloaded: "Sertifikat sudah diunduh.",
    open_pdf: "Buka PDF",
    download_failed: "Gagal mengunduh: {message}",
    too_large: "Terlalu banyak sertifikat untuk dikirim sekaligus.",
  },
  en: {
    title: "Certificates",
    rule: "Certificate rule",
    rule_none: "No certificates",
    rule_all: "Attended every day",
    rule_min: "Attended at least some days",
    min_days: "Minimum days",
    signatories: "Signatories (at most 3)",
    signatory_name: "Signatory {n}'s name",
    signatory_title: "Signatory {n}'s title",
    logos: "Logos (PNG, at most 200 KB, at most 4; printed in order on certificates and badges)",
    logo_name: "Logo name",
    add_logo: "Add a logo",
    no_logos: "No logos yet.",
    up: "Up",
    down: "Down",
    remove: "Remove",
    logo_not_png: "That file is not a PNG.",
    logo_too_big: "The logo is over 200 KB.",
    logo_too_many: "At most 4 logos.",
    logo_no_name: "Give the logo a name first (e.g. \"USAID\").",
    save: "Save the rule, signatories and logos",
    saving: "Saving…",
    saved: "Saved.",
    save_failed: "Could not save: {message}",
    loading: "Loading the certificates…",
    reload: "Reload the list",
    list_failed: "The certificates could not be loaded yet.",
    offline: "No network. Try again.",
    no_rule: "This event gives no certificates yet. Choose a rule and save.",
    not_yet: "Certificate numbers and PDFs are available once the last day closes ({time}).",
    available: "The event is over: the certificates are ready.",
    eligible: "Eligible: {n}",
    short: "Short of the rule: {n}",
    number: "Number",
    name: "Name",
    organisation: "Organisation",
    days_attended: "Days attended",
    missed: "Days missed",
    none: "—",
    nobody: "Nobody yet.",
    download: "Download every certificate (PDF)",
    preparing: "The server is preparing the certificates… (this can take a while for a large event)",
    receiving: "Downloading… {percent}",
    downloaded: "The certificates have been downloaded.",
    open_pdf: "Open the PDF",
    download_failed: "Could not download: {message}",
    too_large: "Too many certificates to send at once.",
  },
});

function shortDate(iso) {
  return formatDate(iso, { day: "numeric", month: "short" });
}

function dates(list) {
  return list && list.length ? list.map(shortDate).join(", ") : t("none");
}

function draftOf(event) {
  const rule = event.certificate;
  const signatories = rule ? rule.signatories.map((s) => ({ name: s.name, title: s.title || "" })) : [];
  while (signatories.length < MAX_SIGNATORIES) signatories.push({ name: "", title: "" });
  return {
    rule: rule ? rule.rule : "",
    minDays: rule && rule.min_days ? rule.min_days : 1,
    signatories,
    logos: (event.logos || []).map((logo) => ({ name: logo.name, png_base64: logo.png_base64 })),
    logoName: "",
  };
}

function isPng(bytes) {
  return PNG_SIGNATURE.every((byte, index) => bytes[index] === byte);
}

function base64Of(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// context: {authorised(method, suffix, options), refused(reply), token(), event(),
// eventPath(suffix), onEvent(event)}: what the dashboard lends the panel.
export function createCertificates(context) {
  const state = {
    draft: null,
    list: null,
    listFailed: false,
    loading: false,
    notices: {}, // form, list, download: {kind, text, link}
    progress: null, // null, or {received, total}
    busy: false,
    pdfUrl: null,
  };
  let ui = {};

  function notice(section, value) {
    state.notices[section] = value;
    const box = ui[`notice_${section}`];
    if (box) fillNotice(box, value);
  }

  function fillNotice(box, value) {
    clear(box);
    if (!value) return;
    box.append(el("p", { class: `notice ${value.kind}`, role: value.kind === "bad" ? "alert" : null }, value.text, value.link || null));
  }

  function noticeBox(section) {
    const box = el("div", { class: "notice-box", "aria-live": "polite" });
    ui[`notice_${section}`] = box;
    fillNotice(box, state.notices[section]);
    return box;
  }

  // --- the rule, signatories and logos ----------------------------------------------

  function renderForm() {
    const draft = state.draft;
    const minDays = el("input", {
      id: "certificate-min-days",
      type: "number",
      min: 1,
      max: context.event().days.length,
      value: draft.minDays,
      "data-testid": "certificate-min-days",
      oninput: (event) => (draft.minDays = Number(event.target.value)),
    });
    const minDaysRow = el("div", { class: draft.rule === "min_days" ? "" : "hidden" }, el("label", { for: "certificate-min-days", text: t("min_days") }), minDays);
    const rule = el(
      "select",
      {
        id: "certificate-rule",
        "data-testid": "certificate-rule",
        onchange: (event) => {
          draft.rule = event.target.value;
          minDaysRow.className = draft.rule === "min_days" ? "" : "hidden";
        },
      },
      el("option", { value: "", selected: draft.rule === "" }, t("rule_none")),
      el("option", { value: "all_days", selected: draft.rule === "all_days" }, t("rule_all")),
      el("option", { value: "min_days", selected: draft.rule === "min_days" }, t("rule_min")),
    );
    const signatories = draft.signatories.map((signatory, index) =>
      el(
        "div",
        { class: "signatory" },
        el("input", {
          type: "text",
          maxlength: 200,
          value: signatory.name,
          "aria-label": t("signatory_name", { n: index + 1 }),
          placeholder: t("signatory_name", { n: index + 1 }),
          "data-testid": `signatory-name-${index}`,
          oninput: (event) => (signatory.name = event.target.value),
        }),
        el("input", {
          type: "text",
          maxlength: 200,
          value: signatory.title,
          "aria-label": t("signatory_title", { n: index + 1 }),
          placeholder: t("signatory_title", { n: index + 1 }),
          "data-testid": `signatory-title-${index}`,
          oninput: (event) => (signatory.title = event.target.value),
        }),
      ),
    );
    ui.logos = el("ol", { class: "logos", "data-testid": "certificate-logos" });
    renderLogos();
    const logoName = el("input", {
      id: "logo-name",
      type: "text",
      maxlength: 200,
      value: draft.logoName,
      "data-testid": "logo-name",
      oninput: (event) => (draft.logoName = event.target.value),
    });
    const file = el("input", { id: "logo-file", type: "file", accept: "image/png", "data-testid": "logo-file", onchange: addLogo });
    return el(
      "div",
      { class: "certificate-form" },
      el("label", { for: "certificate-rule", text: t("rule") }),
      rule,
      minDaysRow,
      el("fieldset", {}, el("legend", { text: t("signatories") }), signatories),
      el(
        "fieldset",
        {},
        el("legend", { text: t("logos") }),
        ui.logos,
        el("label", { for: "logo-name", text: t("logo_name") }),
        logoName,
        el("label", { for: "logo-file", text: t("add_logo") }),
        file,
      ),
      (ui.save = el("button", { type: "button", class: "primary", "data-testid": "save-certificate", onclick: save, text: t("save") })),
      noticeBox("form"),
    );
  }

  function renderLogos() {
    const logos = state.draft.logos;
    clear(ui.logos);
    if (!logos.length) ui.logos.append(el("li", { class: "hint", text: t("no_logos") }));
    logos.forEach((logo, index) => {
      const move = (by) => () => {
        const [moved] = logos.splice(index, 1);
        logos.splice(index + by, 0, moved);
        renderLogos();
      };
      ui.logos.append(
        el(
          "li",
          { class: "logo", "data-testid": "certificate-logo" },
          el("img", { src: `data:image/png;base64,${logo.png_base64}`, alt: logo.name }),
          el("span", { class: "logo-name", text: logo.name }),
          el("button", { type: "button", disabled: index === 0, onclick: move(-1), text: t("up") }),
          el("button", { type: "button", disabled: index === logos.length - 1, onclick: move(1), text: t("down") }),
          el("button", { type: "button", onclick: () => (logos.splice(index, 1), renderLogos()), text: t("remove") }),
        ),
      );
    });
  }

  async function addLogo(event) {
    const input = event.target;
    const [file] = input.files;
    if (!file) return;
    const draft = state.draft;
    input.value = "";
    const name = draft.logoName.trim() || file.name.replace(/\.png$/i, "").trim();
    if (!name) return notice("form", { kind: "bad", text: t("logo_no_name") });
    if (draft.logos.length >= MAX_LOGOS) return notice("form", { kind: "bad", text: t("logo_too_many") });
    if (file.size > MAX_LOGO_BYTES) return notice("form", { kind: "bad", text: t("logo_too_big") });
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (!isPng(bytes)) return notice("form", { kind: "bad", text: t("logo_not_png") });
    draft.logos.push({ name: name.slice(0, 200), png_base64: base64Of(bytes) });
    draft.logoName = "";
    notice("form", null);
    renderLogos();
  }

  async function save() {
    const draft = state.draft;
    ui.save.disabled = true;
    notice("form", { kind: "info", text: t("saving") });
    try {
      // The document as it is now, so nothing else an organiser changed is lost.
      const current = await context.authorised("GET", "");
      if (context.refused(current)) return;
      if (!current.ok) throw new Error(current.error ? current.error.message : `HTTP ${current.status}`);
      const certificate = draft.rule
        ? {
            rule: draft.rule,
            ...(draft.rule === "min_days" ? { min_days: draft.minDays } : {}),
            signatories: draft.signatories
              .filter((s) => s.name.trim())
              .map((s) => ({ name: s.name.trim(), title: s.title.trim() })),
          }
        : null;
      const body = { ...current.data, certificate, logos: draft.logos };
      const reply = await context.authorised("PUT", "", { body });
      if (context.refused(reply)) return;
      if (!reply.ok) {
        const fields = reply.error && reply.error.fields ? ` (${reply.error.fields.map((f) => f.field).join(", ")})` : "";
        const message = reply.error ? `${reply.error.message}${fields}` : `HTTP ${reply.status}`;
        return notice("form", { kind: "bad", text: t("save_failed", { message }) });
      }
      context.onEvent(reply.data);
      notice("form", { kind: "ok", text: t("saved") });
      load();
    } catch (error) {
      if (!(error instanceof Offline)) return notice("form", { kind: "bad", text: t("save_failed", { message: String(error.message || error) }) });
      notice("form", { kind: "bad", text: t("offline") });
    } finally {
      ui.save.disabled = false;
    }
  }

  // --- who has earned one ----------------------------------------------------------

  async function load() {
    if (state.loading) return;
    state.loading = true;
    try {
      const reply = await context.authorised("GET", "/certificates");
      if (context.refused(reply)) return;
      state.listFailed = !reply.ok;
      if (reply.ok) state.list = reply.data;
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      state.listFailed = true;
    } finally {
      state.loading = false;
    }
    renderList();
  }

  function table(testid, headings, rows) {
    if (!rows.length) return el("p", { class: "hint", "data-testid": testid, text: t("nobody") });
    return el(
      "div",
      { class: "table-scroll" },
      el(
        "table",
        { "data-testid": testid },
        el("thead", {}, el("tr", {}, headings.map((heading) => el("th", { text: heading })))),
        el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell) => el("td", { text: cell }))))),
      ),
    );
  }

  function renderList() {
    const box = ui.list;
    if (!box) return;
    clear(box);
    const list = state.list;
    if (!list) {
      box.append(el("p", { class: state.listFailed ? "notice bad" : "hint", text: state.listFailed ? t("list_failed") : t("loading") }));
      return;
    }
    if (state.listFailed) box.append(el("p", { class: "notice warn", text: t("list_failed") }));
    if (!list.rule) box.append(el("p", { class: "hint", "data-testid": "certificates-status", text: t("no_rule") }));
    else {
      const time = new Date(list.available_from).toLocaleString();
      box.append(el("p", { class: "hint", "data-testid": "certificates-status", text: list.available ? t("available") : t("not_yet", { time }) }));
    }
    box.append(
      el("h3", { text: t("eligible", { n: list.certificates.length }) }),
      table(
        "certificates-eligible",
        [t("number"), t("name"), t("organisation"), t("days_attended")],
        list.certificates.map((c) => [c.number || t("none"), c.name, c.organisation, dates(c.days_attended)]),
      ),
      el("h3", { text: t("short", { n: list.not_eligible }) }),
      table(
        "certificates-short",
        [t("name"), t("organisation"), t("days_attended"), t("missed")],
        list.short.map((s) => [s.name, s.organisation, dates(s.days_attended), dates(s.missed)]),
      ),
    );
    if (ui.download) ui.download.disabled = state.busy || !list.available || !list.certificates.length;
  }

  // --- the bulk PDF, with its progress ---------------------------------------------

  function renderProgress() {
    const box = ui.progress;
    if (!box) return;
    clear(box);
    const progress = state.progress;
    if (!progress) return;
    const bar = el("progress", { "data-testid": "certificates-progress", max: progress.total || null });
    if (progress.total) bar.value = progress.received;
    const percent = progress.total ? `${Math.round((100 * progress.received) / progress.total)}%` : `${Math.round(progress.received / 1024)} KB`;
    box.append(bar, el("span", { class: "hint", text: progress.received ? t("receiving", { percent }) : t("preparing") }));
  }

  async function download() {
    state.busy = true;
    ui.download.disabled = true;
    state.progress = { received: 0, total: 0 };
    notice("download", null);
    renderProgress();
    try {
      const response = await fetch(apiUrl(context.eventPath("/certificates.pdf")), {
        headers: { Accept: "application/pdf", Authorization: `Bearer ${context.token()}` },
        cache: "no-store",
        credentials: "omit",
      }).catch((error) => {
        throw new Offline(String(error));
      });
      if (!response.ok) {
        let data = null;
        try {
          data = await response.json();
        } catch {
          data = null;
        }
        const reply = { status: response.status, ok: false, data, error: data && data.error };
        if (context.refused(reply)) return;
        const message = response.status === 413 ? t("too_large") : reply.error ? reply.error.message : `HTTP ${response.status}`;
        return notice("download", { kind: "bad", text: t("download_failed", { message }) });
      }
      const total = Number(response.headers.get("Content-Length")) || 0;
      const chunks = [];
      let received = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read().catch((error) => {
          throw new Offline(String(error));
        });
        if (done) break;
        chunks.push(value);
        received += value.length;
        state.progress = { received, total };
        renderProgress();
      }
      const blob = new Blob(chunks, { type: "application/pdf" });
      if (state.pdfUrl) URL.revokeObjectURL(state.pdfUrl);
      state.pdfUrl = URL.createObjectURL(blob);
      const name = `sertifikat-${context.event().id}.pdf`;
      const save = el("a", { href: state.pdfUrl, download: name, class: "hidden" });
      document.body.append(save);
      save.click();
      save.remove();
      const url = state.pdfUrl;
      setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
      const open = el("a", { href: state.pdfUrl, target: "_blank", rel: "noopener", class: "open-pdf", "data-testid": "open-certificates", text: t("open_pdf") });
      notice("download", { kind: "ok", text: `${t("downloaded")} `, link: open });
      load(); // the numbers just given
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      notice("download", { kind: "bad", text: t("offline") });
    } finally {
      state.busy = false;
      state.progress = null;
      renderProgress();
      if (ui.download) ui.download.disabled = !(state.list && state.list.available && state.list.certificates.length);
    }
  }

  function render() {
    ui = {};
    if (!state.draft) state.draft = draftOf(context.event());
    ui.list = el("div", { class: "certificate-list", "aria-live": "polite" });
    ui.progress = el("div", { class: "progress-box" });
    ui.download = el("button", { type: "button", "data-testid": "download-certificates", onclick: download, text: t("download"), disabled: true });
    const section = el(
      "section",
      { class: "card certificates", "data-testid": "certificates-panel" },
      el("h2", { text: t("title") }),
      renderForm(),
      el("button", { type: "button", "data-testid": "reload-certificates", onclick: load, text: t("reload") }),
      ui.list,
      ui.download,
      ui.progress,
      noticeBox("download"),
    );
    renderList();
    renderProgress();
    if (!state.list && !state.loading) load();
    return section;
  }

  return { render, load };
}

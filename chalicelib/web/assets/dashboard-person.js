// One person on the dashboard: the detail (GET .../attendees/{id}), the edit
// form (PATCH, API.md §10), cancel (DELETE, 409 already_checked_in said in
// words) and undoing a day's check-in (DELETE /checkins/{id}/{date}).
// A failed save keeps what was typed in the form.

import { Offline, clear, el, translator } from "./common.js";
import { emailHistory, sentAgain } from "./dashboard-email.js";

const t = translator({
  id: {
    detail: "Rincian peserta",
    close: "Tutup",
    loading: "Memuat…",
    not_found: "Peserta ini tidak ditemukan.",
    failed: "Gagal: {message}",
    offline: "Tidak ada jaringan. Yang diisi tetap ada; coba lagi.",
    email: "Email",
    phone: "Telepon",
    job_title: "Jabatan",
    display_name: "Nama sapaan",
    name: "Nama",
    organisation: "Organisasi",
    gender: "Jenis kelamin",
    organisation_type: "Jenis organisasi",
    days: "Hari terdaftar",
    source: "Cara daftar",
    status: "Status",
    registered_at: "Mendaftar",
    prints: "Lencana dicetak",
    never: "belum pernah",
    checkins: "Kehadiran",
    no_checkins: "Belum hadir.",
    undo: "Batalkan check-in {date}",
    confirm_undo: "Batalkan check-in tanggal {date}? Hitungan akan menyesuaikan.",
    undone: "Check-in {date} dibatalkan.",
    edit: "Ubah data",
    save: "Simpan",
    saving: "Menyimpan…",
    saved: "Perubahan disimpan.",
    cancel_reg: "Batalkan pendaftaran",
    confirm_cancel: "Batalkan pendaftaran {name}? Lencananya tidak berlaku lagi.",
    cancelled_ok: "Pendaftaran dibatalkan.",
    already_checked_in: "Tidak bisa dibatalkan: orang ini sudah check-in. Batalkan dulu check-in-nya (tombol di atas), lalu coba lagi.",
    already_registered: "Email itu sudah dipakai pendaftaran lain.",
    day_has_checkin: "Hari yang dihapus sudah ada check-in-nya. Batalkan dulu check-in hari itu.",
    no_route: "Server ini belum bisa mengubah data peserta (PATCH belum tersedia).",
    cancelled: "Dibatalkan",
    active: "Aktif",
    online: "daring",
    walk_in: "di tempat",
    import: "impor",
    none: "—",
    female: "Perempuan",
    male: "Laki-laki",
    prefer_not_to_say: "Memilih tidak menyebut",
    ngo: "LSM",
    community: "Komunitas",
    government: "Pemerintah",
    academia: "Akademisi",
    media: "Media",
    private_sector: "Swasta",
    donor: "Donor",
    other: "Lainnya",
  },
  en: {
    detail: "Attendee details",
    close: "Close",
    loading: "Loading…",
    not_found: "This attendee was not found.",
    failed: "Failed: {message}",
    offline: "No network. What you typed is kept; try again.",
    email: "Email",
    phone: "Phone",
    job_title: "Job title",
    display_name: "Display name",
    name: "Name",
    organisation: "Organisation",
    gender: "Gender",
    organisation_type: "Organisation type",
    days: "Days registered",
    source: "Registered",
    status: "Status",
    registered_at: "Registered at",
    prints: "Badge printed",
    never: "never",
    checkins: "Check-ins",
    no_checkins: "Not checked in yet.",
    undo: "Undo the check-in of {date}",
    confirm_undo: "Undo the check-in of {date}? The counts follow.",
    undone: "Check-in of {date} undone.",
    edit: "Edit",
    save: "Save",
    saving: "Saving…",
    saved: "Changes saved.",
    cancel_reg: "Cancel the registration",
    confirm_cancel: "Cancel the registration of {name}? Their badge stops working.",
    cancelled_ok: "Registration cancelled.",
    already_checked_in: "Cannot cancel: this person has checked in. Undo the check-ins first (buttons above), then try again.",
    already_registered: "That email belongs to another registration.",
    day_has_checkin: "A day you removed has a check-in. Undo that day's check-in first.",
    no_route: "This server cannot edit attendees yet (PATCH is not available).",
    cancelled: "Cancelled",
    active: "Active",
    online: "online",
    walk_in: "walk-in",
    import: "import",
    none: "—",
    female: "Female",
    male: "Male",
    prefer_not_to_say: "Prefers not to say",
    ngo: "NGO",
    community: "Community",
    government: "Government",
    academia: "Academia",
    media: "Media",
    private_sector: "Private sector",
    donor: "Donor",
    other: "Other",
  },
});

const GENDERS = ["female", "male", "prefer_not_to_say"];
const TYPES = ["ngo", "community", "government", "academia", "media", "private_sector", "donor", "other"];
const TEXT_FIELDS = [
  ["name", 200],
  ["display_name", 40],
  ["organisation", 200],
  ["job_title", 200],
  ["email", 254],
  ["phone", 32],
];

function message(reply) {
  if (reply.error && t(reply.error.code) !== reply.error.code) return t(reply.error.code);
  return t("failed", { message: reply.error ? reply.error.message : `HTTP ${reply.status}` });
}

// box: where the panel goes; hooks.changed(summaryFields) after a change.
export async function openDetail(ctx, box, id, hooks) {
  const path = `/attendees/${encodeURIComponent(id)}`;
  const notice = el("div", { class: "notice-box", "aria-live": "polite", "data-testid": "person-notice" });
  const say = (kind, text) => {
    clear(notice).append(el("p", { class: `notice ${kind}`, role: kind === "bad" ? "alert" : null, text }));
  };
  const close = () => clear(box);

  async function reload() {
    clear(box).append(el("p", { class: "loading", text: t("loading") }));
    let reply;
    try {
      reply = await ctx.authorised("GET", path);
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      clear(box).append(el("p", { class: "notice bad", role: "alert", text: t("offline") }));
      return;
    }
    if (ctx.refused(reply)) return;
    if (reply.status === 404) return clear(box).append(el("p", { class: "notice bad", role: "alert", text: t("not_found") }));
    if (!reply.ok) return clear(box).append(el("p", { class: "notice bad", role: "alert", text: message(reply) }));
    draw(reply.data);
  }

  async function act(method, suffix, options, onOk) {
    try {
      const reply = await ctx.authorised(method, suffix, options);
      if (ctx.refused(reply)) return false;
      if (reply.status === 405 || (reply.status === 404 && !reply.error)) {
        say("bad", t("no_route"));
        return false;
      }
      if (!reply.ok) {
        say("bad", message(reply));
        return false;
      }
      await onOk(reply.data);
      return true;
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      say("bad", t("offline"));
      return false;
    }
  }

  function summaryOf(person) {
    return {
      name: person.name,
      organisation: person.organisation,
      status: person.status,
      days: person.days.map((date) => {
        const checkin = (person.checkins || []).find((item) => item.date === date);
        return { date, checked_in_at: checkin ? checkin.checked_in_at : null };
      }),
    };
  }

  function draw(person) {
    const dayNumber = (date) => (ctx.event.days.find((day) => day.date === date) || {}).number;
    const fact = (label, value) => [el("dt", { text: label }), el("dd", { text: value || t("none") })];
    const checkins = (person.checkins || []).map((checkin) =>
      el(
        "li",
        { "data-testid": "person-checkin", "data-date": checkin.date },
        `${checkin.date} · ${ctx.clockTime(checkin.checked_in_at)} · ${checkin.desk || ""} `,
        el("button", {
          type: "button",
          class: "danger",
          "data-testid": "undo-checkin",
          onclick: async () => {
            if (!confirm(t("confirm_undo", { date: checkin.date }))) return;
            await act("DELETE", `/checkins/${encodeURIComponent(person.attendee_id)}/${checkin.date}`, {}, async () => {
              await reload();
              say("ok", t("undone", { date: checkin.date }));
              const fresh = await ctx.authorised("GET", path);
              hooks.changed(fresh.ok ? summaryOf(fresh.data) : null);
            });
          },
          text: t("undo", { date: checkin.date }),
        }),
      ),
    );

    // The edit form, filled from the record; only changed fields are sent.
    const inputs = {};
    const fields = TEXT_FIELDS.map(([name, max]) => {
      inputs[name] = el("input", { id: `edit-${name}`, name, maxlength: max, value: person[name] ?? "", "data-testid": `edit-${name}`, autocomplete: "off" });
      return el("div", { class: "field" }, el("label", { for: `edit-${name}`, text: t(name) }), inputs[name]);
    });
    const choice = (name, values) => {
      inputs[name] = el(
        "select",
        { id: `edit-${name}`, name, "data-testid": `edit-${name}` },
        el("option", { value: "", text: t("none") }),
        values.map((value) => el("option", { value, selected: person[name] === value, text: t(value) })),
      );
      return el("div", { class: "field" }, el("label", { for: `edit-${name}`, text: t(name) }), inputs[name]);
    };
    const dayBoxes = ctx.event.days.map((day) =>
      el(
        "label",
        { class: "check" },
        el("input", { type: "checkbox", value: day.date, checked: person.days.includes(day.date), "data-testid": `edit-day-${day.date}` }),
        ` ${day.date}`,
      ),
    );
    const form = el(
      "form",
      { class: "edit-form", "data-testid": "edit-form", novalidate: true },
      fields,
      choice("gender", GENDERS),
      choice("organisation_type", TYPES),
      el("fieldset", {}, el("legend", { text: t("days") }), dayBoxes),
      el("button", { type: "submit", class: "primary", "data-testid": "edit-save", text: t("save") }),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {};
      for (const [name] of TEXT_FIELDS) {
        const value = inputs[name].value.trim();
        if (value !== (person[name] ?? "")) body[name] = value === "" ? null : value;
      }
      for (const name of ["gender", "organisation_type"]) {
        const value = inputs[name].value || null;
        if (value !== (person[name] ?? null)) body[name] = value;
      }
      const days = dayBoxes.map((label) => label.querySelector("input")).filter((box) => box.checked).map((box) => box.value);
      if (days.join() !== person.days.join()) body.days = days;
      if (Object.keys(body).length === 0) return say("ok", t("saved"));
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      say("info", t("saving"));
      await act("PATCH", path, { body }, async (data) => {
        draw(data);
        say("ok", t("saved"));
        hooks.changed(summaryOf(data));
      });
      button.disabled = false;
    });

    const cancelButton =
      person.status === "active"
        ? el("button", {
            type: "button",
            class: "danger",
            "data-testid": "cancel-person",
            onclick: async () => {
              if (!confirm(t("confirm_cancel", { name: person.name }))) return;
              await act("DELETE", path, {}, async () => {
                await reload();
                say("ok", t("cancelled_ok"));
                hooks.changed({ status: "cancelled" });
              });
            },
            text: t("cancel_reg"),
          })
        : null;

    clear(box).append(
      el(
        "div",
        { class: "card person-detail", "data-testid": "person-detail", "data-id": person.attendee_id },
        el("h3", { "data-testid": "person-name", text: person.name }),
        el("button", { type: "button", class: "close", "data-testid": "person-close", onclick: close, text: t("close") }),
        notice,
        el(
          "dl",
          {},
          fact(t("status"), person.status === "cancelled" ? t("cancelled") : t("active")),
          fact(t("organisation"), person.organisation),
          fact(t("email"), person.email),
          fact(t("phone"), person.phone),
          fact(t("source"), t(person.source || "online")),
          fact(t("registered_at"), ctx.clockTime(person.registered_at)),
          fact(t("days"), person.days.map((date) => `${dayNumber(date) ?? ""} (${date})`).join(", ")),
          fact(t("prints"), person.badge && person.badge.prints.length ? String(person.badge.prints.length) : t("never")),
        ),
        el("h4", { text: t("checkins") }),
        checkins.length ? el("ul", { class: "checkins" }, checkins) : el("p", { class: "hint", text: t("no_checkins") }),
        emailHistory(person.emails, (kind) => act("POST", "/emails", { body: { kind, attendee_ids: [person.attendee_id] } }, async () => (await reload(), say("ok", sentAgain())))),
        cancelButton,
        person.status === "active" ? el("details", { class: "edit" }, el("summary", { "data-testid": "edit-open", text: t("edit") }), form) : null,
      ),
    );
  }

  await reload();
  box.scrollIntoView({ block: "nearest" });
}

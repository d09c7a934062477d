// The desk's allowances (API.md §12): a "pay" button per allowance on a person
// checked in today, and the list of who is still unpaid today.
//
// A payment is never queued offline: the server alone says paid or already
// paid (and by which desk), so a tap without a network just says so.

import { Offline, api, el, eventId, translator } from "./common.js";

const t = translator({
  id: {
    pay: "Bayar {label} · {amount}",
    paying: "Membayar…",
    paid: "Dibayar pukul {time} · {desk}",
    already_paid: "Sudah dibayar pukul {time} oleh {desk}",
    a_desk: "meja lain",
    not_checked_in: "Belum check-in hari ini: belum bisa dibayar.",
    offline: "Tidak ada jaringan: pembayaran belum tercatat. Coba lagi.",
    failed: "Gagal: {message}",
    unpaid_title: "Belum dibayar hari ini",
    allowance: "Tunjangan",
    show: "Tampilkan",
    refresh: "Muat ulang",
    loading: "Memuat…",
    counts: "{paid} dari {checked_in} peserta yang hadir sudah dibayar; {unpaid} belum.",
    none_unpaid: "Semua yang hadir hari ini sudah dibayar.",
    in_at: "Hadir pukul {time}",
    no_day: "Hari ini bukan hari acara.",
  },
  en: {
    pay: "Pay {label} · {amount}",
    paying: "Paying…",
    paid: "Paid at {time} · {desk}",
    already_paid: "Already paid at {time} by {desk}",
    a_desk: "another desk",
    not_checked_in: "Not checked in today: cannot be paid yet.",
    offline: "No network: the payment was not recorded. Try again.",
    failed: "Failed: {message}",
    unpaid_title: "Still unpaid today",
    allowance: "Allowance",
    show: "Show",
    refresh: "Reload",
    loading: "Loading…",
    counts: "{paid} of {checked_in} people checked in have been paid; {unpaid} not yet.",
    none_unpaid: "Everyone checked in today has been paid.",
    in_at: "Checked in at {time}",
    no_day: "Today is not an event day.",
  },
});

// Rp150.000: Indonesian thousands dots, no decimals.
export function rupiah(amount) {
  const digits = String(Math.abs(Math.trunc(amount || 0))).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${amount < 0 ? "-" : ""}Rp${digits}`;
}

const eventPath = `/events/${encodeURIComponent(eventId)}`;
// attendee_id + allowance + date → {kind, text}: what this desk last learnt.
const outcomes = new Map();
let unpaidState = { code: null, data: null, busy: false, error: null };

function clock(event, iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: event.timezone,
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(iso));
}

async function pay(ctx, attendeeId, allowance, day) {
  const key = `${attendeeId}|${allowance.code}|${day.date}`;
  let reply;
  try {
    reply = await api("POST", `${eventPath}/allowances/${encodeURIComponent(allowance.code)}/payments`, {
      token: ctx.token(),
      body: { attendee_id: attendeeId, date: day.date },
    });
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    outcomes.set(key, { kind: "bad", text: t("offline") });
    return;
  }
  if (reply.status === 401 || reply.status === 403) return ctx.refused(reply.status);
  const event = ctx.event();
  const error = reply.error || {};
  if (reply.status === 201) {
    outcomes.set(key, { kind: "ok", paid: true, text: t("paid", { time: clock(event, reply.data.paid_at), desk: reply.data.desk || "" }) });
  } else if (error.code === "already_paid") {
    outcomes.set(key, { kind: "warn", paid: true, text: t("already_paid", { time: clock(event, error.paid_at), desk: error.desk || t("a_desk") }) });
  } else if (error.code === "not_checked_in") {
    outcomes.set(key, { kind: "bad", text: t("not_checked_in") });
  } else {
    outcomes.set(key, { kind: "bad", text: t("failed", { message: error.message || `HTTP ${reply.status}` }) });
  }
}

// One button (and its last outcome) per allowance, for a person checked in
// today; null when there is nothing to pay here.
export function payButtons(ctx, attendeeId, checkedInToday) {
  const event = ctx.event();
  const day = ctx.today();
  const allowances = (event && event.allowances) || [];
  if (!day || !checkedInToday || allowances.length === 0) return null;
  return el(
    "div",
    { class: "pay-box", "data-testid": "pay-box" },
    allowances.map((allowance) => {
      const key = `${attendeeId}|${allowance.code}|${day.date}`;
      const outcome = outcomes.get(key);
      const note = el("p", {
        class: `status ${outcome ? outcome.kind : ""}`,
        role: "status",
        "data-testid": "pay-result",
        "data-allowance": allowance.code,
        text: outcome ? outcome.text : "",
      });
      const button = el("button", {
        type: "button",
        class: outcome && outcome.paid ? "" : "primary",
        "data-testid": "pay-button",
        "data-allowance": allowance.code,
        text: t("pay", { label: allowance.label, amount: rupiah(allowance.amount) }),
      });
      button.addEventListener("click", async () => {
        button.disabled = true;
        button.textContent = t("paying");
        await pay(ctx, attendeeId, allowance, day);
        ctx.rerender();
      });
      return el("div", { class: "pay-row" }, button, note);
    }),
  );
}

// --- who is still unpaid today ------------------------------------------------

async function loadUnpaid(ctx, code) {
  const day = ctx.today();
  unpaidState = { ...unpaidState, code, busy: true, error: null };
  ctx.rerender();
  let reply;
  try {
    const path = `${eventPath}/allowances/${encodeURIComponent(code)}/unpaid?date=${day.date}`;
    reply = await api("GET", path, { token: ctx.token() });
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    unpaidState = { ...unpaidState, busy: false, error: t("offline") };
    return ctx.rerender();
  }
  if (reply.status === 401 || reply.status === 403) return ctx.refused(reply.status);
  unpaidState = reply.ok
    ? { code, data: reply.data, busy: false, error: null }
    : { ...unpaidState, busy: false, error: t("failed", { message: (reply.error && reply.error.message) || `HTTP ${reply.status}` }) };
  ctx.rerender();
}

export function hasAllowances(event) {
  return Boolean(event && event.allowances && event.allowances.length);
}

export function unpaidSection(ctx) {
  const event = ctx.event();
  const day = ctx.today();
  const allowances = event.allowances || [];
  if (!day) return el("section", { class: "pay-section" }, el("p", { class: "hint", text: t("no_day") }));
  const code = unpaidState.code && allowances.some((a) => a.code === unpaidState.code) ? unpaidState.code : allowances[0].code;
  const select = el(
    "select",
    { id: "unpaid-allowance", "data-testid": "unpaid-allowance" },
    allowances.map((a) => el("option", { value: a.code, selected: a.code === code, text: `${a.label} · ${rupiah(a.amount)}` })),
  );
  select.addEventListener("change", () => loadUnpaid(ctx, select.value));
  const list = el("ul", { class: "list unpaid-list", "data-testid": "unpaid-list" });
  const data = unpaidState.data && unpaidState.code === code && unpaidState.data.date === day.date ? unpaidState.data : null;
  if (data) {
    for (const person of data.unpaid) {
      list.append(
        el(
          "li",
          { "data-testid": "unpaid-person", "data-attendee": person.attendee_id },
          el(
            "div",
            { class: "who" },
            el("strong", { class: "name", text: person.name }),
            el("div", { class: "muted", text: person.organisation }),
            el("div", { class: "muted", text: t("in_at", { time: clock(event, person.checked_in_at) }) }),
          ),
          payButtons({ ...ctx, event: () => ({ ...event, allowances: allowances.filter((a) => a.code === code) }) }, person.attendee_id, true),
        ),
      );
    }
  }
  return el(
    "section",
    { class: "pay-section card", "data-testid": "unpaid-section" },
    el("h2", { text: t("unpaid_title") }),
    el("label", { for: "unpaid-allowance", text: t("allowance") }),
    select,
    el(
      "div",
      { class: "row-actions" },
      el("button", {
        type: "button",
        class: "primary",
        "data-testid": "unpaid-load",
        disabled: unpaidState.busy,
        onclick: () => loadUnpaid(ctx, select.value),
        text: unpaidState.busy ? t("loading") : data ? t("refresh") : t("show"),
      }),
    ),
    unpaidState.error ? el("p", { class: "notice bad", role: "alert", text: unpaidState.error }) : null,
    data
      ? el("p", {
          class: "hint",
          "data-testid": "unpaid-counts",
          text: data.unpaid.length ? t("counts", { paid: data.paid, checked_in: data.checked_in, unpaid: data.unpaid.length }) : t("none_unpaid"),
        })
      : null,
    list,
  );
}

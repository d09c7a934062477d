// Check-in, shared by the desk and the kiosk: one scan becomes one request, its
// answer a full-screen result. When the request fails or takes over 3 s the page
// decides by itself from the roster on the device and its own queue (API.md
// section 13), marks the result "offline", and queues the scan in IndexedDB
// (it survives a reload, a closed tab and a sign-out). At the sync each server
// answer is compared with what was shown; every difference is kept and listed.
//
// Resending a queued scan is always safe: the API answers a repeated scan_id
// with the first answer and changes nothing.

import { add, readAll, remove } from "./roster.js";
import {
  Offline,
  api,
  beep,
  clear,
  el,
  eventId,
  isRetryable,
  localClock,
  randomId,
  serverNow,
  syncClock,
  translator,
} from "./common.js";

const REPEAT_MS = 10000; // one read per badge: the same code within 10 s repeats its result
const CHECKIN_TIMEOUT_MS = 3000; // then the page decides offline
const RETRY_MS = 5000; // the queue is tried again this often while it holds scans
const SYNC_SHOWN = 30; // synced results kept on screen

export const t = translator({
  id: {
    reason_badge_not_found: "Lencana tidak dikenal.",
    reason_badge_revoked: "Lencana ini sudah tidak berlaku (diganti atau dibatalkan).",
    reason_wrong_event: "Lencana ini untuk acara lain.",
    reason_not_registered_for_day: "Tidak terdaftar untuk hari ini.",
    reason_not_an_event_day: "Hari ini bukan hari acara.",
    reason_outside_checkin_hours: "Di luar jam check-in.",
    reason_validation_error: "Data pindaian tidak valid.",
    reason_event_not_found: "Acara tidak ditemukan.",
    reason_unknown: "Tidak dapat diproses.",
    already_at: "Sudah check-in pukul {time}, {desk}",
    queue_one: "1 pindaian menunggu jaringan",
    queue_many: "{n} pindaian menunggu jaringan",
    send_now: "Kirim sekarang",
    synced_title: "Hasil pindaian yang terkirim",
    tap_to_close: "Ketuk untuk menutup",
    saved: "Tersimpan, akan dikirim",
    offline_mark: "OFFLINE · keputusan dari daftar di perangkat ini, akan dikirim",
    differences_title: "Perbedaan setelah sinkronisasi",
    colour_ok: "hijau",
    colour_warn: "kuning",
    colour_bad: "merah",
    difference: "{name}ditampilkan {colour} (offline) pukul {time}; server: {server}",
    server_ok: "check-in diterima",
    server_warn: "sudah check-in pukul {time} di {desk}",
    server_bad: "ditolak: {reason}",
  },
  en: {
    reason_badge_not_found: "Badge not recognised.",
    reason_badge_revoked: "This badge is no longer valid (replaced or cancelled).",
    reason_wrong_event: "This badge is for another event.",
    reason_not_registered_for_day: "Not registered for today.",
    reason_not_an_event_day: "Today is not an event day.",
    reason_outside_checkin_hours: "Outside check-in hours.",
    reason_validation_error: "The scan data was not valid.",
    reason_event_not_found: "Event not found.",
    reason_unknown: "Could not be processed.",
    already_at: "Already checked in at {time}, {desk}",
    queue_one: "1 scan waiting for the network",
    queue_many: "{n} scans waiting for the network",
    send_now: "Send now",
    synced_title: "Results of sent scans",
    tap_to_close: "Tap to close",
    saved: "Saved, will be sent",
    offline_mark: "OFFLINE · decided from this device's list, will be sent",
    differences_title: "Differences after the sync",
    colour_ok: "green",
    colour_warn: "amber",
    colour_bad: "red",
    difference: "{name}shown {colour} offline at {time}; the server says {server}",
    server_ok: "checked in",
    server_warn: "already checked in at {time} at {desk}",
    server_bad: "refused: {reason}",
  },
});

const KNOWN_REASONS = new Set([
  "badge_not_found",
  "badge_revoked",
  "wrong_event",
  "not_registered_for_day",
  "not_an_event_day",
  "outside_checkin_hours",
  "validation_error",
  "event_not_found",
]);

// A refusal in plain words. The check-in window is only in the API's message.
export function reasonText(error) {
  const code = error && error.code;
  if (code === "outside_checkin_hours") {
    return `${t("reason_outside_checkin_hours")} ${error.message || ""}`.trim();
  }
  if (KNOWN_REASONS.has(code)) return t(`reason_${code}`);
  return (error && error.message) || t("reason_unknown");
}

export function alreadyText(body) {
  return t("already_at", { time: localClock(body.checked_in_at_local), desk: body.desk || "" });
}

export function firstName(name) {
  return String(name || "").trim().split(/\s+/)[0] || "";
}

const ICONS = { ok: "✓", warn: "!", bad: "✕", queued: "…" };
const CLASSES = { ok: "ok", warn: "warn", bad: "bad", queued: "info" };
const TONES = { ok: "ok", warn: "warn", bad: "bad", queued: "ok" };

// An answer to a check-in: "ok", "warn" or "bad", with the API's body or error.
export function classify(reply) {
  if (reply.ok) {
    const already = reply.data && reply.data.result === "already_checked_in";
    return { result: already ? "warn" : "ok", body: reply.data || {}, status: reply.status };
  }
  // A refusal's body may name the person (a revoked badge, to a desk: `attendee: {id, name}`).
  return { result: "bad", error: reply.error || {}, body: reply.data || {}, status: reply.status };
}

// "09:12" for an instant, in the event's time zone.
function clockIn(event, instant) {
  if (!event || !instant) return "";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: event.timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(instant));
}

// One difference between what the desk showed offline and what the server said.
export function differenceText(item, event) {
  let server;
  if (item.server === "ok") server = t("server_ok");
  else if (item.server === "warn") {
    server = t("server_warn", { time: localClock(item.body.checked_in_at_local), desk: item.body.desk || "" });
  } else server = t("server_bad", { reason: reasonText(item.error) });
  return t("difference", {
    name: item.name ? `${item.name}: ` : "",
    colour: t(`colour_${item.shown}`),
    time: clockIn(event, item.shown_at),
    server,
  });
}

// describe(outcome) → {headline, who, detail} is the page's: the desk names the
// person, the kiosk only greets them by first name. syncLine(outcome) → text of
// one synced result. onUnauthorized(status): the token was refused (401/403).
// decideOffline(entry, queued) → an outcome decided on the device, or null when
// the device cannot decide (no roster yet). getEvent() → the event.
export function createCheckin({
  getToken,
  describe,
  syncLine,
  onUnauthorized,
  overlayMs = 2500,
  decideOffline = async () => null,
  getEvent = () => null,
}) {
  const legacyKey = `hadir.queue.${eventId}`; // the queue of earlier versions, in localStorage
  const path = `/events/${encodeURIComponent(eventId)}/checkins`;
  const lastResult = new Map(); // code → {at, outcome}: one read per badge
  const inFlight = new Set();
  const synced = []; // newest first: {outcome}
  let queue = []; // the IndexedDB queue as last read, oldest first
  let differences = []; // kept in IndexedDB, oldest first
  let flushing = false;
  let hideTimer = null;
  let shown = null;

  const overlay = el("div", {
    class: "result hidden",
    "data-testid": "result",
    role: "alert",
    onclick: hide,
  });
  const bannerText = el("span");
  const banner = el(
    "div",
    { class: "notice warn queue-banner hidden", "data-testid": "queue-banner", role: "status" },
    bannerText,
    " ",
    el("button", { type: "button", class: "send-now", onclick: () => flush() }),
  );
  const syncList = el("ul", { class: "list sync-list", "data-testid": "sync-results" });
  const syncBox = el("section", { class: "card sync-box hidden" }, el("h2"), syncList);
  const differenceList = el("ul", { class: "list sync-list", "data-testid": "differences" });
  const differencesBox = el("section", { class: "card sync-box differences hidden" }, el("h2"), differenceList);

  async function readQueue() {
    try {
      queue = await readAll("queue");
    } catch {
      // no IndexedDB (a private window of some browsers): the queue is this page's only
    }
    render();
    return queue;
  }

  // Anything an earlier version left in localStorage joins the IndexedDB queue, in order.
  async function carryOver() {
    let old = [];
    try {
      old = JSON.parse(localStorage.getItem(legacyKey) || "[]");
    } catch {
      old = [];
    }
    const known = new Set((await readAll("queue")).map((entry) => entry.scan_id));
    for (const entry of Array.isArray(old) ? old : []) {
      if (entry && entry.scan_id && !known.has(entry.scan_id)) await add("queue", entry);
    }
    localStorage.removeItem(legacyKey);
  }

  async function load() {
    try {
      await carryOver();
      differences = await readAll("differences");
    } catch {
      // IndexedDB unavailable: nothing was kept there either
    }
    await readQueue();
  }

  // Texts in the current language (called again after a language switch).
  function render() {
    const waiting = queue.length;
    banner.classList.toggle("hidden", waiting === 0);
    bannerText.textContent = waiting === 1 ? t("queue_one") : t("queue_many", { n: waiting });
    banner.querySelector(".send-now").textContent = t("send_now");
    syncBox.querySelector("h2").textContent = t("synced_title");
    syncBox.classList.toggle("hidden", synced.length === 0);
    clear(syncList).append(
      ...synced.map((outcome) =>
        el(
          "li",
          { class: `sync-item ${CLASSES[outcome.result]}`, "data-testid": "sync-result", "data-result": outcome.result },
          el("span", { class: "mark", "aria-hidden": "true", text: ICONS[outcome.result] }),
          el("span", { class: "who", text: syncLine(outcome) }),
        ),
      ),
    );
    differencesBox.querySelector("h2").textContent = t("differences_title");
    differencesBox.classList.toggle("hidden", differences.length === 0);
    clear(differenceList).append(
      ...differences
        .slice()
        .reverse()
        .map((item) =>
          el(
            "li",
            { class: `sync-item ${CLASSES[item.server]}`, "data-testid": "difference", "data-scan-id": item.scan_id },
            el("span", { class: "mark", "aria-hidden": "true", text: ICONS[item.server] }),
            el("span", { class: "who", text: differenceText(item, getEvent()) }),
          ),
        ),
    );
    if (shown && !overlay.classList.contains("hidden")) paint(shown);
  }

  function paint(outcome) {
    const view = describe(outcome);
    overlay.className = `result ${CLASSES[outcome.result]}`;
    overlay.dataset.result = outcome.result;
    overlay.dataset.offline = outcome.offline ? "true" : "false";
    const parts = [
      outcome.offline ? el("div", { class: "offline-mark", "data-testid": "offline-mark", text: t("offline_mark") }) : null,
      el("div", { class: "icon", "aria-hidden": "true", text: ICONS[outcome.result] }),
      el("div", { class: "headline", text: view.headline }),
      view.who ? el("div", { class: "who", text: view.who }) : null,
      view.detail ? el("div", { class: "detail", text: view.detail }) : null,
      view.action
        ? el("button", {
            type: "button",
            class: "result-action",
            "data-testid": "result-action",
            onclick: (clicked) => {
              clicked.stopPropagation();
              hide();
              view.action.run();
            },
            text: view.action.label,
          })
        : null,
      el("p", { class: "tap", text: t("tap_to_close") }),
    ];
    clear(overlay).append(...parts.filter(Boolean)); // append(null) would add the text "null"
  }

  // The result, at once, full screen; it hides by itself so scanning carries on.
  function show(outcome, { quiet = false } = {}) {
    shown = outcome;
    paint(outcome);
    if (!quiet) beep(TONES[outcome.result]);
    clearTimeout(hideTimer);
    // A result with something to do (reissue a badge) stays long enough to tap.
    hideTimer = setTimeout(hide, describe(outcome).action ? overlayMs * 4 : overlayMs);
  }

  function hide() {
    clearTimeout(hideTimer);
    overlay.classList.add("hidden");
    shown = null;
  }

  // The device decides (green, amber, red from the roster and this queue), shows
  // it marked "offline", and keeps the scan with what was shown, dated by the
  // server's clock as learnt: the day and time recorded are when the badge was seen.
  async function enqueue(entry, extra = {}) {
    let decided = null;
    if (!extra.quiet) {
      try {
        decided = await decideOffline(entry, queue);
      } catch {
        decided = null;
      }
    }
    const attendee = (decided && decided.body && decided.body.attendee) || {};
    const kept = {
      ...entry,
      shown: decided ? decided.result : extra.quiet ? null : "queued",
      shown_at: entry.scanned_at,
      who: decided ? decided.who || null : null,
      day: decided ? decided.day || null : null,
      name: extra.name || attendee.name || null,
    };
    try {
      await add("queue", kept);
    } catch {
      queue.push(kept); // no IndexedDB: kept for this page's life only
    }
    await readQueue();
    const outcome = decided
      ? { ...decided, offline: true, entry: kept, ...extra, name: kept.name }
      : { result: "queued", entry: kept, ...extra };
    if (!extra.quiet) show(outcome);
    return outcome;
  }

  function requestBody(entry, withTime) {
    const body = { scan_id: entry.scan_id };
    if (entry.code !== undefined) body.code = entry.code;
    else body.attendee_id = entry.attendee_id;
    if (entry.source) body.source = entry.source;
    if (withTime) body.scanned_at = entry.scanned_at;
    return body;
  }

  // One scan or one "Check in" tap: {code} or {attendee_id, source: "search"}; `extra` is kept
  // on the outcome for the page (e.g. the name found by search).
  async function submit(what, extra = {}) {
    const entry = { ...what, scan_id: randomId(), scanned_at: serverNow().toISOString() };
    // Scans wait their turn behind those already queued.
    if (queue.length) {
      const outcome = await enqueue(entry, extra);
      flush();
      return outcome;
    }
    let reply;
    try {
      const body = requestBody(entry, false);
      reply = await api("POST", path, { body, token: getToken(), timeout: CHECKIN_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof Offline) return enqueue(entry, extra);
      throw error;
    }
    if (isRetryable(reply)) return enqueue(entry, extra);
    if (reply.status === 401 || reply.status === 403) {
      // Not recorded: it is sent once a valid token is entered.
      await enqueue(entry, { ...extra, quiet: true });
      onUnauthorized(reply.status);
      return { result: "auth", status: reply.status };
    }
    const outcome = { ...classify(reply), entry, ...extra };
    show(outcome);
    return outcome;
  }

  // A badge seen by the camera (every frame): read once. Within 10 s of its
  // result the same code shows that result again, with no second request.
  function scan(code) {
    const now = Date.now();
    for (const [seen, last] of lastResult) if (now - last.at > REPEAT_MS) lastResult.delete(seen);
    if (inFlight.has(code)) return;
    const last = lastResult.get(code);
    if (last) {
      if (shown !== last.outcome) show(last.outcome, { quiet: true });
      return;
    }
    inFlight.add(code);
    submit({ code })
      .then((outcome) => {
        if (outcome && outcome.result !== "auth") lastResult.set(code, { at: Date.now(), outcome });
      })
      .catch(() => null)
      .finally(() => inFlight.delete(code));
  }

  // The server's answer to a queued scan against what the desk showed offline.
  async function compare(entry, outcome) {
    if (!["ok", "warn", "bad"].includes(entry.shown) || entry.shown === outcome.result) return;
    const item = {
      scan_id: entry.scan_id,
      shown: entry.shown,
      shown_at: entry.shown_at,
      name: entry.name || (outcome.body && outcome.body.attendee && outcome.body.attendee.name) || null,
      server: outcome.result,
      body: outcome.body || null,
      error: outcome.error || null,
    };
    try {
      await add("differences", item);
      differences = await readAll("differences");
    } catch {
      differences.push(item);
    }
  }

  // Sends the queue oldest first, one by one; an entry leaves it only on a
  // definite answer (2xx or 4xx). Stops at the first one that cannot be sent.
  async function flush() {
    if (flushing || !getToken()) return;
    flushing = true;
    try {
      for (;;) {
        await readQueue();
        if (!queue.length) break;
        const entry = queue[0];
        let reply;
        try {
          reply = await api("POST", path, { body: requestBody(entry, true), token: getToken() });
        } catch (error) {
          if (error instanceof Offline) break;
          throw error;
        }
        if (isRetryable(reply)) break;
        if (reply.status === 401 || reply.status === 403) {
          onUnauthorized(reply.status);
          break;
        }
        const outcome = { ...classify(reply), entry };
        await compare(entry, outcome);
        if (entry.seq !== undefined) await remove("queue", entry.seq);
        else queue = queue.filter((waiting) => waiting.scan_id !== entry.scan_id);
        synced.unshift(outcome);
        synced.length = Math.min(synced.length, SYNC_SHOWN);
      }
    } finally {
      flushing = false;
      await readQueue().catch(() => null);
    }
  }

  async function reconnect() {
    try {
      await syncClock();
    } catch {
      // still offline: the retry timer tries again
    }
    flush();
  }

  window.addEventListener("online", reconnect);
  setInterval(() => {
    if (queue.length) flush();
  }, RETRY_MS);
  render();

  return {
    overlay,
    banner,
    syncBox,
    differencesBox,
    scan,
    submit,
    show,
    hide,
    render,
    flush,
    // at page start: the kept queue, the server's clock, then anything left queued
    start: async () => {
      await load();
      await reconnect();
    },
    waiting: () => queue.length,
    saved: () => t("saved"),
  };
}

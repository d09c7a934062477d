// Check-in, shared by the desk and the kiosk: one scan becomes one request, its
// answer a full-screen result, and scans that cannot be sent yet wait in an
// offline queue that survives a reload.
//
// Resending a queued scan is always safe: the API answers a repeated scan_id
// with the first answer and changes nothing.

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

const REPEAT_MS = 4000; // the camera sees a badge in many frames: one result per ~4 s
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
  return { result: "bad", error: reply.error || {}, status: reply.status };
}

// describe(outcome) → {headline, who, detail} is the page's: the desk names the
// person, the kiosk only greets them by first name. syncLine(outcome) → text of
// one synced result. onUnauthorized(status): the token was refused (401/403).
export function createCheckin({ getToken, describe, syncLine, onUnauthorized, overlayMs = 2500 }) {
  const queueKey = `hadir.queue.${eventId}`;
  const path = `/events/${encodeURIComponent(eventId)}/checkins`;
  const lastResultAt = new Map(); // code → when its last result was shown
  const inFlight = new Set();
  const synced = []; // newest first: {outcome}
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

  function loadQueue() {
    try {
      const queue = JSON.parse(localStorage.getItem(queueKey) || "[]");
      return Array.isArray(queue) ? queue : [];
    } catch {
      return [];
    }
  }

  function saveQueue(queue) {
    if (queue.length) localStorage.setItem(queueKey, JSON.stringify(queue));
    else localStorage.removeItem(queueKey);
    render();
  }

  // Texts in the current language (called again after a language switch).
  function render() {
    const waiting = loadQueue().length;
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
    if (shown && !overlay.classList.contains("hidden")) paint(shown);
  }

  function paint(outcome) {
    const view = describe(outcome);
    overlay.className = `result ${CLASSES[outcome.result]}`;
    overlay.dataset.result = outcome.result;
    const parts = [
      el("div", { class: "icon", "aria-hidden": "true", text: ICONS[outcome.result] }),
      el("div", { class: "headline", text: view.headline }),
      view.who ? el("div", { class: "who", text: view.who }) : null,
      view.detail ? el("div", { class: "detail", text: view.detail }) : null,
      el("p", { class: "tap", text: t("tap_to_close") }),
    ];
    clear(overlay).append(...parts.filter(Boolean)); // append(null) would add the text "null"
  }

  // The result, at once, full screen; it hides by itself so scanning carries on.
  function show(outcome) {
    shown = outcome;
    paint(outcome);
    beep(TONES[outcome.result]);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, overlayMs);
  }

  function hide() {
    clearTimeout(hideTimer);
    overlay.classList.add("hidden");
    shown = null;
  }

  function sameScan(a, b) {
    return (a.code && a.code === b.code) || (a.attendee_id && a.attendee_id === b.attendee_id);
  }

  // Kept for later, dated now by the server's clock: the day and the time
  // recorded are when the badge was seen, not when the network came back.
  function enqueue(entry, extra = {}) {
    const queue = loadQueue();
    if (!queue.some((waiting) => sameScan(waiting, entry))) {
      queue.push(entry);
      saveQueue(queue);
    }
    const outcome = { result: "queued", entry, ...extra };
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
    if (loadQueue().length) {
      const outcome = enqueue(entry, extra);
      flush();
      return outcome;
    }
    let reply;
    try {
      reply = await api("POST", path, { body: requestBody(entry, false), token: getToken() });
    } catch (error) {
      if (error instanceof Offline) return enqueue(entry, extra);
      throw error;
    }
    if (isRetryable(reply)) return enqueue(entry, extra);
    if (reply.status === 401 || reply.status === 403) {
      // Not recorded: it is sent once a valid token is entered.
      enqueue(entry, { ...extra, quiet: true });
      onUnauthorized(reply.status);
      return { result: "auth", status: reply.status };
    }
    const outcome = { ...classify(reply), entry, ...extra };
    show(outcome);
    return outcome;
  }

  // A badge seen by the camera (every frame): repeats of one code are ignored.
  function scan(code) {
    const now = Date.now();
    if (inFlight.has(code) || now - (lastResultAt.get(code) ?? -Infinity) < REPEAT_MS) return;
    inFlight.add(code);
    submit({ code })
      .catch(() => null)
      .finally(() => {
        inFlight.delete(code);
        lastResultAt.set(code, Date.now());
        for (const [seen, at] of lastResultAt) if (Date.now() - at > REPEAT_MS) lastResultAt.delete(seen);
      });
  }

  // Sends the queue oldest first, one by one; an entry leaves it only on a
  // definite answer (2xx or 4xx). Stops at the first one that cannot be sent.
  async function flush() {
    if (flushing || !getToken()) return;
    flushing = true;
    try {
      for (;;) {
        const queue = loadQueue();
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
        saveQueue(loadQueue().filter((waiting) => waiting.scan_id !== entry.scan_id));
        synced.unshift({ ...classify(reply), entry });
        synced.length = Math.min(synced.length, SYNC_SHOWN);
        render();
      }
    } finally {
      flushing = false;
      render();
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
    if (loadQueue().length) flush();
  }, RETRY_MS);
  render();

  return {
    overlay,
    banner,
    syncBox,
    scan,
    submit,
    show,
    hide,
    render,
    flush,
    start: reconnect, // at page start: the server's clock, then anything left queued
    waiting: () => loadQueue().length,
    saved: () => t("saved"),
  };
}

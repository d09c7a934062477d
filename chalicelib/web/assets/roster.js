// The roster on the device (API.md section 13), and the device's own queue,
// both in IndexedDB: they survive a reload, a closed tab and a sign-out.
//
// The roster is loaded whole once (paged), then refreshed every 30 s with
// `since`. A badge is matched by the SHA-256 of its code: the badge secret
// never leaves the server. decide() answers as the server would, from what
// the device knows: green, amber (in already that day, online or queued), or
// red (unknown code, revoked, not registered for the day).

import { api, eventDayAt, eventId } from "./common.js";

const DB_NAME = `hadir.${eventId}`;
const REFRESH_MS = 30000;

let dbPromise = null;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("people", { keyPath: "id" });
        db.createObjectStore("meta");
        // The queue, oldest first: `seq` is given by IndexedDB in the order scans were kept.
        db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        db.createObjectStore("differences", { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function all(store) {
  return new Promise((resolve, reject) => {
    const request = store.getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function readAll(name) {
  const db = await openDb();
  return all(db.transaction(name).objectStore(name));
}

export async function add(name, value) {
  const db = await openDb();
  const tx = db.transaction(name, "readwrite");
  tx.objectStore(name).add(value);
  await done(tx);
}

export async function remove(name, key) {
  const db = await openDb();
  const tx = db.transaction(name, "readwrite");
  tx.objectStore(name).delete(key);
  await done(tx);
}

export async function sha256(text) {
  const bytes = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// A scanned code as the server reads it: spaces around ignored, ASCII upper case.
export function normaliseCode(code) {
  const trimmed = String(code).trim();
  return /^[\x00-\x7f]*$/.test(trimmed) ? trimmed.toUpperCase() : trimmed;
}

export function createRoster({ getToken }) {
  const people = new Map(); // id → roster entry
  const hashes = new Map(); // badge_sha256 → {id, revoked}
  let since = null;
  let timer = null;

  function index(entry) {
    const old = people.get(entry.id);
    for (const hash of [old && old.badge_sha256, ...((old && old.revoked_sha256) || [])]) {
      if (hash) hashes.delete(hash);
    }
    people.set(entry.id, entry);
    if (entry.badge_sha256) hashes.set(entry.badge_sha256, { id: entry.id, revoked: false });
    for (const hash of entry.revoked_sha256 || []) hashes.set(hash, { id: entry.id, revoked: true });
  }

  async function load() {
    const db = await openDb();
    const tx = db.transaction(["people", "meta"]);
    const [stored, kept] = await Promise.all([
      all(tx.objectStore("people")),
      new Promise((resolve) => {
        const request = tx.objectStore("meta").get("since");
        request.onsuccess = () => resolve(request.result || null);
        request.onerror = () => resolve(null);
      }),
    ]);
    stored.forEach(index);
    since = kept;
  }

  async function keep(entries, nextSince) {
    const db = await openDb();
    const tx = db.transaction(["people", "meta"], "readwrite");
    for (const entry of entries) tx.objectStore("people").put(entry);
    if (nextSince) tx.objectStore("meta").put(nextSince, "since");
    await done(tx);
    entries.forEach(index);
  }

  // Everyone (the first time), then only who changed; each page kept as it comes.
  async function refresh() {
    const token = getToken();
    if (!token) return false;
    const path = `/events/${encodeURIComponent(eventId)}/roster`;
    let query = since ? `?since=${encodeURIComponent(since)}` : "";
    let walkSince = null;
    for (;;) {
      let reply;
      try {
        reply = await api("GET", path + query, { token });
      } catch {
        return false;
      }
      if (!reply.ok) return false;
      walkSince = reply.data.since;
      const last = !reply.data.next;
      await keep(reply.data.attendees, last ? walkSince : null);
      if (last) break;
      const sep = since ? `?since=${encodeURIComponent(since)}&` : "?";
      query = `${sep}next=${encodeURIComponent(reply.data.next)}`;
    }
    since = walkSince;
    return true;
  }

  function start() {
    load()
      .catch(() => null)
      .then(() => refresh())
      .catch(() => null);
    clearInterval(timer);
    timer = setInterval(() => refresh().catch(() => null), REFRESH_MS);
  }

  // What the server would answer, from the roster and the queue. `queued` is the
  // device's queue (each with `who`: the attendee id it was decided for, and `day`).
  async function decide(entry, event, instant, queued) {
    let found = null;
    if (entry.code !== undefined) {
      found = hashes.get(await sha256(normaliseCode(entry.code))) || null;
    } else if (people.has(entry.attendee_id)) {
      found = { id: entry.attendee_id, revoked: false };
    }
    const person = found ? people.get(found.id) : null;
    if (!person) return { result: "bad", error: { code: "badge_not_found" } };
    const attendee = { id: person.id, name: person.name, display_name: person.display_name, organisation: person.organisation };
    if (found.revoked || person.status !== "active") {
      return { result: "bad", who: person.id, error: { code: "badge_revoked" }, body: { attendee } };
    }
    const day = eventDayAt(event, instant);
    if (!day) return { result: "bad", who: person.id, error: { code: "not_an_event_day" }, body: { attendee } };
    if (!(person.days || []).includes(day.date)) {
      return { result: "bad", who: person.id, error: { code: "not_registered_for_day" }, body: { attendee } };
    }
    const online = (person.checkins || {})[day.date];
    const waiting = queued.find((one) => one.who === person.id && one.day === day.date && one.shown === "ok");
    const dayRef = { number: day.number, date: day.date };
    if (online || waiting) {
      const at = online ? online.at : waiting.scanned_at;
      const body = { result: "already_checked_in", attendee, day: dayRef, checked_in_at: at, desk: online ? online.desk : "" };
      body.checked_in_at_local = localIso(event, at);
      return { result: "warn", who: person.id, day: day.date, body };
    }
    const at = instant.toISOString();
    const body = { result: "checked_in", attendee, day: dayRef, checked_in_at: at, checked_in_at_local: localIso(event, at) };
    return { result: "ok", who: person.id, day: day.date, body };
  }

  return { start, refresh, decide, size: () => people.size, person: (id) => people.get(id) };
}

// An instant as "YYYY-MM-DDTHH:MM:SS" in the event's time zone (what localClock reads).
function localIso(event, instant) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: event.timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(instant));
  const get = (type) => (parts.find((part) => part.type === type) || {}).value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}`;
}

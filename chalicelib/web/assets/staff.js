// The frame the desk and the kiosk share: finding the token, checking it and
// loading the event before scanning starts, the header, the token form and the
// error view. The page draws its own main view.

import {
  Offline,
  api,
  apiUrl,
  base,
  clear,
  el,
  eventId,
  forgetToken,
  languageSwitch,
  fragmentToken,
  storeToken,
  storedToken,
  tokenForm,
} from "./common.js";
import { createCheckin } from "./checkin.js";
import { createRoster } from "./roster.js";
import { preloadDecoder } from "./scanner.js";

// How a page checks its token. Each asks the API something only a token
// allowed that work on this event may have answered, and answers like a
// reply: ok, or 401/403.
export const TOKEN_CHECKS = {
  // The desk searches: a search nobody matches.
  desk: (eventPath, token) => api("GET", `${eventPath}/attendees?q=zz&limit=1`, { token }),
  // A kiosk may only check in: an empty check-in, refused for its missing code
  // (422) once the token is known to be of this event, and logged nowhere.
  checkin: async (eventPath, token) => {
    const reply = await api("POST", `${eventPath}/checkins`, { token, body: {} });
    return reply.status === 422 ? { ...reply, ok: true } : reply;
  },
};

// The service worker (assets/sw.js) keeps this page, its modules and the
// decoder, so that a reload while the server is unreachable still loads the
// page. Once the page has loaded them, it hands their addresses to the worker.
async function keepPageOffline() {
  const page = location.pathname.slice(base.length).split("/")[1]; // "desk" or "kiosk"
  if (!("serviceWorker" in navigator) || !page) return;
  try {
    const registration = await navigator.serviceWorker.register(apiUrl("/assets/sw.js"), {
      scope: `${base}/${page}/`,
    });
    const worker = registration.active || registration.waiting || registration.installing;
    const urls = [
      location.origin + location.pathname,
      ...performance.getEntriesByType("resource").map((entry) => entry.name),
    ];
    const send = (active) => active.postMessage({ keep: urls });
    if (worker && worker.state === "activated") send(worker);
    else if (worker) {
      worker.addEventListener("statechange", () => {
        if (worker.state === "activated") send(worker);
      });
    }
  } catch {
    // no service worker here (a private window, http off loopback): online only
  }
}

// The event as last loaded, for a page reloaded while the server is unreachable.
const eventKey = `hadir.event.${eventId}`;

function keptEvent() {
  try {
    return JSON.parse(localStorage.getItem(eventKey) || "null");
  } catch {
    return null;
  }
}

// t: the page's translator (brand, loading, retry, token_*, offline,
// event_not_found, server_error). tokenKinds: the stored tokens to try, in
// order. describe, syncLine, overlayMs: the page's check-in results (see
// createCheckin). onSignOut(): stop the camera. renderMain(): the page itself,
// which reads frame.token and frame.event. checksToken: how the page learns
// that its token may do its work on this event (TOKEN_CHECKS).
export function scanningFrame({
  app,
  t,
  tokenKinds,
  describe,
  syncLine,
  overlayMs,
  onSignOut,
  renderMain,
  checksToken = TOKEN_CHECKS.desk,
}) {
  const eventPath = `/events/${encodeURIComponent(eventId)}`;
  let view = "loading"; // loading | token | message | main
  let lastError = null; // shown on the token form or the message view
  let tokenKind = tokenKinds[0];
  let token = null;
  let event = null;
  // The roster on the device (IndexedDB), refreshed every 30 s with `since` (API.md section 13).
  const roster = createRoster({ getToken: () => token });
  // Offline, the page decides as the server would, from the roster and its own
  // queue; with no roster on the device yet it only says "saved".
  const decideOffline = (entry, queued) =>
    event && roster.size() ? roster.decide(entry, event, new Date(entry.scanned_at), queued) : null;
  const checkin = createCheckin({
    getToken: () => token,
    describe,
    syncLine,
    onUnauthorized: refused,
    overlayMs,
    decideOffline,
    getEvent: () => event,
  });

  function header() {
    return el(
      "header",
      { class: "bar" },
      el("span", { class: "brand", text: t("brand") }),
      el("div", { class: "actions" }, languageSwitch(rerender)),
    );
  }

  function rerender() {
    checkin.render();
    if (view === "main") renderMain();
    else if (view === "token") askToken(lastError);
    else if (view === "message") showMessage(lastError);
  }

  function askToken(error = null) {
    view = "token";
    lastError = error;
    const labels = {
      title: t("token_title"),
      label: t("token_label"),
      submit: t("token_submit"),
      note: t("token_note"),
      error: error ? t(error) : null,
    };
    clear(app).append(
      header(),
      tokenForm(labels, (value) => {
        storeToken(tokenKinds[0], value);
        boot();
      }),
    );
  }

  function showMessage(key) {
    view = "message";
    lastError = key;
    clear(app).append(
      header(),
      el("p", { class: "notice bad", role: "alert", text: t(key) }),
      el("button", { type: "button", class: "primary", onclick: () => boot(), text: t("retry") }),
    );
  }

  // The token was refused (or the person asked for another): forget it, ask
  // again. Queued scans stay queued and go with the next token.
  function signOut(errorKey = null) {
    onSignOut();
    token = null;
    forgetToken(tokenKind);
    askToken(errorKey);
  }

  function refused(status) {
    signOut(status === 403 ? "token_other_event" : "token_expired");
  }

  function findToken() {
    for (const kind of tokenKinds) {
      const found = storedToken(kind);
      if (found) {
        tokenKind = kind;
        return found;
      }
    }
    return null;
  }

  // A token offered by a "#token=" link, kept here (not stored) until the
  // server has answered for it: accepted, it replaces the stored one;
  // refused, the stored one stays as it was (API.md section 9).
  let offered = null;

  async function boot() {
    view = "loading";
    clear(app).append(el("p", { class: "loading", text: t("loading") }));
    offered = fragmentToken() || offered;
    token = offered || findToken();
    if (offered) tokenKind = tokenKinds[0];
    if (!token) return askToken();
    let check;
    let loaded;
    try {
      [check, loaded] = await Promise.all([
        checksToken(eventPath, token),
        api("GET", eventPath),
      ]);
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      // The server is unreachable: a page reloaded at the desk carries on with
      // the token, event, roster and queue kept on this device.
      event = keptEvent();
      if (!event) return showMessage("offline");
      await Promise.all([checkin.start(), preloadDecoder().catch(() => null)]);
      roster.start();
      view = "main";
      renderMain();
      return;
    }
    if (check.status === 401 || check.status === 403) {
      const error = check.status === 401 ? "token_invalid" : "token_other_event";
      token = null;
      if (offered) {
        // A refused link changes nothing: carry on with the stored token, if any.
        offered = null;
        if (findToken()) return boot();
        return askToken(error);
      }
      forgetToken(tokenKind);
      return askToken(error);
    }
    if (offered && check.ok) {
      storeToken(tokenKinds[0], offered);
      tokenKind = tokenKinds[0];
      offered = null;
    }
    if (loaded.status === 404) return showMessage("event_not_found");
    if (!check.ok || !loaded.ok) return showMessage("server_error");
    event = loaded.data;
    localStorage.setItem(eventKey, JSON.stringify(event));
    // The server's clock first ("today" and queued scans go by it); the decoder
    // too, so that scanning can start even if the network drops from now on.
    await Promise.all([checkin.start(), preloadDecoder()]);
    roster.start();
    view = "main";
    renderMain();
    keepPageOffline();
  }

  return {
    checkin,
    roster,
    header,
    boot,
    signOut,
    refused,
    get view() {
      return view;
    },
    get token() {
      return token;
    },
    get event() {
      return event;
    },
  };
}

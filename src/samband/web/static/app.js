// Live parts of a page: an element with data-poll="/url" is refreshed from that URL every
// data-interval seconds (default 10) without reloading the page. No framework needed.
// A refreshed part may carry [data-page-title] (the page's new title, e.g. with the count of
// unacknowledged alerts) and [data-alert-count]: when that count grows, the text of its
// data-alert-announce is read out through the page's [data-alert-live] region.
//
// Live by push (issue 11): an element that also has data-events="/url" listens to that
// URL's Server-Sent Events instead of polling, and is sent only what changed: "rows" (JSON:
// the HTML of the changed rows, each replacing its tr[data-episode]), "alerts" (the alerts
// card, replacing [data-live-alerts]), "refresh" (fetch data-poll's URL once: after a gap, a
// reconnect the server cannot replay, or a change to the lists), "notifications" (JSON
// {"new": n}: a "samband:notifications" event on the document) and "logout" (the session
// ended). The browser reconnects by itself, sending the last event's id. Without
// EventSource, or when the server offers no stream (204), the element polls as before.
(function () {
  function count(root) {
    var el = root.querySelector("[data-alert-count]");
    return el ? parseInt(el.dataset.alertCount || "0", 10) : null;
  }
  function toLogin() {
    window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
  }
  function stamp() {
    var el = document.querySelector("[data-updated]");
    if (el) { el.textContent = new Date().toLocaleTimeString(document.documentElement.lang); }
  }
  // after a change: the page's title, and a growing count of unacknowledged alerts read out
  function changed(el, before) {
    stamp();
    var title = el.querySelector("[data-page-title]");
    if (title) { document.title = title.dataset.pageTitle; }
    var after = count(el);
    var live = document.querySelector("[data-alert-live]");
    var source = el.querySelector("[data-alert-announce]");
    if (live && source && before !== null && after !== null && after > before) {
      live.textContent = source.dataset.alertAnnounce;
    }
  }
  function refresh(el) {
    fetch(el.dataset.poll, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) {
        if (r.redirected && r.url.indexOf("/login") !== -1) {
          // the session has ended (idle too long): show the login page, not stale patient data
          toLogin();
          throw new Error("logged out");
        }
        if (r.redirected || !r.ok) { throw new Error(r.status); }
        return r.text();
      })
      .then(function (html) {
        var before = count(el);
        el.innerHTML = html;
        changed(el, before);
      })
      .catch(function () { /* keep what is shown; try again next time */ });
  }
  function poll(el) {
    if (el.dataset.polling) { return; }
    el.dataset.polling = "1";
    var seconds = parseInt(el.dataset.interval || "10", 10);
    setInterval(function () { refresh(el); }, seconds * 1000);
  }
  function replaceRows(el, rows) {
    rows.forEach(function (row) {
      var old = el.querySelector('tr[data-episode="' + row.episode + '"]');
      if (!old) { return; }
      var holder = document.createElement("tbody");
      holder.innerHTML = row.html;
      var fresh = holder.querySelector("tr");
      if (fresh) {
        fresh.classList.add("live-changed");
        old.replaceWith(fresh);
      }
    });
  }
  // the push's state in [data-live-status]: live, reconnecting or polling (its data-status-*)
  function status(state) {
    var el = document.querySelector("[data-live-status]");
    var text = el && el.getAttribute("data-status-" + state);
    if (text && el.textContent !== text) { el.textContent = text; el.dataset.state = state; }
  }
  function push(el) {
    if (!window.EventSource || !el.dataset.events) { return false; }
    var source = new EventSource(el.dataset.events);
    source.addEventListener("open", function () { status("live"); });
    source.addEventListener("ready", function () { status("live"); stamp(); });
    source.addEventListener("refresh", function () { refresh(el); });
    source.addEventListener("rows", function (event) {
      var before = count(el);
      replaceRows(el, JSON.parse(event.data).rows || []);
      changed(el, before);
    });
    source.addEventListener("alerts", function (event) {
      var box = el.querySelector("[data-live-alerts]");
      if (!box) { refresh(el); return; }
      var before = count(el);
      box.outerHTML = event.data;
      changed(el, before);
    });
    source.addEventListener("notifications", function (event) {
      var detail = JSON.parse(event.data);
      document.querySelectorAll("[data-notification-count]").forEach(function (badge) {
        var n = parseInt(badge.dataset.notificationCount || "0", 10) + (detail["new"] || 0);
        badge.dataset.notificationCount = String(n);
        badge.textContent = String(n);
        badge.hidden = n === 0;
      });
      document.dispatchEvent(new CustomEvent("samband:notifications", { detail: detail }));
    });
    source.addEventListener("logout", function () { source.close(); toLogin(); });
    source.addEventListener("error", function () {
      // CLOSED: no stream here (204), or not an event stream (the login page): poll instead,
      // which also finds out whether the session has ended. CONNECTING: the browser retries.
      if (source.readyState === EventSource.CLOSED) { status("polling"); poll(el); } else { status("reconnecting"); }
    });
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(function (el) {
      if (!push(el)) { status("polling"); poll(el); }
    });
  });
})();

// A button with data-print prints the page (no inline onclick: the Content-Security-Policy
// allows scripts from Samband's own files only).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) { window.print(); }
});

// A form is sent once: a second click while the first send is under way does nothing (the
// server also refuses a form id it has seen: web/csrf.py). Coming back to the page (the
// browser's back button) makes its forms sendable again.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(function (form) {
    delete form.dataset.sending;
  });
});

// On a phone the navigation is one row that scrolls sideways: bring the current page's link
// (aria-current="page") into view.
(function () {
  var current = document.querySelector('header nav a[aria-current="page"]');
  var nav = current && current.parentElement;
  if (nav && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft += current.getBoundingClientRect().left - nav.getBoundingClientRect().left - 24;
  }
})();

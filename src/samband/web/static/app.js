// Live parts of a page: an element with data-poll="/url" is refreshed from that URL every
// data-interval seconds (default 10) without reloading the page. No framework needed.
// A refreshed part may carry [data-page-title] (the page's new title, e.g. with the count of
// unacknowledged alerts) and [data-alert-count]: when that count grows, the text of its
// data-alert-announce is read out through the page's [data-alert-live] region.
(function () {
  function count(root) {
    var el = root.querySelector("[data-alert-count]");
    return el ? parseInt(el.dataset.alertCount || "0", 10) : null;
  }
  function refresh(el) {
    fetch(el.dataset.poll, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) {
        if (r.redirected && r.url.indexOf("/login") !== -1) {
          // the session has ended (idle too long): show the login page, not stale patient data
          window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
          throw new Error("logged out");
        }
        if (r.redirected || !r.ok) { throw new Error(r.status); }
        return r.text();
      })
      .then(function (html) {
        var before = count(el);
        el.innerHTML = html;
        var stamp = document.querySelector("[data-updated]");
        if (stamp) { stamp.textContent = new Date().toLocaleTimeString(document.documentElement.lang); }
        var title = el.querySelector("[data-page-title]");
        if (title) { document.title = title.dataset.pageTitle; }
        var after = count(el);
        var live = document.querySelector("[data-alert-live]");
        var source = el.querySelector("[data-alert-announce]");
        if (live && source && before !== null && after !== null && after > before) {
          live.textContent = source.dataset.alertAnnounce;
        }
      })
      .catch(function () { /* keep what is shown; try again next time */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(function (el) {
      var seconds = parseInt(el.dataset.interval || "10", 10);
      setInterval(function () { refresh(el); }, seconds * 1000);
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

// Live parts of a page: an element with data-poll="/url" is refreshed from that URL every
// data-interval seconds (default 10) without reloading the page. No framework needed.
(function () {
  function refresh(el) {
    fetch(el.dataset.poll, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) { if (r.redirected || !r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        el.innerHTML = html;
        var stamp = document.querySelector("[data-updated]");
        if (stamp) { stamp.textContent = new Date().toLocaleTimeString(document.documentElement.lang); }
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

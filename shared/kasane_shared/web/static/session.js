// Optional help only: every page works without this script (a form sent after the time-out
// is kept as a draft by the server and sign-in leads back to it).
// - Warns before the idle time-out, with 「続ける」 (POST /session/extend).
// - Keeps what is typed in a long form (form[data-draft]) as a draft, a few seconds after the
//   last keystroke: POST /drafts/keep, sealed to the member by identity. Nothing is stored in
//   the browser (no localStorage, no sessionStorage, no URL).
// - At the time-out: keeps once more, then goes to the sign-in page, which leads back here.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="kasane-csrf"]');
  var box = document.getElementById("session-warning");
  var button = document.getElementById("session-continue");
  if (!meta || !box || !button) { return; }
  var token = meta.getAttribute("content");
  var KEEP_AFTER_MS = 2000;
  var checkTimer = null;
  var keepTimers = new Map();
  var dirty = new Set();
  var returnFocus = null;
  var keptAny = false;

  function post(url, params) {
    params.append("csrf_token", token);
    return fetch(url, {
      method: "POST",
      body: params,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    });
  }

  function keep(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") { params.append(name, value); }
    });
    params.append("draft_form", form.getAttribute("data-draft"));
    return post("/drafts/keep", params).then(function (response) {
      if (response.ok) { dirty.delete(form); keptAny = true; }
    }).catch(function () { /* the next keystroke or the time-out tries again */ });
  }

  function keepDirty() {
    var pending = [];
    dirty.forEach(function (form) {
      clearTimeout(keepTimers.get(form));
      pending.push(keep(form));
    });
    return Promise.all(pending);
  }

  document.addEventListener("input", function (event) {
    var form = event.target && event.target.form;
    if (!form || !form.hasAttribute("data-draft")) { return; }
    dirty.add(form);
    clearTimeout(keepTimers.get(form));
    keepTimers.set(form, setTimeout(function () { keep(form); }, KEEP_AFTER_MS));
  });
  // A form being sent is saved by its own request: no keep may arrive after it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    clearTimeout(keepTimers.get(form));
    dirty.delete(form);
  }, true);

  function show() {
    if (!box.hidden) { return; }
    returnFocus = document.activeElement;
    box.hidden = false;
    button.focus();
  }

  function hide() {
    if (box.hidden) { return; }
    box.hidden = true;
    if (returnFocus && returnFocus.focus) { returnFocus.focus(); }
  }

  function expire() {
    keepDirty().then(function () {
      var next = encodeURIComponent(location.pathname);
      var reason = keptAny ? "draft_kept" : "expired";
      location.assign("/login?reason=" + reason + "&next=" + next);
    });
  }

  function schedule(status) {
    clearTimeout(checkTimer);
    if (status.left <= 0) { expire(); return; }
    if (status.left <= status.warn) {
      show();
      // Ask again at the time-out (another tab may have continued the session meanwhile).
      checkTimer = setTimeout(check, Math.min(status.left, 15) * 1000);
    } else {
      hide();
      checkTimer = setTimeout(check, (status.left - status.warn) * 1000);
    }
  }

  function check() {
    fetch("/session/left", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(schedule)
      .catch(function () { checkTimer = setTimeout(check, 15000); });
  }

  button.addEventListener("click", function () {
    post("/session/extend", new URLSearchParams())
      .then(function (response) { return response.json(); })
      .then(schedule)
      .catch(function () { checkTimer = setTimeout(check, 5000); });
  });

  // Timers sleep with the computer: look again when the page is seen again.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { check(); }
  });
  check();
})();

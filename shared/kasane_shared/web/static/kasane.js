// Optional help only: every page works without this script.
// Keeps the agenda's running total of minutes current while a coordinator types.
(function () {
  "use strict";
  function update(form) {
    var total = 0;
    form.querySelectorAll("input[data-minutes]").forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) { total += value; }
    });
    var out = document.getElementById("running-total");
    if (!out) { return; }
    var limit = parseInt(out.getAttribute("data-limit"), 10);
    out.textContent = String(total);
    out.classList.toggle("total-over", !isNaN(limit) && total > limit);
  }
  document.addEventListener("input", function (event) {
    if (event.target && event.target.hasAttribute && event.target.hasAttribute("data-minutes")) {
      update(event.target.form || document);
    }
  });
})();

// Agenda building: 「上へ」「下へ」 and drag and drop reorder in place, without a reload.
// Without this script the same buttons post a move and the page comes back at the item.
(function () {
  "use strict";
  var list = document.getElementById("agenda-items");
  if (!list || list.getAttribute("data-locked") === "1") { return; }
  var status = document.getElementById("order-status");
  var saving = false;

  function items() { return Array.prototype.slice.call(list.querySelectorAll("article[data-item-id]")); }
  function ids() { return items().map(function (a) { return a.getAttribute("data-item-id"); }); }

  function refresh() {
    var all = items(), order = ids().join(",");
    all.forEach(function (article, n) {
      var no = article.querySelector(".item-no");
      if (no) { no.textContent = String(n + 1); }
      var field = article.querySelector("input[name=order][type=number]");
      if (field) { field.value = String(n + 1); }
      article.querySelectorAll(".move-form input[name=order]").forEach(function (i) { i.value = order; });
      var up = article.querySelector("button[value=up]"), down = article.querySelector("button[value=down]");
      if (up) { up.disabled = n === 0; }
      if (down) { down.disabled = n === all.length - 1; }
    });
  }

  function say(text) { if (status) { status.textContent = text; } }

  function save(article) {
    var body = new FormData();
    body.append("csrf_token", list.getAttribute("data-csrf"));
    ids().forEach(function (id) { body.append("item_ids", id); });
    saving = true;
    return fetch(list.getAttribute("data-order-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      saving = false;
      if (!result.ok) { say(result.data.message || ""); list.setAttribute("data-stale", "1"); return; }
      var n = items().indexOf(article) + 1;
      say(list.getAttribute("data-moved").replace("{title}", article.getAttribute("data-title")).replace("{n}", String(n)));
    }).catch(function () { saving = false; list.setAttribute("data-stale", "1"); });
  }

  function move(article, direction, focusSelector) {
    if (saving || list.getAttribute("data-stale") === "1") { return false; }
    var sibling = direction === "up" ? article.previousElementSibling : article.nextElementSibling;
    if (!sibling || !sibling.hasAttribute("data-item-id")) { return true; }
    if (direction === "up") { list.insertBefore(article, sibling); } else { list.insertBefore(sibling, article); }
    refresh();
    var again = article.querySelector(focusSelector);
    if (again && !again.disabled) { again.focus(); } else { article.querySelector(".drag-handle").focus(); }
    save(article);
    return true;
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("move-form")) { return; }
    var direction = event.submitter && event.submitter.value;
    if (direction !== "up" && direction !== "down") { return; }
    var article = form.closest("article[data-item-id]");
    if (move(article, direction, "button[value=" + direction + "]")) { event.preventDefault(); }
  });

  items().forEach(function (article) {
    var handle = article.querySelector(".drag-handle");
    if (!handle) { return; }
    handle.hidden = false;
    article.setAttribute("draggable", "true");
    handle.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") { return; }
      event.preventDefault();
      move(article, event.key === "ArrowUp" ? "up" : "down", ".drag-handle");
    });
  });

  var dragged = null;
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest && event.target.closest("article[data-item-id]");
    if (!dragged) { return; }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-item-id"));
    dragged.classList.add("dragging");
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var over = event.target.closest && event.target.closest("article[data-item-id]");
    if (!over || over === dragged) { return; }
    var box = over.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextElementSibling : over);
  });
  list.addEventListener("drop", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
  });
  list.addEventListener("dragend", function () {
    if (!dragged) { return; }
    var article = dragged;
    dragged = null;
    article.classList.remove("dragging");
    refresh();
    if (list.getAttribute("data-stale") !== "1") { save(article); }
  });
})();

// Print views: a 「印刷する」 button (without this script, the browser's own print works).
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

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

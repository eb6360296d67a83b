/* VenueSafe merchant self-check and binding-code pages.
   - On the punch-in form, shows the note and "I fixed it now" only for an item answered "no", and
     the proof photo only when "I fixed it now" is ticked. Without JavaScript every field shows.
   - Buttons marked data-print print the page (the binding code slip). */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function initItems(form) {
    form.querySelectorAll(".question").forEach(function (question) {
      var details = question.querySelector(".fail-details");
      function update() {
        var failed = question.querySelector("input[data-answer][value='no']:checked") !== null;
        if (details) details.hidden = !failed;
        question.classList.toggle("is-failed", failed);
      }
      question.querySelectorAll("input[data-answer]").forEach(function (r) {
        r.addEventListener("change", update);
      });
      update();
    });
    form.querySelectorAll("input[data-fix]").forEach(function (box) {
      var proof = document.getElementById("proof-field-" + box.id.replace("fix-", ""));
      function update() { if (proof) proof.hidden = !box.checked; }
      box.addEventListener("change", update);
      update();
    });
  }

  ready(function () {
    var form = document.getElementById("selfcheck-form");
    if (form) initItems(form);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();

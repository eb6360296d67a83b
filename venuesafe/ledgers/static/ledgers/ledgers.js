// The ledger page: show the state field of the chosen ledger, and follow pending exports
// (poll their status every second) until the download link can be shown.
(function () {
  "use strict";

  var form = document.getElementById("ledger-form");
  if (form) {
    var stateFields = { hazards: "hazard_state", venues: "venue_status" };
    var showStateField = function () {
      var checked = form.querySelector("input[name=kind]:checked");
      var kind = checked ? checked.value : "";
      Object.keys(stateFields).forEach(function (k) {
        var box = form.querySelector('[data-field="' + stateFields[k] + '"]');
        if (box) { box.hidden = k !== kind; }
      });
    };
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") { showStateField(); }
    });
    showStateField();
  }

  var labels = document.getElementById("ledger-labels");
  if (!labels) { return; }
  var text = labels.dataset;

  function update(item, data) {
    item.dataset.state = data.state;
    var badge = item.querySelector(".export-state");
    var progress = item.querySelector(".export-progress");
    var progressText = item.querySelector(".export-progress-text");
    if (progress && data.progress_percent !== null) { progress.value = data.progress_percent; }
    if (progressText && data.rows_total) { progressText.textContent = data.rows_done + " / " + data.rows_total; }
    if (data.state === "running" && badge) { badge.textContent = text.running; }
    if (data.state === "done" || data.state === "failed") {
      if (badge) {
        badge.textContent = data.state === "done" ? text.done : text.failed;
        badge.className = "badge export-state state-" + data.state;
      }
      if (progress) { progress.remove(); }
      if (progressText) { progressText.remove(); }
      var box = item.querySelector(".export-link");
      if (data.state === "done") {
        var link = document.createElement("a");
        link.className = "btn secondary";
        link.href = item.dataset.downloadUrl;
        link.textContent = text.download;
        box.replaceChildren(link);
      } else {
        var span = document.createElement("span");
        span.className = "overdue-text";
        span.textContent = text.failedText;
        box.replaceChildren(span);
      }
      delete item.dataset.statusUrl;
    }
  }

  function poll() {
    var pending = document.querySelectorAll(".export-item[data-status-url]");
    if (!pending.length) { return; }
    var requests = Array.prototype.map.call(pending, function (item) {
      return fetch(item.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { update(item, data); } })
        .catch(function () { /* the server may be restarting: try again next second */ });
    });
    Promise.all(requests).then(function () { window.setTimeout(poll, 1000); });
  }
  window.setTimeout(poll, 1000);
})();

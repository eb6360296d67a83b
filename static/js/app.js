/* VenueSafe page behaviour: navigation toggle, auto-submitting selects, "use my location",
   and disabling submit buttons once a form is sent (the server also ignores a repeated submission). */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var toggle = document.getElementById("nav-toggle");
    var nav = document.getElementById("main-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }

    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });

    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });

    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
          // Let the value of the pressed button go with the form before disabling.
          window.setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });

    // "Use my location": fills the fields named in data-* attributes from the phone's GPS.
    document.querySelectorAll("[data-geolocate]").forEach(function (button) {
      button.addEventListener("click", function () {
        var status = document.getElementById(button.getAttribute("data-status") || "");
        function say(text) { if (status) status.textContent = text; }
        if (!navigator.geolocation) {
          say(button.getAttribute("data-msg-unsupported") || "");
          return;
        }
        say(button.getAttribute("data-msg-locating") || "");
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(function (pos) {
          button.disabled = false;
          var form = button.form || document;
          function set(name, value) {
            var el = form.querySelector("[name='" + name + "']");
            if (el) el.value = value;
          }
          set("lat", pos.coords.latitude.toFixed(7));
          set("lng", pos.coords.longitude.toFixed(7));
          set("location_accuracy_m", Math.round(pos.coords.accuracy || 0));
          set("coord_system", "wgs84");
          set("location_source", "gps");
          say((button.getAttribute("data-msg-done") || "") + " " + pos.coords.latitude.toFixed(6) + ", " +
            pos.coords.longitude.toFixed(6) + " (±" + Math.round(pos.coords.accuracy || 0) + " m)");
          if (button.hasAttribute("data-submit")) form.submit();
        }, function (err) {
          button.disabled = false;
          say((button.getAttribute("data-msg-failed") || "") + " " + (err && err.message ? err.message : ""));
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
      });
    });
  });
})();

/* VenueSafe inspection flow and review forms.
   - Shows the details of a question only when it is answered "no", and the proof photos only when
     "fixed on the spot" is ticked.
   - Puts the phone's position (WGS-84, as the GPS gives it) into the hidden lat/lng/accuracy_m fields
     and shows the distance to the venue's archived location, warning when it is beyond the
     off-site distance. Without a position the page says so; the form still submits.
   - Forms marked data-geo (review and proof forms) get the same hidden position fields filled. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function format(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  // Great-circle distance in metres (the server uses the same haversine formula).
  function distanceM(lat1, lng1, lat2, lng2) {
    var r = 6371008.8;
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad;
    var dLng = (lng2 - lng1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 2 * r * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function setField(form, name, value) {
    form.querySelectorAll("input[name='" + name + "'], input[name$='-" + name + "']").forEach(function (el) {
      if (el.type === "hidden") el.value = value;
    });
  }

  function fillPosition(form, pos) {
    setField(form, "lat", pos.coords.latitude.toFixed(7));
    setField(form, "lng", pos.coords.longitude.toFixed(7));
    setField(form, "accuracy_m", Math.round(pos.coords.accuracy || 0));
    setField(form, "coord_system", "wgs84");
  }

  function watch(onPosition, onError) {
    if (!navigator.geolocation) {
      onError(null);
      return;
    }
    navigator.geolocation.watchPosition(onPosition, onError, {
      enableHighAccuracy: true, timeout: 20000, maximumAge: 15000
    });
  }

  // --- question blocks -------------------------------------------------------------------
  function initQuestions(form) {
    form.querySelectorAll(".question").forEach(function (question) {
      var details = question.querySelector(".fail-details");
      var radios = question.querySelectorAll("input[data-answer]");
      function update() {
        var failed = question.querySelector("input[data-answer][value='fail']:checked") !== null;
        if (details) details.hidden = !failed;
        question.classList.toggle("is-failed", failed);
      }
      radios.forEach(function (r) { r.addEventListener("change", update); });
      update();
    });
    form.querySelectorAll("input[data-fixed]").forEach(function (box) {
      var proof = document.getElementById("proof-" + box.id.replace("fixed-", ""));
      function update() { if (proof) proof.hidden = !box.checked; }
      box.addEventListener("change", update);
      update();
    });
    var adhocFixed = document.getElementById("id_adhoc-fixed");
    var adhocProof = document.getElementById("adhoc-proof");
    if (adhocFixed && adhocProof) {
      var update = function () { adhocProof.hidden = !adhocFixed.checked; };
      adhocFixed.addEventListener("change", update);
      update();
    }
  }

  // --- position and distance on the inspection page ---------------------------------------
  function initPosition(form) {
    var status = document.getElementById("position-status");
    var distanceBox = document.getElementById("position-distance");
    var distanceText = document.getElementById("inspection-distance");
    var warning = document.getElementById("offsite-warning");
    var venueLat = parseFloat(form.getAttribute("data-venue-lat"));
    var venueLng = parseFloat(form.getAttribute("data-venue-lng"));
    var offsite = parseFloat(form.getAttribute("data-offsite-m") || "200");
    var hasPosition = false;

    function say(text) { if (status) status.textContent = text; }

    say(form.getAttribute("data-msg-locating"));
    watch(function (pos) {
      hasPosition = true;
      fillPosition(form, pos);
      form.setAttribute("data-has-position", "1");
      say(format(form.getAttribute("data-msg-position"), {
        lat: pos.coords.latitude.toFixed(6),
        lng: pos.coords.longitude.toFixed(6),
        acc: Math.round(pos.coords.accuracy || 0)
      }));
      if (!isNaN(venueLat) && !isNaN(venueLng) && distanceText) {
        var d = distanceM(pos.coords.latitude, pos.coords.longitude, venueLat, venueLng);
        distanceText.textContent = format(form.getAttribute("data-msg-distance"), { m: Math.round(d) });
        distanceText.setAttribute("data-distance-m", Math.round(d));
        if (distanceBox) distanceBox.hidden = false;
        if (warning) warning.hidden = d <= offsite;
        form.setAttribute("data-offsite", d > offsite ? "1" : "0");
      }
    }, function (err) {
      if (hasPosition) return; // keep the last good reading
      form.setAttribute("data-has-position", "0");
      if (!err) {
        say(form.getAttribute("data-msg-unsupported"));
      } else {
        say(format(form.getAttribute("data-msg-none"), { reason: err.message || String(err.code || "") }));
      }
    });
  }

  // --- review and proof forms on a hazard page --------------------------------------------
  function initGeoForms() {
    var forms = document.querySelectorAll("form[data-geo]");
    if (!forms.length) return;
    var hasPosition = false;
    watch(function (pos) {
      hasPosition = true;
      forms.forEach(function (form) {
        fillPosition(form, pos);
        var line = form.querySelector(".geo-status");
        if (line) {
          line.textContent = format(line.getAttribute("data-msg-position"), {
            lat: pos.coords.latitude.toFixed(6),
            lng: pos.coords.longitude.toFixed(6),
            acc: Math.round(pos.coords.accuracy || 0)
          });
        }
      });
    }, function () {
      if (hasPosition) return;
      forms.forEach(function (form) {
        var line = form.querySelector(".geo-status");
        if (line) line.textContent = line.getAttribute("data-msg-none") || "";
      });
    });
  }

  ready(function () {
    var form = document.getElementById("inspection-form");
    if (form) {
      initQuestions(form);
      initPosition(form);
    }
    initGeoForms();
  });
})();

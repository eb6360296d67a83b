/* The report page's location picker and the triage page's small map.
   Pins are in the tiles' coordinate system (GCJ-02 for Chinese tiles) and sent with coord_system, so the
   server converts them to WGS-84; the phone's GPS gives WGS-84, shifted here only to draw it on the tiles.
   Tiles may fail offline: the map then shows a plain grid, and tapping it still places a pin. */
(function () {
  "use strict";

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // WGS-84 → GCJ-02 (the published transform; the server holds the exact inverse).
  var A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lat, lng) { return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function tLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function tLng(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }
  function wgsToGcj(lat, lng) {
    if (outOfChina(lat, lng)) return [lat, lng];
    var dlat = tLat(lng - 105.0, lat - 35.0), dlng = tLng(lng - 105.0, lat - 35.0);
    var rad = lat / 180.0 * Math.PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sq) * Math.PI);
    dlng = (dlng * 180.0) / (A / sq * Math.cos(rad) * Math.PI);
    return [lat + dlat, lng + dlng];
  }

  function start() {
    var config = readJson("map-config") || {};
    var center = readJson("map-center");
    var markers = readJson("map-markers") || [];
    var el = document.getElementById("report-map");
    var form = document.getElementById("report-form");
    var readonly = el && el.hasAttribute("data-readonly");
    var map = null, pin = null;

    function set(name, value) {
      var input = form && form.querySelector("[name='" + name + "']");
      if (input) input.value = value;
    }
    function toTiles(lat, lng) {
      return config.coordSystem === "gcj02" ? wgsToGcj(lat, lng) : [lat, lng];
    }
    function placePin(latlng) {
      if (!map) return;
      if (pin) pin.setLatLng(latlng);
      else {
        pin = L.marker(latlng, { draggable: !readonly, title: "pin" }).addTo(map);
        pin.on("dragend", function () { fromMap(pin.getLatLng()); });
      }
      window.reportPin = pin;
    }
    function fromMap(latlng) {
      set("lat", latlng.lat.toFixed(7));
      set("lng", latlng.lng.toFixed(7));
      set("coord_system", config.coordSystem || "wgs84");
      var status = document.getElementById("report-location-status");
      if (status) status.textContent = latlng.lat.toFixed(6) + ", " + latlng.lng.toFixed(6);
    }

    if (el && typeof L !== "undefined") {
      map = L.map(el, { zoomControl: true });
      var failed = 0;
      if (config.tileUrl) {
        L.tileLayer(config.tileUrl, { subdomains: config.subdomains || "abc", attribution: config.attribution || "", maxZoom: 19 })
          .on("tileerror", function () { failed += 1; el.classList.add("no-tiles"); })
          .addTo(map);
      } else {
        el.classList.add("no-tiles");
      }
      map.setView(center || [32.03, 120.87], center ? 17 : 13);
      if (center) placePin(center);
      markers.forEach(function (v) {
        L.circleMarker([v.lat, v.lng], { radius: 6, weight: 2 }).bindTooltip(v.name).addTo(map);
      });
      if (!readonly) {
        map.on("click", function (e) { placePin(e.latlng); fromMap(e.latlng); });
      }
      window.reportMap = map;
    }

    var button = document.getElementById("report-locate");
    if (button) {
      button.addEventListener("click", function () {
        var status = document.getElementById("report-location-status");
        function say(text) { if (status) status.textContent = text; }
        if (!navigator.geolocation) { say(button.getAttribute("data-msg-unsupported") || ""); return; }
        say(button.getAttribute("data-msg-locating") || "");
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(function (pos) {
          button.disabled = false;
          var lat = pos.coords.latitude, lng = pos.coords.longitude;
          set("lat", lat.toFixed(7));
          set("lng", lng.toFixed(7));
          set("coord_system", "wgs84");
          if (map) { var t = toTiles(lat, lng); placePin(t); map.setView(t, 17); }
          say((button.getAttribute("data-msg-done") || "") + " " + lat.toFixed(6) + ", " + lng.toFixed(6) +
            " (±" + Math.round(pos.coords.accuracy || 0) + " m)");
        }, function (err) {
          button.disabled = false;
          say((button.getAttribute("data-msg-failed") || "") + " " + (err && err.message ? err.message : ""));
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
      });
    }
  }

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();

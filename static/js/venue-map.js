/* Leaflet maps of venues. Markers arrive already in the tiles' coordinate system (the server
   shifts WGS-84 to GCJ-02 for Chinese tiles). Tiles may fail offline; markers still show.
   Every marker on the page is kept in window.venueMarkers (tests count them). */
(function () {
  "use strict";

  window.venueMarkers = [];

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function baseMap(elementId, config) {
    var map = L.map(elementId, { zoomControl: true });
    L.tileLayer(config.tileUrl, {
      subdomains: config.subdomains || "abc",
      attribution: config.attribution || "",
      maxZoom: 19
    }).addTo(map);
    return map;
  }

  function icon(venue) {
    return L.divIcon({
      className: "venue-marker-wrap",
      html: '<div class="venue-marker ' + escapeHtml(venue.status || "") + '"></div>',
      iconSize: [16, 16],
      iconAnchor: [8, 8],
      popupAnchor: [0, -8]
    });
  }

  function addMarker(map, venue, layer) {
    var marker = L.marker([venue.lat, venue.lng], { icon: icon(venue), title: venue.name });
    if (venue.url) {
      marker.bindPopup(
        '<strong><a class="venue-popup-link" href="' + escapeHtml(venue.url) + '">' + escapeHtml(venue.name) +
        "</a></strong><br>" + escapeHtml(venue.category || "") +
        (venue.status_label ? " · " + escapeHtml(venue.status_label) : "")
      );
    }
    marker.venueId = venue.id;
    marker.addTo(layer || map);
    var el = marker.getElement();
    if (el) el.setAttribute("data-venue-id", String(venue.id));
    window.venueMarkers.push(marker);
    return marker;
  }

  // Small map on the detail page.
  function detailMap() {
    var el = document.getElementById("venue-map");
    var point = readJson("map-point");
    var config = readJson("map-config");
    if (!el || !point || !config || el.hasAttribute("data-url")) return;
    var map = baseMap("venue-map", config);
    map.setView([point.lat, point.lng], 17);
    addMarker(map, { id: el.getAttribute("data-venue"), name: point.name, lat: point.lat, lng: point.lng });
  }

  // Full map page: markers from the JSON endpoint; reloaded by view box when the scope is large.
  function fullMap() {
    var el = document.getElementById("venue-map");
    var config = readJson("map-config");
    if (!el || !config || !el.hasAttribute("data-url")) return;
    var url = el.getAttribute("data-url");
    var status = document.getElementById("map-status");
    var map = baseMap("venue-map", config);
    map.setView([32.03, 120.87], 13);
    var layer = L.layerGroup().addTo(map);
    var byBox = false;
    var loading = null;

    function show(data, fit) {
      layer.clearLayers();
      window.venueMarkers = [];
      var bounds = [];
      data.venues.forEach(function (v) {
        addMarker(map, v, layer);
        bounds.push([v.lat, v.lng]);
      });
      el.setAttribute("data-marker-count", String(data.venues.length));
      if (status) {
        status.textContent = data.truncated ? (status.getAttribute("data-msg-truncated") || "") : "";
        status.hidden = !data.truncated;
      }
      if (fit && bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
      byBox = byBox || data.truncated;
    }

    function load(withBox, fit) {
      var query = withBox ? "?bbox=" + map.getBounds().toBBoxString() : "";
      if (loading) loading.abort();
      loading = new AbortController();
      fetch(url + query, { credentials: "same-origin", signal: loading.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) { show(data, fit); })
        .catch(function () { /* aborted or offline */ });
    }

    load(false, true);
    map.on("moveend", function () { if (byBox) load(true, false); });
    window.venueMap = map;
  }

  function start() {
    if (typeof L === "undefined") return;
    detailMap();
    fullMap();
  }

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();

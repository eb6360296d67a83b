/* The big screen (大屏). The page arrives with the figures rendered; this script keeps them live:
 * it polls the summary API with the change marker every pollSeconds (an unchanged screen costs the
 * server four index lookups), reloads everything every fullRefreshSeconds, and on any failure shows
 * "reconnecting" and retries with backoff (1 s, 2 s, 4 s … 15 s) forever. The map's venues come from
 * the map API at start and every mapRefreshSeconds. No map tiles: the map is an ECharts scatter on
 * the WGS-84 lng/lat plane, so the screen works without the internet. See docs/dashboard.md. */
(function () {
  "use strict";

  var configEl = document.getElementById("screen-config");
  var summaryEl = document.getElementById("screen-summary");
  if (!configEl || !summaryEl) return;
  var config = JSON.parse(configEl.textContent);
  var S = config.strings;
  var echarts = window.echarts;

  var intFmt = new Intl.NumberFormat(config.locale);
  var pctFmt = new Intl.NumberFormat(config.locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var oneDecimal = new Intl.NumberFormat(config.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var dateFmt = new Intl.DateTimeFormat(config.locale, { timeZone: config.timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short" });
  var timeFmt = new Intl.DateTimeFormat("en-GB", { timeZone: config.timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  var stampFmt = new Intl.DateTimeFormat("en-GB", { timeZone: config.timeZone, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });

  function stamp(date) {
    // "MM-DD HH:mm" in the screen's time zone, as the server renders it.
    var p = {};
    stampFmt.formatToParts(date).forEach(function (part) { p[part.type] = part.value; });
    return p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
  }

  var COLORS = { found: "#ff9a2e", closed: "#36cfc9", text: "#d8e6f7", muted: "#7f9bbd", grid: "rgba(127,155,189,.15)" };
  var RISK_COLORS = { red: "#ff4d4f", orange: "#ff9a2e", yellow: "#fadb14", blue: "#3a8ee6", "": "#5b6b80" };

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key] == null ? "" : values[key]; });
  }

  function formatFigure(value, kind) {
    if (value === null || value === undefined || value === "") return "—";
    if (kind === "percent") return pctFmt.format(value);
    if (kind === "hours") return fill(S.hours, { hours: oneDecimal.format(value) });
    return intFmt.format(value);
  }

  function pick(data, path) {
    return path.split(".").reduce(function (obj, key) { return obj == null ? undefined : obj[key]; }, data);
  }

  function text(el, value) {
    if (el && el.textContent !== value) el.textContent = value;
  }

  // --- fit the 1920×1080 frame to the window --------------------------------------------------
  var frame = document.getElementById("screen");
  function fit() {
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    var left = Math.max(0, (window.innerWidth - 1920 * scale) / 2);
    var top = Math.max(0, (window.innerHeight - 1080 * scale) / 2);
    frame.style.transform = scale === 1 ? "" : "translate(" + left + "px," + top + "px) scale(" + scale + ")";
  }
  window.addEventListener("resize", fit);
  fit();

  // --- header: clock, unit and language choice -----------------------------------------------
  function tick() {
    var now = new Date();
    text(document.getElementById("screen-clock-date"), dateFmt.format(now));
    text(document.getElementById("screen-clock-time"), timeFmt.format(now));
  }
  tick();
  setInterval(tick, 1000);

  var unitSelect = document.getElementById("screen-unit-select");
  if (unitSelect) unitSelect.addEventListener("change", function () { unitSelect.form.submit(); });
  var langSelect = document.getElementById("screen-language-select");
  if (langSelect) langSelect.addEventListener("change", function () { langSelect.form.submit(); });

  // --- status ---------------------------------------------------------------------------------
  var statusEl = document.getElementById("screen-status");
  var messageEl = document.getElementById("screen-message");
  function setStatus(status) {
    if (statusEl.getAttribute("data-status") !== status) statusEl.setAttribute("data-status", status);
    text(document.getElementById("screen-status-text"), status === "live" ? S.live : status === "expired" ? S.signedOut : S.reconnecting);
    if (status === "expired") {
      text(document.getElementById("screen-message-text"), S.expired);
      messageEl.hidden = false;
    } else {
      messageEl.hidden = true;
    }
  }

  // --- figures --------------------------------------------------------------------------------
  function renderFigures(data, animate) {
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var key = el.getAttribute("data-figure");
      var value = pick(data, key);
      var raw = value == null ? "" : String(value);
      var changed = el.getAttribute("data-value") !== raw;
      el.setAttribute("data-value", raw);
      text(el.querySelector(".kpi-value"), formatFigure(value, el.getAttribute("data-format")));
      var parts = el.getAttribute("data-parts");
      if (parts) {
        var p = parts.split(",");
        text(el.querySelector(".kpi-sub"), fill(S.parts, { part: intFmt.format(pick(data, p[0]) || 0), whole: intFmt.format(pick(data, p[1]) || 0) }));
      }
      if (key === "hazards.overdue") el.classList.toggle("is-alert", Number(value) > 0);
      if (changed && animate && el.classList.contains("kpi")) {
        el.classList.remove("is-changed");
        void el.offsetWidth; // restart the animation
        el.classList.add("is-changed");
      }
    });
    text(document.getElementById("screen-unit-name"), data.org_unit.name);
    text(document.getElementById("screen-updated"), fill(S.updated, { time: timeFmt.format(new Date(data.generated_at)) }));
  }

  function cell(tr, value, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = value;
    tr.appendChild(td);
  }

  function renderRanking(rows) {
    var body = document.getElementById("screen-ranking-rows");
    var fragment = document.createDocumentFragment();
    rows.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-community-id", c.id);
      cell(tr, c.rank, "rank");
      cell(tr, c.name, "name");
      cell(tr, formatFigure(c.venues, "int"), "num");
      cell(tr, formatFigure(c.completeness_rate, "percent"), "num");
      cell(tr, formatFigure(c.found_this_year, "int"), "num");
      cell(tr, formatFigure(c.closed_this_year, "int"), "num");
      cell(tr, formatFigure(c.on_time_rate, "percent"), "num");
      cell(tr, formatFigure(c.open, "int"), "num");
      cell(tr, formatFigure(c.overdue, "int"), c.overdue ? "num is-alert" : "num");
      fragment.appendChild(tr);
    });
    if (!rows.length) {
      var tr = document.createElement("tr");
      tr.className = "empty";
      var td = document.createElement("td");
      td.colSpan = 9;
      td.textContent = S.noData;
      tr.appendChild(td);
      fragment.appendChild(tr);
    }
    body.replaceChildren(fragment);
  }

  var seenFeed = null;
  function renderFeed(items) {
    var list = document.getElementById("screen-feed");
    var fragment = document.createDocumentFragment();
    var keys = new Set();
    items.forEach(function (item) {
      keys.add(item.key);
      var li = document.createElement("li");
      li.className = "feed-item kind-" + item.kind;
      li.setAttribute("data-feed-key", item.key);
      li.setAttribute("data-kind", item.kind);
      if (seenFeed && !seenFeed.has(item.key)) li.classList.add("is-new");
      var parts = [
        ["feed-kind", S["feed_" + item.kind] || S[item.kind] || item.kind],
        ["feed-time", stamp(new Date(item.at))],
        ["feed-venue", item.venue || ""],
        ["feed-community", item.community || ""],
        ["feed-detail", item.detail || ""],
      ];
      parts.forEach(function (p) {
        var el = document.createElement(p[0] === "feed-time" ? "time" : "span");
        el.className = p[0];
        el.textContent = p[1];
        if (p[0] === "feed-time") el.setAttribute("datetime", item.at);
        li.appendChild(el);
      });
      fragment.appendChild(li);
    });
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "feed-empty";
      empty.textContent = S.noData;
      fragment.appendChild(empty);
    }
    list.replaceChildren(fragment);
    seenFeed = keys;
  }

  // A district has more communities than the panel holds: scroll the ranking a row at a time.
  var rankingWrap = document.getElementById("screen-ranking-wrap");
  setInterval(function () {
    if (!rankingWrap || rankingWrap.scrollHeight <= rankingWrap.clientHeight + 2) return;
    var row = rankingWrap.querySelector("tbody tr");
    var step = row ? row.offsetHeight : 28;
    var bottom = rankingWrap.scrollTop + rankingWrap.clientHeight >= rankingWrap.scrollHeight - 2;
    rankingWrap.scrollTop = bottom ? 0 : rankingWrap.scrollTop + step;
  }, 4000);

  // --- charts ---------------------------------------------------------------------------------
  var charts = {};
  function chart(id) {
    if (!echarts) return null;
    if (!charts[id]) {
      var el = document.getElementById(id);
      el.replaceChildren(); // drop the server-rendered fallback
      charts[id] = echarts.init(el, null, { renderer: "canvas" });
    }
    return charts[id];
  }
  var axisStyle = {
    axisLine: { lineStyle: { color: COLORS.grid } },
    axisLabel: { color: COLORS.muted, fontSize: 12 },
    splitLine: { lineStyle: { color: COLORS.grid } },
  };

  function renderDaily(daily) {
    var c = chart("chart-daily");
    if (!c) return;
    c.setOption({
      aria: { enabled: true },
      animationDuration: 400,
      textStyle: { fontFamily: "inherit" },
      tooltip: { trigger: "axis" },
      legend: { data: [S.found, S.closed], top: 0, right: 0, textStyle: { color: COLORS.text } },
      grid: { left: 44, right: 12, top: 34, bottom: 26 },
      xAxis: Object.assign({ type: "category", data: daily.map(function (d) { return d.day.slice(5); }) }, axisStyle, { splitLine: { show: false } }),
      yAxis: Object.assign({ type: "value", minInterval: 1 }, axisStyle),
      series: [
        { name: S.found, type: "bar", data: daily.map(function (d) { return d.found; }), itemStyle: { color: COLORS.found, borderRadius: [3, 3, 0, 0] }, barMaxWidth: 12 },
        { name: S.closed, type: "line", data: daily.map(function (d) { return d.closed; }), smooth: true, symbolSize: 6, itemStyle: { color: COLORS.closed }, lineStyle: { width: 3 }, areaStyle: { color: "rgba(54,207,201,.12)" } },
      ],
    });
  }

  function renderTypes(types) {
    var c = chart("chart-types");
    if (!c) return;
    var rows = types.slice().reverse(); // the largest at the top
    c.setOption({
      aria: { enabled: true },
      animationDuration: 400,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 48, top: 4, bottom: 4, containLabel: true },
      xAxis: Object.assign({ type: "value", minInterval: 1 }, axisStyle, { axisLabel: { show: false } }),
      yAxis: Object.assign({ type: "category", data: rows.map(function (t) { return t.code + " " + t.name; }) }, axisStyle, {
        axisLabel: { color: COLORS.text, fontSize: 13, width: 230, overflow: "truncate" },
      }),
      series: [{
        type: "bar", name: S.found, data: rows.map(function (t) { return t.found; }), barMaxWidth: 16,
        label: { show: true, position: "right", color: COLORS.text },
        itemStyle: { borderRadius: [0, 3, 3, 0], color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [{ offset: 0, color: "#1f6fd1" }, { offset: 1, color: "#35c8ff" }]) },
      }],
    });
  }

  // --- map ------------------------------------------------------------------------------------
  var mapVenues = [];
  var mapMode = "risk";
  var OPEN_BUCKETS = [
    { name: "0", test: function (n) { return n === 0; }, color: "#36cfc9", size: 6 },
    { name: "1", test: function (n) { return n === 1; }, color: "#fadb14", size: 9 },
    { name: "2", test: function (n) { return n === 2; }, color: "#ff9a2e", size: 11 },
    { name: "3+", test: function (n) { return n >= 3; }, color: "#ff4d4f", size: 13 },
  ];

  function mapExtent(el) {
    // Keep distances true: a degree of longitude is cos(latitude) of a degree of latitude.
    var lats = mapVenues.map(function (v) { return v[0]; });
    var lngs = mapVenues.map(function (v) { return v[1]; });
    var minLat = Math.min.apply(null, lats), maxLat = Math.max.apply(null, lats);
    var minLng = Math.min.apply(null, lngs), maxLng = Math.max.apply(null, lngs);
    var midLat = (minLat + maxLat) / 2, midLng = (minLng + maxLng) / 2;
    var k = Math.cos((midLat * Math.PI) / 180);
    var spanY = Math.max(maxLat - minLat, 0.002) * 1.1;
    var spanX = Math.max((maxLng - minLng) * k, 0.002) * 1.1;
    var ratio = (el.clientWidth || 1) / (el.clientHeight || 1);
    if (spanX / spanY > ratio) spanY = spanX / ratio; else spanX = spanY * ratio;
    return { x: [midLng - spanX / k / 2, midLng + spanX / k / 2], y: [midLat - spanY / 2, midLat + spanY / 2] };
  }

  function mapSeries() {
    var groups;
    if (mapMode === "risk") {
      groups = ["", "blue", "yellow", "orange", "red"].map(function (level) {
        return {
          name: level ? S["risk_" + level] : S.none,
          color: RISK_COLORS[level],
          size: level === "red" ? 11 : level === "orange" ? 9 : 7,
          rows: mapVenues.filter(function (v) { return (v[2] || "") === level; }),
        };
      });
    } else {
      groups = OPEN_BUCKETS.map(function (b) {
        return { name: fill(S.openHazards, { n: b.name }), color: b.color, size: b.size, rows: mapVenues.filter(function (v) { return b.test(v[3]); }) };
      });
    }
    return groups.map(function (g) {
      return {
        name: g.name, type: "scatter", symbolSize: g.size, large: true, largeThreshold: 3000,
        itemStyle: { color: g.color, opacity: 0.9, shadowBlur: 6, shadowColor: g.color },
        data: g.rows.map(function (v) { return [v[1], v[0], v[3]]; }),
      };
    });
  }

  function renderMap() {
    var c = chart("chart-map");
    if (!c) return;
    var el = document.getElementById("chart-map");
    var option = {
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) { return p.seriesName + "<br>" + fill(S.openHazards, { n: p.value[2] }); },
      },
      legend: { bottom: 4, left: "center", textStyle: { color: COLORS.text }, itemWidth: 12, itemHeight: 12 },
      grid: { left: 6, right: 6, top: 6, bottom: 36 },
      series: mapSeries(),
      graphic: mapVenues.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: S.noVenues, fill: COLORS.muted, fontSize: 18 } }],
    };
    var hidden = { axisLine: { show: false }, axisTick: { show: false }, axisLabel: { show: false }, splitLine: { lineStyle: { color: "rgba(53,200,255,.06)" } } };
    if (mapVenues.length) {
      var ext = mapExtent(el);
      option.xAxis = Object.assign({ type: "value", min: ext.x[0], max: ext.x[1], scale: true }, hidden);
      option.yAxis = Object.assign({ type: "value", min: ext.y[0], max: ext.y[1], scale: true }, hidden);
    } else {
      option.xAxis = Object.assign({ type: "value" }, hidden);
      option.yAxis = Object.assign({ type: "value" }, hidden);
    }
    c.setOption(option, { notMerge: true });
  }

  document.querySelectorAll("[data-map-mode]").forEach(function (button) {
    button.addEventListener("click", function () {
      mapMode = button.getAttribute("data-map-mode");
      document.querySelectorAll("[data-map-mode]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      renderMap();
    });
  });

  function loadMap() {
    fetch(config.mapUrl + "?" + new URLSearchParams({ org_unit: config.orgUnit }), { credentials: "same-origin", redirect: "manual", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) throw new Error("map " + res.status);
        return res.json();
      })
      .then(function (data) {
        mapVenues = data.venues || [];
        renderMap();
        setTimeout(loadMap, config.mapRefreshSeconds * 1000);
      })
      .catch(function () { setTimeout(loadMap, 15000); }); // the summary poll reports the connection
  }

  // --- render everything ----------------------------------------------------------------------
  function render(data, animate) {
    renderFigures(data, animate);
    renderRanking(data.communities);
    renderFeed(data.feed);
    renderDaily(data.daily);
    renderTypes(data.top_hazard_types);
  }

  // --- polling --------------------------------------------------------------------------------
  var marker = config.marker;
  var failures = 0;
  var lastFull = Date.now();
  var timer = null;
  var MAX_BACKOFF = 15000;

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function retry() {
    var delay = Math.min(1000 * Math.pow(2, failures), MAX_BACKOFF);
    failures += 1;
    schedule(delay);
  }

  function failed() {
    setStatus("reconnecting");
    retry();
  }

  function expired() {
    setStatus("expired");
    retry(); // keep asking: logging in again (in another tab) brings the screen back by itself
  }

  function poll() {
    var full = Date.now() - lastFull >= config.fullRefreshSeconds * 1000 || !marker;
    var params = new URLSearchParams({ org_unit: config.orgUnit });
    if (!full) params.set("since", marker);
    var controller = window.AbortController ? new AbortController() : null;
    var timeout = setTimeout(function () { if (controller) controller.abort(); }, 10000);
    fetch(config.summaryUrl + "?" + params, {
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
    })
      .then(function (res) {
        clearTimeout(timeout);
        if (res.type === "opaqueredirect" || res.status === 401 || res.status === 403) return expired();
        if (!res.ok) return failed();
        return res.json().then(function (data) {
          failures = 0;
          setStatus("live");
          marker = data.marker;
          if (full) lastFull = Date.now();
          if (data.changed) render(data, true);
          schedule(config.pollSeconds * 1000);
        });
      })
      .catch(function () {
        clearTimeout(timeout);
        failed();
      });
  }

  render(JSON.parse(summaryEl.textContent), false);
  loadMap();
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    renderMap();
  });
  schedule(config.pollSeconds * 1000);
})();

/* The map picker of the premises' location (docs/decisions/0035-map-picker.md).
 *
 * The latitude/longitude inputs stay the truth: typed in Persian or Latin digits, they are
 * checked live against the permitted zone (status in an aria-live region, with the distance
 * to the nearest office) whether or not the map loads. When Leaflet is there, the map draws
 * the zones, the boundaries and the districts' borders the data has, numbered (the demo's are
 * illustrative, and the legend says so; vector only; tiles only from the municipality's own
 * server, if set), and mirrors the inputs both ways: click/tap or drag the marker, or move it with the
 * arrow keys once focused. */
(function () {
  "use strict";

  var FA = "۰۱۲۳۴۵۶۷۸۹";

  function toLatin(text) {
    return String(text || "")
      .replace(/[۰-۹]/g, function (d) { return String(FA.indexOf(d)); })
      .replace(/[٠-٩]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
      .replace(/[٫/]/g, ".")
      .trim();
  }

  function toPersian(number) {
    return number.toFixed(6).replace(/0+$/, "").replace(/\.$/, "")
      .replace(/\./g, "٫").replace(/-/g, "−").replace(/[0-9]/g, function (d) { return FA[+d]; });
  }

  function parse(input) {
    var text = toLatin(input.value);
    if (!text || !/^-?\d+(\.\d+)?$/.test(text)) return null;
    return parseFloat(text);
  }

  function setup(root) {
    var lat = root.querySelector("input[name=lat]");
    var lng = root.querySelector("input[name=lng]");
    var status = root.querySelector(".location-status");
    if (!lat || !lng || !status) return;
    var map = null;
    var zone = null;  // the zones' bounds: a typed point outside is shown with them
    var marker = null;
    var timer = null;
    var asked = 0;

    function say(text, kind) {
      status.textContent = text;
      status.classList.remove("is-inside", "is-outside");
      if (kind) status.classList.add(kind);
    }

    function check() {
      var a = parse(lat), b = parse(lng);
      if (!lat.value.trim() && !lng.value.trim()) { say(""); return; }
      if (a === null || b === null) {
        say("عرض و طول جغرافیایی را با عدد بنویسید، مثلاً ۳۵٫۷۴۵ و ۵۱٫۵۵۳.");
        return;
      }
      var mine = ++asked;
      var url = root.dataset.checkUrl + "&lat=" + encodeURIComponent(a) + "&lng=" + encodeURIComponent(b);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (mine !== asked) return;  // a later point was asked meanwhile
          if (!res.ok) { say(res.body.detail || "این نقطه را نتوانستیم بسنجیم."); return; }
          var b = res.body;
          say(b.status, b.inside === true ? "is-inside" : b.inside === false ? "is-outside" : "");
        })
        .catch(function () { if (mine === asked) say("سنجش محل ممکن نشد؛ اتصال را بررسی کنید."); });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(function () { if (map) fromInputs(); check(); }, 350);
    }

    function place(latlng, fromMap) {
      if (!map) return;
      if (!marker) {
        marker = L.marker(latlng, {
          draggable: true, keyboard: true,
          title: "محل فعالیت؛ با کلیدهای جهت‌نما جابه‌جا کنید", alt: "نشانگر محل فعالیت",
        }).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
        var el = marker.getElement();
        if (el) {
          el.setAttribute("role", "button");
          el.setAttribute("aria-label", "نشانگر محل فعالیت؛ با کلیدهای جهت‌نما جابه‌جا کنید");
        }
      } else {
        marker.setLatLng(latlng);
      }
      if (!fromMap) reveal(latlng);
    }

    // A typed point is brought into view at once (no animation); one outside the zones is
    // shown beside them, so one sees how far outside it is.
    function reveal(latlng) {
      if (zone && !zone.contains(latlng)) {
        map.fitBounds(L.latLngBounds(zone.getSouthWest(), zone.getNorthEast()).extend(latlng), { animate: false, padding: [48, 48] });
      } else {
        map.panTo(latlng, { animate: false });
      }
    }

    function write(latlng) {
      lat.value = toPersian(latlng.lat);
      lng.value = toPersian(latlng.lng);
      place(latlng, true);
      check();
    }

    // Listened for on the document, before Leaflet sees the key (capture), for whichever element
    // is the marker's now: the marker's own keys, not the map's panning. (On the map's box alone,
    // a key now and then never reached it in a loaded test run.)
    function nudge(event) {
      var moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
      var move = moves[event.key];
      if (!move || !marker || event.target !== marker.getElement()) return;
      event.preventDefault();
      event.stopPropagation();
      var step = event.shiftKey ? 50 : 10;
      var at = map.latLngToContainerPoint(marker.getLatLng());
      write(map.containerPointToLatLng(L.point(at.x + move[0] * step, at.y + move[1] * step)));
    }

    function fromInputs() {
      var a = parse(lat), b = parse(lng);
      if (a !== null && b !== null && Math.abs(a) <= 90 && Math.abs(b) <= 180) place(L.latLng(a, b), false);
    }

    lat.addEventListener("input", later);
    lng.addEventListener("input", later);

    // The districts' borders the data has (the demo's are illustrative: the legend says so),
    // each with its number written well inside it; the numbers are hidden from screen readers
    // (the legend and the status speak for the map).
    function drawDistricts(districts) {
      var features = (districts && districts.features) || [];
      var legend = root.querySelector(".map-legend-districts");
      var none = root.querySelector(".map-legend-no-districts");
      if (legend) legend.hidden = !features.length;
      if (none) none.hidden = !!features.length;
      var illustrative = root.querySelector(".map-legend-illustrative");
      if (illustrative) illustrative.hidden = !features.some(function (f) { return f.properties.illustrative; });
      if (!features.length) return;
      L.geoJSON(districts, {
        style: { color: "#0a58ca", weight: 1.5, dashArray: "2 5", fill: false },
        interactive: false,
      }).addTo(map);
      features.forEach(function (f) {
        var at = f.properties.label_at;
        if (!at) return;
        var text = document.createElement("span");
        text.textContent = f.properties.label;
        var label = L.marker(at, {
          icon: L.divIcon({ className: "district-label", html: text, iconSize: [28, 18], iconAnchor: [14, 9] }),
          interactive: false, keyboard: false,
        }).addTo(map);
        var el = label.getElement();
        if (el) el.setAttribute("aria-hidden", "true");
      });
    }

    function draw(data) {
      var wrap = root.querySelector(".location-map-wrap");
      var box = root.querySelector(".location-map");
      wrap.hidden = false;
      L.Icon.Default.imagePath = root.dataset.icons;
      document.addEventListener("keydown", nudge, true);
      map = L.map(box, { zoomControl: false, attributionControl: false, keyboard: true, zoomSnap: 0.25 });
      L.control.zoom({ zoomInTitle: "بزرگ‌نمایی", zoomOutTitle: "کوچک‌نمایی" }).addTo(map);
      L.control.attribution({ prefix: false }).addAttribution(data.attribution).addTo(map);
      if (data.tile_url) L.tileLayer(data.tile_url, { maxZoom: 19 }).addTo(map);
      L.geoJSON(data.boundaries, {
        style: { color: "#6c757d", weight: 1, dashArray: "4 4", fill: false },
        interactive: false,
      }).addTo(map);
      L.geoJSON(data.zones, {
        style: { color: "#146c43", weight: 2, fillColor: "#198754", fillOpacity: 0.15 },
        interactive: false,
      }).addTo(map);
      drawDistricts(data.districts);
      if (data.bounds) {
        zone = L.latLngBounds(data.bounds);
        map.fitBounds(zone);
      } else {
        map.setView([35.7, 51.4], 10);
      }
      map.on("click", function (e) { write(e.latlng); });
      map.on("resize", function () { if (marker) reveal(marker.getLatLng()); });  // a turned phone
      var a = parse(lat), b = parse(lng);
      if (a !== null && b !== null) place(L.latLng(a, b), false);
    }

    if (window.L && root.dataset.mapUrl) {
      fetch(root.dataset.mapUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("map"); return r.json(); })
        .then(draw)
        .catch(function () { /* the map is an enhancement: the inputs and the status still work */ });
    }
    if (lat.value.trim() || lng.value.trim()) check();
  }

  function start() {
    document.querySelectorAll(".location-picker[data-check-url]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

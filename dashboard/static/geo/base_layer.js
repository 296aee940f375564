/* The live map's own base layer: Vietnam's 63 provinces, Thái Bình and its neighbours, the rivers at the
 * three bridges (sông Hồng, sông Luộc, sông Trà Lý) and Thái Bình's district seats, drawn from the GeoJSON
 * files beside this script. The map reads like a map with no tile server; tiles, when configured, sit
 * under it. Loaded by dashboard/maps.py before the map's own script; sources and licences: README.md. */
(function () {
  "use strict";

  // Leaflet panes, bottom to top; Leaflet's own tile pane is at 200 (unused: tiles go in geo-tiles),
  // circles and checkpoint markers at 400.
  var PANES = {"geo-land": 250, "geo-tiles": 280, "geo-hot": 300, "geo-outline": 320, "geo-rivers": 340,
               "geo-seats": 350, "geo-labels": 360};
  var COLORS = {land: "#F2F1EC", focus: "#FFF7D6", border: "#B3B3B3", regionBorder: "#8C8C8C",
                focusBorder: "#6D4C41", water: "#8DBBE0", river: "#3D85C6", seat: "#5F5F5F"};
  var HATCH_ID = "hot-zone-hatch";

  function getJSON(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.json();
    });
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  // A name written on the map: not interactive, so it never takes a click meant for a marker.
  function label(latlng, text, kind, side) {
    return L.marker(latlng, {
      pane: "geo-labels", interactive: false, keyboard: false,
      icon: L.divIcon({className: "geo-label geo-label-" + kind + " geo-side-" + (side || "center"),
                       html: "<span>" + escapeHtml(text) + "</span>", iconSize: null})
    });
  }

  // One <pattern> for every hot-zone area; Leaflet's SVG paths refer to it as fill="url(#...)".
  function addHatch(map) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.style.position = "absolute";
    svg.innerHTML = '<defs><pattern id="' + HATCH_ID + '" patternUnits="userSpaceOnUse" width="9" height="9" ' +
      'patternTransform="rotate(45)"><rect width="9" height="9" fill="#C62828" fill-opacity="0.10"/>' +
      '<rect width="3.5" height="9" fill="#C62828" fill-opacity="0.55"/></pattern></defs>';
    map.getContainer().appendChild(svg);
  }

  function drawProvinces(map, fc, o) {
    L.geoJSON(fc, {
      pane: "geo-land", interactive: false,
      style: function (f) {
        var role = f.properties.role;
        return {fillColor: role === "focus" ? COLORS.focus : COLORS.land, fillOpacity: 1,
                color: role ? COLORS.regionBorder : COLORS.border, weight: role ? 1.2 : 0.7,
                className: "geo-province geo-province-" + f.properties.code};
      }
    }).addTo(map);
    // Thái Bình's outline above the hot-zone hatching, so the province always stands out.
    L.geoJSON(fc, {
      pane: "geo-outline", interactive: false,
      filter: function (f) { return f.properties.role === "focus"; },
      style: {fill: false, color: COLORS.focusBorder, weight: 3, className: "geo-focus-outline"}
    }).addTo(map);
    fc.features.forEach(function (f) {
      var p = f.properties;
      if (p.label) {
        var kind = p.role === "focus" ? "focus" : "neighbour";
        label([p.label[1], p.label[0]], p.role === "focus" ? p.name.toUpperCase() : p.name, kind).addTo(map);
      }
    });
  }

  function drawRivers(map, fc, o) {
    L.geoJSON(fc, {
      pane: "geo-rivers", interactive: false,
      style: function (f) {
        var area = f.geometry.type === "Polygon";
        return {color: COLORS.river, weight: area ? 1 : 3, fillColor: COLORS.water, fillOpacity: 1,
                lineCap: "round", className: "geo-river"};
      }
    }).addTo(map);
    fc.features.forEach(function (f) {
      var p = f.properties;
      label([p.label[1], p.label[0]], o.lang === "en" ? p.name_en : p.name, "river").addTo(map);
    });
  }

  function drawSeats(map, fc) {
    fc.features.forEach(function (f) {
      var c = f.geometry.coordinates, p = f.properties;
      L.circleMarker([c[1], c[0]], {pane: "geo-seats", interactive: false, radius: p.kind === "city" ? 4 : 3,
                                    color: "#FFFFFF", weight: 1, fillColor: COLORS.seat, fillOpacity: 1,
                                    className: "geo-seat"}).addTo(map);
      label([c[1], c[0]], p.label, "seat", p.label_side).addTo(map);
    });
  }

  // "Thái Bình" / "Cả nước" buttons; until the viewer moves the map, a resize fits the chosen view again.
  function addViews(map, o) {
    var current = o.views.province, touched = false;
    var Views = L.Control.extend({
      options: {position: "topleft"},
      onAdd: function () {
        var bar = L.DomUtil.create("div", "leaflet-bar geo-views");
        ["province", "country"].forEach(function (name) {
          var link = L.DomUtil.create("a", "geo-view geo-view-" + name, bar);
          link.href = "#";
          link.setAttribute("role", "button");
          link.textContent = o.texts[name];
          link.title = o.texts[name + "_title"];
          L.DomEvent.on(link, "click", function (event) {
            L.DomEvent.preventDefault(event);
            current = o.views[name];
            touched = false;
            map.fitBounds(current);
          });
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    new Views().addTo(map);
    ["pointerdown", "wheel"].forEach(function (type) {
      map.getContainer().addEventListener(type, function () { touched = true; }, {passive: true});
    });
    map.on("resize", function () { if (!touched) { map.fitBounds(current); } });
    map.fitBounds(current);
  }

  // Names and seats only where they can be read: none at the country's scale, no district seats when
  // the province is small (a phone: their names would run under the checkpoints' names).
  function zoomClasses(map) {
    function update() {
      var zoom = map.getZoom(), classes = map.getContainer().classList;
      classes.toggle("geo-zoom-country", zoom < 8.5);
      classes.toggle("geo-zoom-small", zoom < 10);
    }
    map.on("zoomend", update);
    update();
  }

  /** Draw the base layer on ``map``; ``o``: urls, views, texts, lang, attribution. */
  window.thaiBinhBaseLayer = function (map, o) {
    Object.keys(PANES).forEach(function (name) { map.createPane(name).style.zIndex = PANES[name]; });
    addHatch(map);
    if (map.attributionControl) { map.attributionControl.addAttribution(o.attribution); }
    var geo = window.thaiBinhGeo = {provinces: getJSON(o.urls.provinces), rivers: getJSON(o.urls.rivers),
                                     seats: getJSON(o.urls.seats)};
    var drawn = [
      geo.provinces.then(function (fc) { drawProvinces(map, fc, o); }),
      geo.rivers.then(function (fc) { drawRivers(map, fc, o); }),
      geo.seats.then(function (fc) { drawSeats(map, fc); })
    ];
    Promise.all(drawn).then(function () { map.getContainer().classList.add("geo-ready"); },
                            function (error) { console.error("base layer:", error); });
    L.control.scale({imperial: false}).addTo(map);
    addViews(map, o);
    zoomClasses(map);
  };

  /** Hatch the hot-zone provinces in ``group``; ``zones``: GSO code -> "province" | "district". */
  window.thaiBinhHotZones = function (group, zones, color) {
    if (!window.thaiBinhGeo) { return; }
    window.thaiBinhGeo.provinces.then(function (fc) {
      L.geoJSON(fc, {
        pane: "geo-hot", interactive: false,
        filter: function (f) { return Object.prototype.hasOwnProperty.call(zones, f.properties.code); },
        style: function (f) {
          var whole = zones[f.properties.code] === "province";
          return {color: color, weight: whole ? 2.5 : 2, dashArray: whole ? null : "6 4",
                  fillColor: "url(#" + HATCH_ID + ")", fillOpacity: 1,
                  className: "hot-zone-area hot-zone-area-" + f.properties.code};
        }
      }).addTo(group);
    });
  };
})();

// Area maps: the boundaries of an area and its children (detail page), and the boundary
// editor of the area form (leaflet-geoman). Data comes from a json_script block named by
// the map's data-map-data attribute; the page has no inline script.
//
// Offline first: no tile layer unless the server passes one (MAP_TILE_URL), so with no
// tile server the map is a plain background with the polygons, their labels and a scale.
(function () {
  "use strict";

  var STYLES = {
    self: { color: "#a50e0e", weight: 3, fillColor: "#a50e0e", fillOpacity: 0.12 },
    child: { color: "#0b4f9c", weight: 2, fillColor: "#0b4f9c", fillOpacity: 0.15 },
    sibling: { color: "#555", weight: 2, dashArray: "4 4", fillColor: "#777", fillOpacity: 0.3 },
    context: { color: "#333", weight: 2, dashArray: "10 6", fill: false },
    edit: { color: "#a50e0e", weight: 3, fillColor: "#a50e0e", fillOpacity: 0.2 }
  };
  var GEOMAN_LANG = { "zh-hans": "zh", "zh-hant": "zh_tw" };

  function readData(el) {
    return JSON.parse(document.getElementById(el.dataset.mapData).textContent);
  }

  function makeMap(el, data) {
    el.hidden = false;
    var map = L.map(el, { zoomControl: false, attributionControl: Boolean(data.tiles), zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: data.labels.zoomIn, zoomOutTitle: data.labels.zoomOut }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    if (data.tiles) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    // Other scripts (and the browser tests) reach the map through its element.
    el.leafletMap = map;
    return map;
  }

  function addFeature(map, feature) {
    var layer = L.geoJSON(feature.geometry, {
      style: STYLES[feature.role],
      interactive: Boolean(feature.url),
      // Neighbours are for reference: geoman must not edit them, but may snap to them.
      pmIgnore: true,
      snapIgnore: false
    });
    if (feature.role !== "context") {
      // Leaflet puts a string tooltip in as HTML; an area name is user text, so hand it a text node.
      var label = document.createElement("span");
      label.textContent = feature.name;
      layer.bindTooltip(label, {
        permanent: true,
        direction: "center",
        className: "areas-label areas-label-" + feature.role
      });
    }
    if (feature.url) {
      layer.on("click", function () {
        window.location.href = feature.url;
      });
    }
    return layer.addTo(map);
  }

  function fit(map, layers) {
    var bounds = L.latLngBounds([]);
    layers.forEach(function (layer) {
      if (layer && layer.getBounds) {
        bounds.extend(layer.getBounds());
      }
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16] });
    } else {
      map.setView([35, 105], 4);
    }
  }

  function showMap(el) {
    var data = readData(el);
    var map = makeMap(el, data);
    var layers = data.features.map(function (f) {
      return addFeature(map, f);
    });
    var own = layers.filter(function (layer, i) {
      return data.features[i].role === "self" || data.features[i].role === "context";
    });
    fit(map, own.length ? own : layers);
    return { map: map, data: data, layers: layers };
  }

  // --- the boundary editor -------------------------------------------------------
  function polygonFromText(text) {
    var value = JSON.parse(text);
    if (value && value.type === "FeatureCollection" && value.features && value.features.length === 1) {
      value = value.features[0];
    }
    if (value && value.type === "Feature") {
      value = value.geometry;
    }
    if (!value || (value.type !== "Polygon" && value.type !== "MultiPolygon")) {
      throw new Error("not a polygon");
    }
    var layers = L.geoJSON(value).getLayers();
    return layers[0];
  }

  function editor(el, shown) {
    var map = shown.map;
    var input = document.getElementById(el.dataset.boundaryInput);
    var form = input.form;
    var fieldset = el.closest("fieldset");
    var tools = fieldset.querySelector("[data-map-tools]");
    var status = fieldset.querySelector("[data-map-status]");
    var paste = fieldset.querySelector("details.areas-paste");
    var drawButton = tools.querySelector("[data-tool=draw]");
    var editButton = tools.querySelector("[data-tool=edit]");
    var removeButton = tools.querySelector("[data-tool=remove]");
    var drawLabel = drawButton.textContent;
    var editLabel = editButton.textContent;
    var shape = null;
    var drawing = false;

    var lang = (document.documentElement.lang || "").toLowerCase();
    map.pm.setLang(GEOMAN_LANG[lang] || "en");
    map.pm.setGlobalOptions({ snappable: true, snapDistance: 15, allowSelfIntersection: false });

    tools.hidden = false;
    if (!paste.hasAttribute("data-keep-open")) {
      paste.open = false;
    }

    function say(text) {
      status.textContent = text;
    }

    function writeInput() {
      input.value = shape ? JSON.stringify(shape.toGeoJSON().geometry) : "";
    }

    function refreshButtons() {
      removeButton.disabled = !shape;
      editButton.disabled = !shape;
      drawButton.textContent = drawing ? drawButton.dataset.labelCancel : drawLabel;
      var editing = Boolean(shape && shape.pm.enabled());
      editButton.setAttribute("aria-pressed", editing ? "true" : "false");
      editButton.textContent = editing ? editButton.dataset.labelDone : editLabel;
    }

    function setShape(layer) {
      if (shape) {
        shape.pm.disable();
        map.removeLayer(shape);
      }
      shape = layer;
      if (shape) {
        shape.setStyle(STYLES.edit);
        shape.addTo(map);
        shape.on("pm:edit pm:markerdragend pm:vertexremoved", writeInput);
      }
      refreshButtons();
    }

    function loadFromInput(quiet) {
      var text = input.value.trim();
      if (!text) {
        setShape(null);
        return;
      }
      try {
        setShape(polygonFromText(text));
      } catch (err) {
        if (!quiet) {
          say(el.dataset.textBad);
        }
        return;
      }
      say("");
    }

    drawButton.addEventListener("click", function () {
      if (drawing) {
        map.pm.disableDraw();
        return;
      }
      if (shape) {
        shape.pm.disable();
      }
      map.pm.enableDraw("Polygon", { snappable: true, allowSelfIntersection: false });
    });
    editButton.addEventListener("click", function () {
      if (!shape) {
        return;
      }
      if (shape.pm.enabled()) {
        shape.pm.disable();
      } else {
        shape.pm.enable({ allowSelfIntersection: false, snappable: true });
      }
      writeInput();
      refreshButtons();
    });
    removeButton.addEventListener("click", function () {
      setShape(null);
      writeInput();
      say(el.dataset.textEmpty);
    });

    map.on("pm:drawstart", function () {
      drawing = true;
      refreshButtons();
    });
    map.on("pm:drawend", function () {
      drawing = false;
      refreshButtons();
    });
    map.on("pm:create", function (event) {
      setShape(event.layer);
      writeInput();
      say(el.dataset.textDrawn);
    });
    input.addEventListener("input", function () {
      loadFromInput(false);
    });
    form.addEventListener("submit", function () {
      if (shape && shape.pm.enabled()) {
        writeInput();
      }
    });

    // Boundaries are drawn for streets, communities, grids, sub-grids and courtyards, never
    // for buildings: the map is put away (and the field not sent) for a building.
    var level = form.querySelector("select[name=level]");
    var bounded = (fieldset.dataset.boundedLevels || "").split(" ");
    function followLevel() {
      var on = !level || bounded.indexOf(level.value) !== -1;
      fieldset.hidden = !on;
      input.disabled = !on;
      if (on) {
        map.invalidateSize();
      }
    }
    if (level) {
      level.addEventListener("change", followLevel);
    }
    followLevel();

    loadFromInput(true);
    if (shape) {
      // The neighbours stay in view so the new edge can be seen against theirs.
      fit(map, shown.layers.concat([shape]));
    }
    refreshButtons();
  }

  function start() {
    if (!window.L) {
      return;
    }
    document.querySelectorAll("[data-area-map]").forEach(function (el) {
      var shown = showMap(el);
      if (el.dataset.boundaryInput) {
        editor(el, shown);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

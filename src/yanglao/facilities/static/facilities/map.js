/* The offline facility map: Leaflet with NO tile layer. It draws the jurisdiction's generated outlines
   (GeoJSON from the page's data URL, same origin), the facilities as markers coloured by kind and the
   villages outside the 15-minute service circle. Nothing is requested from another host. */
(function () {
  "use strict";
  var el = document.getElementById("facility-map");
  if (!el || typeof L === "undefined") { return; }
  var status = document.getElementById("facility-map-status");

  function say(text) { if (status) { status.textContent = text; } }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function draw(data) {
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: false, minZoom: 5, maxZoom: 16 });
    var bounds = null;
    function extend(layer) {
      var b = layer.getBounds();
      if (b.isValid()) { bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
    }
    var villages = L.geoJSON(data.villages, {
      style: function (feature) {
        var p = feature.properties;
        return p.outside
          ? { color: "#b4232c", weight: 0.8, fillColor: "#f87171", fillOpacity: 0.45 }
          : { color: "#94a3b8", weight: 0.6, fillColor: "#e2e8f0", fillOpacity: 0.35 };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var notes = [];
        if (p.outside) { notes.push("在15分钟服务圈外"); }
        if (p.no_station) { notes.push("无村级养老服务站点"); }
        layer.bindTooltip(text(p.name) + (notes.length ? "：" + notes.join("，") : ""), { sticky: true });
      }
    }).addTo(map);
    extend(villages);
    var townships = L.geoJSON(data.townships, {
      style: function () { return { color: "#1f2933", weight: 1.6, fill: false }; },
      onEachFeature: function (feature, layer) {
        layer.bindPopup('<a href="' + encodeURI(feature.properties.url) + '">' + text(feature.properties.name) + "：设施网络</a>");
      }
    }).addTo(map);
    extend(townships);
    if (data.county) {
      var county = L.geoJSON(data.county, { style: function () { return { color: "#0b3954", weight: 3, fill: false }; } }).addTo(map);
      extend(county);
    }
    var markers = L.featureGroup();
    data.facilities.forEach(function (f) {
      var marker = L.circleMarker([f.lat, f.lon], {
        radius: f.beds >= 50 ? 8 : 6,
        color: "#ffffff",
        weight: 1.5,
        fillColor: f.colour,
        fillOpacity: f.inactive ? 0.4 : 0.95,
        className: "f-marker f-marker-" + f.kind
      });
      marker.bindPopup(
        '<a href="' + encodeURI(f.url) + '">' + text(f.name) + "</a><br>" + text(f.label) +
        (f.beds ? "，床位 " + f.beds : "") + (f.inactive ? "（" + text(f.status) + "）" : "")
      );
      marker.addTo(markers);
    });
    markers.addTo(map);
    if (!bounds && data.facilities.length) { bounds = markers.getBounds(); }
    if (bounds) { map.fitBounds(bounds, { padding: [8, 8] }); } else { map.setView([35, 110], 5); }
    L.control.scale({ imperial: false }).addTo(map);
    el.dataset.ready = "1";
    el.dataset.facilities = String(data.facilities.length);
    el.dataset.villages = String(data.villages.features.length);
    el.dataset.outside = String(data.outside);
    say(data.note + "。图上 " + data.facilities.length + " 个设施；" + data.outside + " 个村（社区）在15分钟服务圈外（红色" +
      (data.circle_metres ? "，半径 " + data.circle_metres + " 米直线距离" : "") + "）。");
  }

  fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(draw)
    .catch(function () { say("地图数据加载失败，请刷新重试。"); });
})();

/* The dashboard's charts (Apache ECharts, shipped with the package). Data: <script id="stats-data">. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("stats-data").textContent);
  var red = "#b4232c", blue = "#0b69a3", green = "#2f7d32", amber = "#d97706";
  var charts = [];
  var base = { textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" },
               tooltip: { trigger: "axis" }, grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true } };

  function make(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return null; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption(Object.assign({}, base, option));
    charts.push(chart);
    return chart;
  }

  make("chart-ages", {
    xAxis: { type: "category", data: data.ages.labels, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value" },
    series: [{ type: "bar", data: data.ages.values, itemStyle: { color: red }, label: { show: true, position: "top", fontSize: 10 } }]
  });

  make("chart-trend", {
    legend: { data: ["60周岁及以上", "80周岁及以上（右轴）"], top: 0 },
    grid: { left: 8, right: 8, top: 34, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.trend.months },
    yAxis: [{ type: "value", scale: true }, { type: "value", scale: true, splitLine: { show: false } }],
    series: [
      { name: "60周岁及以上", type: "line", data: data.trend.p60, itemStyle: { color: red }, showSymbol: false },
      { name: "80周岁及以上（右轴）", type: "line", yAxisIndex: 1, data: data.trend.p80, itemStyle: { color: blue }, showSymbol: false }
    ]
  });

  var units = make("chart-units", {
    legend: { data: ["60周岁及以上", "独居特困失能"], top: 0 },
    grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.units.names, axisLabel: { interval: 0, rotate: 40 } },
    yAxis: { type: "value" },
    series: [
      { name: "60周岁及以上", type: "bar", data: data.units.p60, itemStyle: { color: red } },
      { name: "独居特困失能", type: "bar", data: data.units.atd, itemStyle: { color: amber } }
    ]
  });
  if (units) {
    units.on("click", function (p) {
      var url = data.units.urls[p.dataIndex];
      if (url) { window.location.href = url; }
    });
  }

  make("chart-groups", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: { type: "category", data: data.groups.labels.slice().reverse() },
    series: [{ type: "bar", data: data.groups.values.slice().reverse(), itemStyle: { color: blue },
               label: { show: true, position: "right", fontSize: 10 } }]
  });

  make("chart-ability", {
    xAxis: { type: "category", data: data.ability.labels, axisLabel: { interval: 0, fontSize: 10 } },
    yAxis: { type: "value" },
    series: [{ type: "bar", data: data.ability.values, label: { show: true, position: "top", fontSize: 10 },
               itemStyle: { color: function (p) { return [green, "#84cc16", amber, "#ea580c", red][p.dataIndex]; } } }]
  });

  make("chart-facilities", {
    legend: { data: ["床位", "护理型床位", "在住"], top: 0 },
    grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.facilities.labels, axisLabel: { interval: 0, rotate: 25, fontSize: 10 } },
    yAxis: { type: "value" },
    series: [
      { name: "床位", type: "bar", data: data.facilities.beds, itemStyle: { color: red } },
      { name: "护理型床位", type: "bar", data: data.facilities.nursing, itemStyle: { color: blue } },
      { name: "在住", type: "bar", data: data.facilities.occupied, itemStyle: { color: green } }
    ]
  });

  if (data.visits) {
    make("chart-visits", {
      xAxis: { type: "category", data: data.visits.months },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ type: "line", data: data.visits.rates, itemStyle: { color: green }, label: { show: true, formatter: "{c}%", fontSize: 10 } }]
    });
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function money(v) {
    if (v === null || v === undefined) { return "—"; }
    return v >= 10000 ? (v / 10000).toFixed(2) + "万" : String(Math.round(v));
  }

  var box = document.getElementById("entitlements");
  if (box && window.fetch) {
    fetch(data.entitlements_url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        var e = body.entitlements;
        if (!e) { box.textContent = "本区划没有适用的基本养老服务清单。"; return; }
        box.className = "";
        var rows = e.items.map(function (i) {
          // An amount resting on an example figure (示例值) is shown apart and marked, never as real money.
          var month = i.example ? "<span class=\"tag example\">示例值 " + money(i.example_monthly_amount) + "</span>" : money(i.monthly_amount);
          var year = i.example ? "<span class=\"tag example\">示例值 " + money(i.example_annual_amount) + "</span>" : money(i.annual_amount);
          return "<tr><td>" + esc(i.no) + "</td><td>" + esc(i.name) + "</td><td class=num>" + i.people.toLocaleString() +
            "</td><td class=num>" + month + "</td><td class=num>" + year +
            "</td><td>" + esc(i.funding_levels) + "</td></tr>";
        }).join("");
        var text = document.createElement("div");
        text.innerHTML = (body.stale_note ? "<p class=stale-note role=status>" + esc(body.stale_note) + "。</p>" : "") +
          "<p class=hint>《" + esc(e.catalog_name) + "》：享受至少一项的老年人 " + e.people_with_any.toLocaleString() +
          " 人。金额为按清单标准测算的应享金额（元）；有明确标准的项目年金额合计 " + money(e.annual_amount) + "。</p>" +
          (e.example_items && e.example_items.length ? "<p class=hint>标“示例值”的项目金额依赖尚未替换的示例参数，不是真实标准，单列、不计入合计（年 " +
            money(e.example_annual_amount) + "）：" + e.example_items.map(esc).join("、") + "。</p>" : "") +
          "<div class=chart id=chart-entitlements></div>" +
          "<table class=list><thead><tr><th>序号</th><th>项目</th><th>人数</th><th>月金额</th><th>年金额</th><th>资金承担层级</th></tr></thead><tbody>" +
          rows + "</tbody></table>";
        box.innerHTML = "";
        box.appendChild(text);
        var top = e.items.slice().sort(function (a, b) { return b.people - a.people; }).slice(0, 12).reverse();
        make("chart-entitlements", {
          grid: { left: 8, right: 50, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: "value" },
          yAxis: { type: "category", data: top.map(function (i) { return i.name; }), axisLabel: { fontSize: 10 } },
          series: [{ type: "bar", data: top.map(function (i) { return i.people; }), itemStyle: { color: red },
                     label: { show: true, position: "right", fontSize: 10 } }]
        });
      })
      .catch(function () { box.textContent = "清单待遇测算失败，请稍后刷新。"; });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

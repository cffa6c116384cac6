// 统计看板: charts from the figures the page already prints as tables (json_script
// "dashboard-charts"), with every bar's number drawn on it (readable without colour) and a
// click on a bar opening the ledger rows it counts; tables sort by a click on their header.
(function () {
  "use strict";

  function sortable(table) {
    table.querySelectorAll("th[data-sort]").forEach(function (th, index) {
      th.tabIndex = 0;
      function sort() {
        var numeric = th.dataset.sort === "num";
        var descending = th.getAttribute("aria-sort") !== "descending";
        table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).filter(function (row) { return row.cells.length > index + 0 && row.cells[index].dataset.value !== undefined; });
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
          var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "zh-Hans-CN");
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); } });
    });
  }
  document.querySelectorAll("table.sortable").forEach(sortable);

  var source = document.getElementById("dashboard-charts");
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);

  // Numbers on the bars: the chart reads without colour and prints with its figures.
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === "y";
      ctx.save();
      ctx.font = "12px sans-serif";
      ctx.fillStyle = "#212529";
      chart.data.datasets.forEach(function (dataset, i) {
        var meta = chart.getDatasetMeta(i);
        if (meta.hidden) { return; }
        meta.data.forEach(function (bar, j) {
          var value = dataset.data[j];
          if (!value) { return; }
          if (horizontal) {
            ctx.textAlign = "left"; ctx.textBaseline = "middle";
            ctx.fillText(String(value), bar.x + 4, bar.y);
          } else {
            ctx.textAlign = "center"; ctx.textBaseline = "bottom";
            ctx.fillText(String(value), bar.x, bar.y - 2);
          }
        });
      });
      ctx.restore();
    }
  };

  function opener(urlsByDataset) {
    return function (event, elements) {
      if (!elements.length) { return; }
      var hit = elements[0];
      var url = urlsByDataset[hit.datasetIndex] && urlsByDataset[hit.datasetIndex][hit.index];
      if (url) { window.location.href = url; }
    };
  }

  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    layout: { padding: { top: 18, right: 28 } },
    plugins: { legend: { position: "bottom" } }
  };
  function options(extra) { return Object.assign({}, common, extra); }

  var lightColours = { red: "#dc3545", yellow: "#ffc107", green: "#198754", grey: "#adb5bd" };
  var lightsCanvas = document.getElementById("chart-lights");
  if (lightsCanvas) {
    var colours = data.lights.codes.map(function (code) { return lightColours[code]; });
    new Chart(lightsCanvas, {
      type: "bar",
      data: {
        labels: data.lights.labels,
        datasets: [
          { label: "任务（项）", data: data.lights.tasks, backgroundColor: colours, borderColor: "#212529", borderWidth: 1 },
          { label: "承办（条）", data: data.lights.shares, backgroundColor: colours.map(function (c) { return c + "66"; }), borderColor: colours, borderWidth: 2 }
        ]
      },
      options: options({ onClick: opener([data.lights.task_urls, data.lights.share_urls]) }),
      plugins: [valueLabels]
    });
  }

  var unitsCanvas = document.getElementById("chart-units");
  if (unitsCanvas && data.units.labels.length) {
    unitsCanvas.parentElement.style.height = Math.max(160, 28 * data.units.labels.length + 60) + "px";
    new Chart(unitsCanvas, {
      type: "bar",
      data: {
        labels: data.units.labels,
        datasets: [
          { label: "牵头逾期", data: data.units.lead, backgroundColor: "#dc3545" },
          { label: "配合逾期", data: data.units.support, backgroundColor: "#f1aeb5", borderColor: "#dc3545", borderWidth: 1 }
        ]
      },
      options: options({ indexAxis: "y", onClick: opener([data.units.lead_urls, data.units.support_urls]) }),
      plugins: [valueLabels]
    });
  } else if (unitsCanvas) {
    unitsCanvas.parentElement.replaceWith(Object.assign(document.createElement("p"), { className: "text-muted small", textContent: "没有逾期的单位。" }));
  }

  var trendCanvas = document.getElementById("chart-trend");
  if (trendCanvas) {
    new Chart(trendCanvas, {
      type: "bar",
      data: {
        labels: data.trend.labels,
        datasets: [
          { label: "办结（条）", data: data.trend.completed, backgroundColor: "#6c757d" },
          { label: "新增逾期（条）", data: data.trend.new_overdue, backgroundColor: "#dc3545" }
        ]
      },
      options: options({ onClick: opener([data.trend.completed_urls, data.trend.new_overdue_urls]) }),
      plugins: [valueLabels]
    });
  }
})();

// 统计: the stacked bar chart of every unit's assignments, data from json_script "chart-data".
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!window.Chart || !source) { return; }
  var data = JSON.parse(source.textContent);
  if (!data.labels.length) { return; }
  new window.Chart(document.getElementById("unit-chart"), {
    type: "bar",
    data: {labels: data.labels, datasets: [
      {label: "已办结", data: data.done, backgroundColor: "#6c757d"},
      {label: "办理中", data: data.open, backgroundColor: "#198754"},
      {label: "逾期", data: data.overdue, backgroundColor: "#dc3545"}
    ]},
    options: {indexAxis: "y", scales: {x: {stacked: true}, y: {stacked: true}}}
  });
})();

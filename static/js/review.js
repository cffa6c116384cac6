// 审核: clicking an item highlights its passage in the source text; the item named by
// data-selected on #items (from ?item=) is selected when the page opens.
(function () {
  "use strict";
  function select(row, scroll) {
    document.querySelectorAll(".item-row.selected").forEach(function (r) { r.classList.remove("selected"); });
    document.querySelectorAll("#source li.hl").forEach(function (li) { li.classList.remove("hl"); });
    row.classList.add("selected");
    var start = parseInt(row.dataset.start, 10), end = parseInt(row.dataset.end || row.dataset.start, 10);
    if (!start) { return; }
    for (var n = start; n <= end; n++) {
      var li = document.getElementById("L" + n);
      if (li) { li.classList.add("hl"); }
    }
    var first = document.getElementById("L" + start);
    if (first && scroll) {
      var box = document.getElementById("source");
      box.scrollTop = first.offsetTop - box.clientHeight / 3;
    }
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("button, a, input, select, textarea, label, form")) { return; }
    var row = event.target.closest(".item-row");
    if (row) { select(row, true); }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail.target && event.detail.target.closest ? document.getElementById(event.detail.target.id) : null;
    if (row && row.classList.contains("item-row")) { select(row, false); }
  });
  var table = document.getElementById("items");
  var selected = table ? table.dataset.selected : "";
  var initial = selected && document.getElementById("item-" + selected);
  if (initial) { select(initial, true); initial.scrollIntoView({block: "center"}); }
})();

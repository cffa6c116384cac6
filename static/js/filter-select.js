// A search box above a <select>: hides the options whose text does not contain what was typed.
(function () {
  "use strict";
  document.querySelectorAll("[data-filter-select]").forEach(function (box) {
    var select = document.getElementById(box.dataset.filterSelect);
    if (!select) { return; }
    box.addEventListener("input", function () {
      var needle = box.value.replace(/\s+/g, "");
      select.querySelectorAll("option").forEach(function (option) {
        option.hidden = needle !== "" && option.textContent.indexOf(needle) === -1;
      });
    });
  });
})();

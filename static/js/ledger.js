// 任务台账: the filter box is open on wide screens and folded on phones (it would fill the
// first screen); [data-open-wide] marks it. No inline script (CSP).
(function () {
  "use strict";
  if (window.matchMedia("(min-width: 768px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (el) { el.open = true; });
  }
})();

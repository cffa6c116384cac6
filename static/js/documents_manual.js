/* Review screen: select a passage in the source pane (#source, one <li value="n"> per line)
   and make it a draft item (#passage-form). No inline script: loaded as a static file. */
(function () {
  "use strict";
  var source = document.getElementById("source");
  var form = document.getElementById("passage-form");
  if (!source || !form) { return; }
  var text = document.getElementById("passage-text");
  var start = document.getElementById("passage-start");
  var end = document.getElementById("passage-end");
  var lines = document.getElementById("passage-lines");
  var hint = document.getElementById("passage-hint");

  function lineOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var li = element && element.closest("#source li");
    return li ? parseInt(li.getAttribute("value"), 10) : null;
  }

  function joinLines(value) {
    // lines of one passage: no space between Chinese characters, one between Latin words
    return value.split(/\r?\n/).map(function (s) { return s.trim(); }).filter(Boolean).reduce(function (out, part) {
      if (!out) { return part; }
      var latin = /[A-Za-z0-9]$/.test(out) && /^[A-Za-z0-9]/.test(part);
      return out + (latin ? " " : "") + part;
    }, "");
  }

  function open(passage, first, last) {
    form.classList.remove("d-none");
    hint.classList.add("d-none");
    text.value = passage;
    start.value = first || "";
    end.value = last || first || "";
    lines.textContent = first ? ("原文第" + first + (last && last !== first ? "–" + last : "") + "行") : "不对应原文的条目";
    text.focus();
  }

  function close() {
    form.classList.add("d-none");
    hint.classList.remove("d-none");
  }

  function fromSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return; }
    var range = selection.getRangeAt(0);
    if (!source.contains(range.commonAncestorContainer)) { return; }
    var passage = joinLines(selection.toString());
    if (!passage) { return; }
    var a = lineOf(range.startContainer), b = lineOf(range.endContainer);
    // a selection ending at the very start of a line (a triple click) ends on the line before
    if (b && a && b > a && range.endOffset === 0) { b -= 1; }
    if (a && b && b < a) { var t = a; a = b; b = t; }
    open(passage, a, b);
  }

  source.addEventListener("mouseup", fromSelection);
  source.addEventListener("keyup", fromSelection);
  document.getElementById("passage-blank").addEventListener("click", function () { open("", null, null); });
  document.getElementById("passage-cancel").addEventListener("click", close);
})();

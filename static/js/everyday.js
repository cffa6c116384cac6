/* Duban everyday-use behaviour (issue 13), loaded deferred on every page; no inline script.
 *
 * 1. Local drafts: every POST form with a text area keeps what is typed in localStorage until the
 *    server has accepted it, and says so. A session that expired, a stale CSRF token or a lost
 *    connection never loses a long report: going back to the form restores the draft.
 *    A submitted draft is dropped once a page shows a success message, or once a page without
 *    that form loads normally; error pages, the CSRF failure page and the login page keep it
 *    (they carry data-keep-drafts).
 * 2. The review screen: the item number is a button, so the passage highlight is reachable by
 *    keyboard (Enter/Space), not only by a mouse click on the row.
 */
(function () {
  "use strict";

  var PREFIX = "duban-draft:";

  function localStore() {
    try {
      var s = window.localStorage;
      s.setItem(PREFIX + "probe", "1");
      s.removeItem(PREFIX + "probe");
      return s;
    } catch (e) {
      return null;
    }
  }

  function draftable(form) {
    return (form.method || "").toLowerCase() === "post" && !form.hasAttribute("data-no-draft") &&
      (form.hasAttribute("data-draft-form") || form.querySelector("textarea"));
  }

  function keyFor(form) {
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    return PREFIX + action.pathname;
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.readOnly) { return false; }
      if (el.tagName === "TEXTAREA") { return true; }
      return el.tagName === "INPUT" && /^(text|number|date)$/.test(el.type);
    });
  }

  function read(store, key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function clock(iso) {
    var d = new Date(iso);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function statusFor(form) {
    var status = form.querySelector(".draft-status");
    if (!status) {
      status = document.createElement("div");
      status.className = "draft-status mt-1";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      status.setAttribute("data-testid", "draft-status");
      form.appendChild(status);
    }
    return status;
  }

  function setStatus(form, text, withClear, store, key) {
    var status = statusFor(form);
    status.textContent = text;
    if (withClear) {
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
      clear.textContent = "清除草稿";
      clear.addEventListener("click", function () {
        store.removeItem(key);
        fieldsOf(form).forEach(function (el) { el.value = el.defaultValue; });
        setStatus(form, "草稿已清除。", false);
      });
      status.appendChild(clear);
    }
  }

  function drafts(store) {
    var forms = Array.prototype.filter.call(document.forms, draftable);
    var keys = forms.map(keyFor);
    var success = document.querySelector(".alert-success");
    var keep = document.querySelector("[data-keep-drafts]");
    // Drafts sent from a previous page: the server accepted them unless this page says otherwise.
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (!key || key.indexOf(PREFIX) !== 0) { continue; }
      var draft = read(store, key);
      if (draft && draft.submitted && (success || (!keep && keys.indexOf(key) === -1))) {
        store.removeItem(key);
      }
    }
    forms.forEach(function (form) {
      var key = keyFor(form);
      var draft = read(store, key);
      var restored = false;
      if (draft && draft.fields) {
        fieldsOf(form).forEach(function (el) {
          var value = draft.fields[el.name];
          if (value && el.value === el.defaultValue && value !== el.value) {
            el.value = value;
            restored = true;
          }
        });
      }
      if (restored) {
        setStatus(form, "已恢复您于" + clock(draft.saved) + "保存在本机的草稿（尚未提交成功），请核对后提交。", true, store, key);
      } else {
        setStatus(form, "填写的内容会自动保存在本机浏览器，提交成功后清除。", false);
      }
      var timer = null;
      form.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var fields = {};
          var any = false;
          fieldsOf(form).forEach(function (el) {
            if (el.value !== el.defaultValue) { fields[el.name] = el.value; any = true; }
          });
          if (!any) { store.removeItem(key); return; }
          var saved = new Date().toISOString();
          try {
            store.setItem(key, JSON.stringify({fields: fields, saved: saved, submitted: false}));
            setStatus(form, "草稿已于" + clock(saved) + "保存在本机浏览器。", false);
          } catch (e) {
            setStatus(form, "本机浏览器无法保存草稿（存储已满或被禁用）。", false);
          }
        }, 400);
      });
      form.addEventListener("submit", function () {
        window.clearTimeout(timer);
        var fields = {};
        fieldsOf(form).forEach(function (el) { if (el.value !== el.defaultValue) { fields[el.name] = el.value; } });
        if (Object.keys(fields).length) {
          try {
            store.setItem(key, JSON.stringify({fields: fields, saved: new Date().toISOString(), submitted: true}));
          } catch (e) { /* nothing more to keep */ }
        }
      });
    });
  }

  function reviewLocate() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-locate]") : null;
      if (!button) { return; }
      var row = button.closest(".item-row");
      var text = row && row.querySelector(".item-text");
      // The review screen selects a row on a click anywhere but its controls: hand it one.
      if (text) { text.dispatchEvent(new MouseEvent("click", {bubbles: true})); }
      document.querySelectorAll("[data-locate][aria-pressed=true]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      button.setAttribute("aria-pressed", "true");
    });
  }

  var store = localStore();
  if (store) { drafts(store); }
  reviewLocate();
})();

// Charter console: keyboard shortcuts for the review pages. Loaded from the package (script-src 'self');
// every page works without it. A single key moves the focus to the element marked data-shortcut="key"
// (never submits: Enter or Space on the focused button does that). Shortcuts are ignored while typing in
// a field or with Ctrl, Alt or Meta held, and can be switched off (WCAG 2.1.4): the choice is kept in
// this browser (localStorage).
(function () {
  "use strict";
  var STORE = "charter-console-shortcuts";

  function enabled() {
    try { return window.localStorage.getItem(STORE) !== "off"; } catch (e) { return true; }
  }

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target) || !enabled()) { return; }
    var key = event.key;
    if (key === "Escape") { return; }
    var found = document.querySelector('[data-shortcut="' + (key === "?" ? "help" : key) + '"]');
    if (!found) { return; }
    event.preventDefault();
    if (found.tagName.toLowerCase() === "details") {
      found.open = !found.open;
      if (found.open) { found.querySelector("summary").focus(); }
      return;
    }
    found.focus();
    if (typeof found.scrollIntoView === "function") { found.scrollIntoView({block: "center"}); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("shortcuts-on");
    if (!toggle) { return; }
    toggle.checked = enabled();
    toggle.addEventListener("change", function () {
      try { window.localStorage.setItem(STORE, toggle.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
  });
})();

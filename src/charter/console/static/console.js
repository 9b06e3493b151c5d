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
    if (tag === "input" && (target.type === "radio" || target.type === "checkbox")) { return false; }
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  // Expert scoring: j / k move between the sentences' label groups, 1-4 choose a label of the sentence
  // in focus (choosing is not sending: "s" then Enter sends the scores).
  function sentenceKey(key) {
    var groups = Array.prototype.slice.call(document.querySelectorAll("fieldset[data-sentence]"));
    if (!groups.length) { return false; }
    var active = document.activeElement;
    var current = active && active.closest ? active.closest("fieldset[data-sentence]") : null;
    var index = groups.indexOf(current);
    var radios;
    if (key === "j" || key === "k") {
      var next = index < 0 ? 0 : Math.max(0, Math.min(groups.length - 1, index + (key === "j" ? 1 : -1)));
      radios = groups[next].querySelectorAll('input[type="radio"]');
      var target = groups[next].querySelector('input[type="radio"]:checked') || radios[0];
      if (target) { target.focus(); target.scrollIntoView({block: "center"}); }
      return true;
    }
    if (/^[1-9]$/.test(key) && index >= 0) {
      radios = groups[index].querySelectorAll('input[type="radio"]');
      var choice = radios[parseInt(key, 10) - 1];
      if (choice) { choice.checked = true; choice.focus(); }
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target) || !enabled()) { return; }
    var key = event.key;
    if (key === "Escape") { return; }
    if (sentenceKey(key)) { event.preventDefault(); return; }
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

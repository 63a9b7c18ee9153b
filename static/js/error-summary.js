// The error summary takes the focus when the page opens, so a screen reader reads it and the
// keyboard starts there; a link in it moves the focus to its field and scrolls the field's
// label (or its group's legend) into view, not just the input.
(function () {
  "use strict";
  var summary = document.querySelector('[data-module="nhsuk-error-summary"]');
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var group = input.closest("fieldset");
    var label = (group && group.querySelector("legend")) ||
      document.querySelector('label[for="' + input.id + '"]') || input;
    label.scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();

// A table wider than a phone's screen scrolls inside its own box (app.css); such a box takes
// the keyboard focus, so that it can be scrolled with the arrow keys too (WCAG 2.1.1).
(function () {
  "use strict";

  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll("main .table"), function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.tabIndex = 0;
        table.dataset.scrollRegion = "1";
      } else if (!scrolls && table.dataset.scrollRegion) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollRegion;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", mark);
  document.addEventListener("htmx:afterSettle", mark);
  window.addEventListener("resize", mark);
})();

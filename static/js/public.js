// The guests' booking page: focus and announce each step, the keyboard date grid, confirmations,
// and, inside a frame, telling the embedding page how tall the page is (static/js/embed.js).
(function () {
  "use strict";

  function announceStep(container) {
    var heading = (container || document).querySelector("[data-step-heading]");
    var live = document.getElementById("announce");
    if (!heading) return;
    heading.focus({ preventScroll: false });
    if (live) live.textContent = heading.textContent.trim();
  }

  // Form errors (400), a time taken meanwhile (409) and the limits' page (429) are answers to show.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 409 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target) return;
    // An outerHTML swap replaced the target: read the page as it is now.
    var target = document.getElementById("manage") || document.getElementById("steps") || document;
    var invalid = target.querySelector("[aria-invalid='true'], .field-error, [role='alert']");
    if (invalid && invalid.matches("[aria-invalid='true']")) invalid.focus();
    else announceStep(target);
    if (invalid && invalid.getAttribute("role") === "alert" && document.getElementById("announce")) {
      document.getElementById("announce").textContent = invalid.textContent.trim();
    }
    initGrid(target);
    sendHeight();
  });

  // The date grid (WAI-ARIA date picker pattern): one tab stop, arrows move by day and week,
  // Home/End to the week's ends, Enter or Space opens a free day.
  function initGrid(root) {
    var grid = (root || document).querySelector("[data-date-grid]");
    if (!grid) return;
    var days = Array.prototype.slice.call(grid.querySelectorAll("[data-day]"));
    if (!days.length) return;
    var current = grid.querySelector("[aria-selected='true'] [data-day]") ||
      grid.querySelector(".pday-open") || days[0];
    days.forEach(function (d) { d.tabIndex = -1; });
    current.tabIndex = 0;
    grid.addEventListener("keydown", function (event) {
      var index = days.indexOf(document.activeElement);
      if (index < 0) return;
      var moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
      var next = index;
      if (event.key in moves) next = index + moves[event.key];
      else if (event.key === "Home") next = index - ((index + offset(days[0])) % 7);
      else if (event.key === "End") next = index + 6 - ((index + offset(days[0])) % 7);
      else if (event.key === " " && days[index].tagName === "A") { event.preventDefault(); days[index].click(); return; }
      else return;
      event.preventDefault();
      next = Math.max(0, Math.min(days.length - 1, next));
      days[index].tabIndex = -1;
      days[next].tabIndex = 0;
      days[next].focus();
    });
  }

  // How many cells of the first week come before the month's first day.
  function offset(first) {
    var cell = first.closest("td");
    var row = cell && cell.parentElement;
    return row ? Array.prototype.indexOf.call(row.children, cell) : 0;
  }

  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  function sendHeight() {
    if (window.parent === window) return;
    var height = document.documentElement.scrollHeight;
    window.parent.postMessage({ type: "restaurant-booking:height", height: height }, "*");
  }

  document.addEventListener("DOMContentLoaded", function () {
    initGrid(document);
    sendHeight();
    if (window.ResizeObserver) new ResizeObserver(sendHeight).observe(document.body);
  });
})();

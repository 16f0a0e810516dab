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

  // The AI host's chat: each message is one streamed turn (Server-Sent Events over fetch).
  function chatLine(log, kind, text) {
    var line = document.createElement("p");
    line.className = "chat-" + kind;
    line.textContent = text; // text, never markup: the model's words are not ours
    log.appendChild(line);
    return line;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-chat-form]");
    if (!form) return;
    event.preventDefault();
    var box = form.closest("[data-guest-chat]");
    var url = box.dataset.guestChat;
    var log = box.querySelector(".chat-log");
    var field = form.elements.namedItem("message");
    var text = field.value.trim();
    if (!text) return;
    var key = "guest-chat:" + url;
    var threadId = window.sessionStorage ? sessionStorage.getItem(key) : null;
    chatLine(log, "user", text);
    field.value = "";
    var reply = chatLine(log, "assistant", "");
    var button = form.querySelector("button");
    button.disabled = true;
    var body = { message: text };
    if (threadId) body.thread_id = threadId;
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (data) { reply.textContent = data.detail; });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function handle(data) {
        if (data.delta) reply.textContent += data.delta;
        if (data.tool && data.tool.status !== "started") {
          var line = chatLine(log, "tool", data.tool.text);
          if (data.tool.link) {
            var link = document.createElement("a");
            link.href = data.tool.link;
            link.className = "link ml-2";
            link.textContent = box.dataset.manageLabel || "Manage";
            link.target = "_top";
            line.appendChild(link);
          }
          reply = chatLine(log, "assistant", "");
        }
        if (data.error) chatLine(log, "error", data.error);
        if (data.done && data.thread_id && window.sessionStorage) sessionStorage.setItem(key, data.thread_id);
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
          buffer += decoder.decode(chunk.value, { stream: true });
          var parts = buffer.split("\n\n");
          buffer = parts.pop();
          parts.forEach(function (part) {
            if (part.indexOf("data: ") === 0) handle(JSON.parse(part.slice(6)));
          });
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      chatLine(log, "error", box.dataset.failedLabel || "The message could not be sent.");
    }).then(function () {
      button.disabled = false;
      field.focus();
      sendHeight();
    });
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

// The Assistant page: sends a message to /assistants/chat_stream and shows the reply as the
// Server-Sent Events arrive. fetch() rather than EventSource, which cannot POST or send the
// CSRF header. Text goes in with textContent, never as markup: replies are model output.
(function () {
  "use strict";

  var root = document.querySelector("[data-chat]");
  if (!root) return;
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var button = form.querySelector("button[type=submit]");
  var threadField = form.querySelector("input[name=thread]");
  var threadId = root.dataset.threadId || "";

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["x-csrftoken"]) return headers["x-csrftoken"];
    } catch (e) { /* fall back to the cookie */ }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function add(kind, text) {
    var item = document.createElement("li");
    item.className = "chat-msg chat-" + kind;
    item.textContent = text;
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function remember(id) {
    if (!id || id === threadId) return;
    threadId = id;
    threadField.value = id;
    // The thread in the URL: a reload or a shared link continues this conversation.
    history.replaceState(null, "", root.dataset.pageUrl + "?thread=" + encodeURIComponent(id));
  }

  function busy(on) {
    button.disabled = on;
    input.readOnly = on;
    root.setAttribute("aria-busy", on ? "true" : "false");
  }

  // One turn's state: the bubble the words stream into, and the tool lines awaiting a result.
  function Turn() {
    this.reply = null;
    this.pending = {};
  }

  Turn.prototype.handle = function (event) {
    if (typeof event.delta === "string") {
      if (!this.reply) this.reply = add("assistant", "");
      this.reply.textContent += event.delta;
    } else if (event.tool) {
      var tool = event.tool;
      if (tool.status === "started") {
        (this.pending[tool.name] = this.pending[tool.name] || []).push(add("tool", tool.text));
      } else {
        var line = (this.pending[tool.name] || []).shift() || add("tool", "");
        line.textContent = tool.text;
        if (tool.status === "failed") line.classList.add("chat-tool-failed");
      }
      this.reply = null; // words after a tool start a new bubble
    } else if (event.error) {
      add("error", event.error);
    } else if (event.done) {
      remember(event.thread_id);
    }
  };

  function parseBlock(block, turn) {
    var data = block.split("\n").filter(function (line) {
      return line.indexOf("data:") === 0;
    }).map(function (line) {
      return line.slice(5).replace(/^ /, "");
    }).join("\n");
    if (data) turn.handle(JSON.parse(data));
  }

  async function send(text) {
    add("user", text);
    busy(true);
    var turn = new Turn();
    try {
      var body = { assistant_id: root.dataset.assistantId, message: text };
      if (threadId) body.thread_id = threadId;
      var response = await fetch(root.dataset.streamUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "text/event-stream",
          "X-CSRFToken": csrfToken()
        },
        body: JSON.stringify(body)
      });
      if (!response.ok) {
        var detail = null;
        try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
        add("error", detail || root.dataset.textError);
        return;
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
        var blocks = buffer.split("\n\n");
        buffer = blocks.pop();
        blocks.forEach(function (block) { parseBlock(block, turn); });
      }
      if (buffer.trim()) parseBlock(buffer, turn);
    } catch (e) {
      add("error", root.dataset.textOffline);
    } finally {
      busy(false);
      input.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || button.disabled) return;
    input.value = "";
    send(text);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();

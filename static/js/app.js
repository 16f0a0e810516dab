// The booking dialog, its guest suggestions and the status line. htmx does the requests; this opens and closes the
// native <dialog> (which traps focus and closes on Escape by itself) and shows server messages.
(function () {
  "use strict";

  function dialog() {
    return document.getElementById("booking-dialog");
  }

  function toast(message, level) {
    var box = document.getElementById("toast");
    if (!box || !message) return;
    box.textContent = message; // text, never markup: guest names are user input
    box.dataset.level = level || "success";
    box.hidden = false;
    clearTimeout(box._timer);
    box._timer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  function focusFirst(container) {
    var field = container.querySelector("[aria-invalid='true']") ||
      container.querySelector("[autofocus]") ||
      container.querySelector("input:not([type=hidden]), select, textarea, button");
    if (field) field.focus();
  }

  // After the settle, not the swap: htmx attaches the new content's triggers (the phone's guest
  // suggestions) when it settles, so a host who types at once is heard.
  document.addEventListener("htmx:afterSettle", function (event) {
    var box = dialog();
    var target = event.detail && event.detail.target;
    if (!box || !target) return; // a history restore swaps without a target
    if (target.id === "booking-dialog-body") {
      if (!box.open) box.showModal();
      focusFirst(target);
    } else if (target.id === "booking-form" || box.contains(target) || box.contains(event.detail.elt)) {
      focusFirst(box);
    }
  });

  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-dialog-close]");
    var box = dialog();
    if (closer && box && box.contains(closer)) {
      event.preventDefault();
      box.close();
    }
  });

  // The booking dialog's known guests: choosing one fills the form's name, phone and e-mail.
  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-guest-fill]");
    if (!choice) return;
    var form = choice.closest("form");
    if (!form) return;
    event.preventDefault();
    [["client_name", "name"], ["phone", "phone"], ["email", "email"]].forEach(function (pair) {
      var field = form.elements.namedItem(pair[0]);
      var value = choice.dataset[pair[1]];
      if (field && value) field.value = value;
    });
    var list = document.getElementById("guest-suggestions");
    if (list) list.replaceChildren();
    var size = form.elements.namedItem("party_size");
    if (size) size.focus();
  });

  document.addEventListener("keydown", function (event) {
    // Escape in the suggestions closes them, not the whole dialog.
    if (event.key !== "Escape") return;
    var list = document.getElementById("guest-suggestions");
    if (list && list.firstElementChild && list.contains(document.activeElement)) {
      event.preventDefault();
      list.replaceChildren();
      var name = document.getElementById("id_client_name");
      if (name) name.focus();
    }
  });

  document.addEventListener("booking-created", function (event) {
    var box = dialog();
    if (box && box.open) box.close();
    toast(event.detail.message, "success");
  });

  document.addEventListener("show-message", function (event) {
    toast(event.detail.message, event.detail.level);
  });

  // A formset's "add a row" button (the Settings page's tables and visit lengths): a copy of the
  // formset's empty form, numbered next, and the management form's count raised to match.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    var prefix = button.dataset.formsetAdd;
    var form = button.closest("form");
    var total = form && form.elements.namedItem(prefix + "-TOTAL_FORMS");
    var rows = form && form.querySelector('[data-formset-rows="' + prefix + '"]');
    var template = form && form.querySelector('[data-formset-template="' + prefix + '"]');
    if (!total || !rows || !template) return;
    var index = Number(total.value);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var row = rows.lastElementChild;
    var first = row && row.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var box = dialog();
    if (box) {
      box.addEventListener("close", function () {
        document.getElementById("booking-dialog-body").replaceChildren();
      });
    }
  });
})();

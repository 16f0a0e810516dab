// The booking dialog, its guest suggestions, an open panel's live refresh, the status line, the calendar's arrow keys and the bookings page's
// shortcuts. htmx does the requests; this opens and closes the native <dialog> (which traps focus and closes on
// Escape by itself), shows server messages and moves the focus where the host works next.
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
    if (refocusId !== null && target.id === "booking-panel") {
      // The panel redrawn by a change elsewhere: the focus stays where the host had it.
      var again = refocusId && document.getElementById(refocusId);
      refocusId = null;
      if (again) again.focus();
      return;
    }
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

  // The booking just made: once the day's list has refreshed, its row is picked out, scrolled
  // to the middle of the screen (clear of the toast) and given the focus the dialog had.
  var pendingRow = null;

  function pickOut(row) {
    document.querySelectorAll("#day-bookings [data-highlight]").forEach(function (other) {
      if (other !== row) other.removeAttribute("data-highlight");
    });
    row.setAttribute("data-highlight", "");
    row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
  }

  document.addEventListener("booking-created", function (event) {
    var box = dialog();
    if (box && box.open) box.close();
    pendingRow = event.detail.id ? "booking-" + event.detail.id : null;
    toast(event.detail.message, "success");
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pendingRow) return;
    var row = document.getElementById(pendingRow);
    if (row) {
      pendingRow = null;
      pickOut(row);
    }
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

  // A form's `next` is the page as it is now, not as it was first loaded: htmx may have
  // changed the day (and the URL) since. The server still checks it is one of ours.
  document.addEventListener("submit", function (event) {
    var next = event.target.elements && event.target.elements.namedItem("next");
    if (next && next.type === "hidden") {
      next.value = window.location.pathname + window.location.search;
    }
  }, true);

  // A field the host corrects loses its old error at once; the others keep theirs.
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.id || field.getAttribute("aria-invalid") !== "true") return;
    field.removeAttribute("aria-invalid");
    var error = document.getElementById(field.id + "_error");
    if (error) error.hidden = true;
  });

  // The month calendar is one tab stop (the WAI-ARIA date grid): arrows move the day, Home
  // and End to the week's ends, Page Up and Page Down a month; Enter opens the day. Moving
  // past the month loads the next one and keeps going there.
  var pendingDay = null;
  var calendarHadFocus = false;

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function dayLink(iso) {
    return document.querySelector('[data-calendar] a.day[data-date="' + iso + '"]');
  }

  function focusDay(link) {
    document.querySelectorAll("[data-calendar] a.day").forEach(function (other) {
      other.tabIndex = other === link ? 0 : -1;
    });
    link.focus();
  }

  function monthShift(date, months) {
    var shifted = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
    var last = new Date(Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, 0));
    shifted.setUTCDate(Math.min(date.getUTCDate(), last.getUTCDate()));
    return shifted;
  }

  document.addEventListener("keydown", function (event) {
    var link = event.target.closest && event.target.closest("[data-calendar] a.day");
    if (!link || event.altKey || event.ctrlKey || event.metaKey) return;
    var date = new Date(link.dataset.date + "T00:00:00Z");
    var steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    var target;
    if (event.key in steps) {
      target = new Date(date.getTime() + steps[event.key] * 86400000);
    } else if (event.key === "Home" || event.key === "End") {
      var cells = Array.prototype.slice.call(link.closest("tr").querySelectorAll("a.day"));
      var end = event.key === "Home" ? cells[0] : cells[cells.length - 1];
      event.preventDefault();
      focusDay(end);
      return;
    } else if (event.key === "PageUp" || event.key === "PageDown") {
      target = monthShift(date, event.key === "PageUp" ? -1 : 1);
    } else if (event.key === " ") {
      event.preventDefault();
      link.click();
      return;
    } else {
      return;
    }
    event.preventDefault();
    var iso = isoDay(target);
    var there = dayLink(iso);
    if (there) {
      focusDay(there);
      return;
    }
    var later = iso > link.dataset.date;
    var monthLink = document.querySelector(
      later ? "#calendar [data-next-month]" : "#calendar [data-prev-month]"
    );
    if (monthLink) {
      pendingDay = iso;
      monthLink.click();
    }
  });

  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    calendarHadFocus = !!(active && active.closest && active.closest("#calendar"));
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (pendingDay) {
      var link = dayLink(pendingDay);
      pendingDay = null;
      if (link) focusDay(link);
      calendarHadFocus = false;
    } else if (calendarHadFocus && !document.activeElement.closest("#calendar")) {
      // The day chosen with Enter: the calendar was swapped, its focus goes on with it.
      var chosen = document.querySelector('[data-calendar] a.day[tabindex="0"]');
      if (chosen) chosen.focus();
      calendarHadFocus = false;
    }
  });

  // ArrowDown from the guest's name or phone goes into the suggestions, Up and Down move in
  // them, Up from the first goes back to the field.
  var suggestFrom = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var list = document.getElementById("guest-suggestions");
    if (!list) return;
    var choices = Array.prototype.slice.call(list.querySelectorAll("[data-guest-fill]"));
    if (!choices.length) return;
    var target = event.target;
    if (target.id === "id_client_name" || target.id === "id_phone") {
      if (event.key !== "ArrowDown") return;
      event.preventDefault();
      suggestFrom = target;
      choices[0].focus();
      return;
    }
    var index = choices.indexOf(target);
    if (index < 0) return;
    event.preventDefault();
    if (event.key === "ArrowDown") {
      choices[Math.min(index + 1, choices.length - 1)].focus();
    } else if (index > 0) {
      choices[index - 1].focus();
    } else {
      (suggestFrom || document.getElementById("id_client_name")).focus();
    }
  });

  // Shortcuts on the bookings page: "/" finds a booking, "n" books the day's first free slot.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog")) return;
    var box = dialog();
    if (box && box.open) return;
    // By the key's place too, so they work with a Russian keyboard layout as well.
    if (event.key === "/" || event.code === "Slash") {
      var search = document.querySelector("[data-search-input]");
      if (!search) return;
      event.preventDefault();
      search.focus();
      search.select();
    } else if (event.key === "n" || event.key === "N" || event.code === "KeyN") {
      var book = document.querySelector("[data-book-slot]");
      if (!book) {
        if (document.getElementById("slot-list")) {
          toast(document.getElementById("slot-list").dataset.noFreeSlot, "error");
        }
        return;
      }
      event.preventDefault();
      book.click();
    }
  });

  // An open booking panel follows changes made elsewhere (another host, the API): on the live
  // poll's news it asks for itself with the stamp it was drawn at, and hears 204 while its
  // booking is unchanged. A form the host has typed in is never replaced: a notice offers the
  // reload instead. The field that had the focus keeps it.
  function isDirty(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "hidden" || field.type === "submit" || field.type === "button") return false;
      if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      return field.value !== field.defaultValue;
    });
  }

  var refocusId = null;

  document.addEventListener("bookings-changed", function (event) {
    if (!event.detail || !event.detail.live || !window.htmx) return;
    var panel = document.querySelector("#booking-dialog #booking-panel");
    if (!panel || !panel.dataset.panelUrl) return;
    var url = panel.dataset.panelUrl + "?stamp=" + encodeURIComponent(panel.dataset.stamp || "");
    window.htmx.ajax("GET", url, { source: panel, target: panel, swap: "outerHTML" });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // Only the refresh asked for above (its URL carries the stamp); the panel's own forms and
    // its reload link swap as they always do.
    var panel = event.detail.target;
    var path = (event.detail.xhr && event.detail.xhr.responseURL) || "";
    if (!panel || panel.id !== "booking-panel" || path.indexOf("stamp=") < 0) return;
    if (!event.detail.shouldSwap) return;
    var form = panel.querySelector("[data-testid=panel-form]");
    if (form && isDirty(form)) {
      event.detail.shouldSwap = false;
      var stale = panel.querySelector("[data-panel-stale]");
      if (stale) stale.hidden = false;
      return;
    }
    var active = document.activeElement;
    refocusId = active && panel.contains(active) && active.id ? active.id : "";
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Sent here from a search result: the booking's row, picked out.
    var found = document.querySelector("#day-bookings [data-highlight]");
    if (found) pickOut(found);
    var box = dialog();
    if (box) {
      box.addEventListener("close", function () {
        document.getElementById("booking-dialog-body").replaceChildren();
      });
    }
  });
})();

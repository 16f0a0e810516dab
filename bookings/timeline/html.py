"""The timeline's tracks as HTML, written here rather than in the template: a floor of 30
tables has some 400 cells and bars, and Django's template tags (then `format_html` for each
link) took most of the time of an answer (`bench/live_poll.py`). Here each text that comes
from a user (a guest's name, a table's name, a translated label) is escaped once, and
numbers, times and ids, which cannot hold markup, go in as they are."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.timeline.selectors import Row


def write_tracks(rows: list[Row], *, date: dt.date) -> None:
    """Give each row its track's HTML (`row.html`): a link per free cell (the booking dialog
    for that table and time) and a link per bar (the booking's panel). What every link shares
    (URLs, labels) is worked out once."""
    book = f"{reverse('bookings:new')}?date={date.isoformat()}&amp;table="
    panel = reverse("bookings:panel", args=[0]).removesuffix("0/")
    book_label = escape(_("Book table %(table)s at %(time)s"))
    statuses = {value: escape(str(label)) for value, label in Booking.Status.choices}
    for row in rows:
        table = escape(row.table.name)
        parts = []
        for cell in row.cells:
            if cell.free:
                url = f"{book}{row.table.pk}&amp;slot={cell.time}"
                label = book_label % {"table": table, "time": cell.time}
                parts.append(
                    f'<a class="tl-cell" style="left: {cell.left}%; width: {cell.width}%" '
                    f'href="{url}" hx-get="{url}" hx-target="#booking-dialog-body" '
                    f'hx-swap="innerHTML" data-slot="{cell.time}" aria-label="{label}"></a>'
                )
        for bar in row.bars:
            booking = bar.booking
            url = f"{panel}{booking.pk}/"
            name = escape(booking.client_name)
            status = statuses[booking.status]
            when = f"{bar.starts}–{bar.ends}"
            inactive = " tl-inactive" if bar.inactive else ""
            parts.append(
                f'<a class="tl-bar status-{booking.status}{inactive}" '
                f'style="left: {bar.left}%; width: {bar.width}%" href="{url}" hx-get="{url}" '
                f'hx-target="#booking-dialog-body" hx-swap="innerHTML" '
                f'data-booking="{booking.pk}" data-status="{booking.status}" '
                f'title="{when} · {name} · {booking.party_size} · {status}">'
                f'<span class="truncate">{name}</span> '
                f'<span class="tabular-nums">· {booking.party_size}</span>'
                f'<span class="sr-only">, {when}, {status}</span></a>'
            )
        # User text is escaped above; the rest (numbers, times, ids, our URLs) holds no markup.
        row.html = mark_safe("".join(parts))

"""A demo restaurant: a described floor, guests with history and a week of bookings around today.

Everything is written through the services the pages use (`restaurants.services`,
`bookings.services`, `bookings.guests.services`), so the demo holds what a real evening
would. The one exception is the past: the booking core refuses a time that has passed, by
design, so the bookings of the days (and today's slots) already over are written by
`_record_past`, which seats them with the same seating engine under the same lock.

Running it again changes nothing: the restaurant is found by its name, tables by theirs,
guests by phone, and a booking by its day, time and guest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from bookings import availability, changes
from bookings.availability import floor
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.fields import clean_guest_name, clean_notes, clean_party_size, normalize_phone
from bookings.guests.services import guest_link_or_create, guest_update
from bookings.models import Booking, Guest
from bookings.services import booking_create, booking_set_status
from restaurants.models import Membership, Restaurant, Table, VisitLength
from restaurants.services import floor_save, restaurant_update_settings

DEMO_NAME = "Demo bistro"
DAYS_AROUND = 3  # a week: three days before today, today and three after

# name, area, combination group, fewest, most guests
TABLES = (
    ("H1", "hall", "hall-window", 1, 2),
    ("H2", "hall", "hall-window", 1, 2),
    ("H3", "hall", "hall-window", 2, 4),
    ("H4", "hall", "hall-centre", 2, 4),
    ("H5", "hall", "hall-centre", 2, 4),
    ("H6", "hall", "", 4, 8),
    ("T1", "terrace", "terrace", 1, 2),
    ("T2", "terrace", "terrace", 1, 2),
    ("T3", "terrace", "terrace", 2, 4),
    ("T4", "terrace", "", 2, 6),
    ("B1", "bar", "bar", 1, 2),
    ("B2", "bar", "bar", 1, 2),
    ("B3", "bar", "bar", 1, 2),
)
# parties up to (None: any larger party), minutes
VISIT_LENGTHS = ((2, 90), (4, 120), (None, 150))

# name, phone, e-mail, tags, notes
GUESTS = (
    ("Anna Petrova", "+79161234501", "anna@example.com", ["VIP", "regular"], "Window table."),
    ("Boris Ivanov", "+79161234502", "", ["allergy"], "Nut allergy: tell the kitchen."),
    ("Chloe Martin", "+79161234503", "chloe@example.com", ["birthday"], ""),
    ("Dmitry Sokolov", "+79161234504", "", ["regular"], "Likes the bar."),
    ("Elena Smirnova", "+79161234505", "elena@example.com", ["vegetarian"], ""),
    ("Farid Aliyev", "+79161234506", "", ["children"], "Needs a high chair."),
    ("Grace Lee", "+79161234507", "grace@example.com", [], ""),
    ("Igor Volkov", "+79161234508", "", ["difficult"], "Asks for the manager; be precise."),
    ("Julia Kuznetsova", "+79161234509", "", ["VIP"], "Champagne on arrival."),
    ("Kirill Popov", "+79161234510", "", [], ""),
    ("Laura Rossi", "+79161234511", "laura@example.com", ["regular", "vegetarian"], ""),
    ("Maxim Orlov", "+79161234512", "", [], ""),
)

# One day's plan: (time, guest index or a walk-in name, party, notes). The same every day,
# shifted a little by the day, so the week looks lived in and the plan stays deterministic.
DAY_PLAN = (
    ("12:00", 3, 1, ""),
    ("13:00", 6, 2, ""),
    ("13:00", "Olga", 3, ""),
    ("14:00", 9, 4, "Business lunch"),
    ("18:00", 0, 2, ""),
    ("18:00", 1, 4, ""),
    ("19:00", 2, 6, "Birthday cake at 20:30"),
    ("19:00", 4, 2, ""),
    ("19:00", 10, 3, ""),
    ("20:00", 5, 5, ""),
    ("20:00", 7, 2, ""),
    ("21:00", 8, 2, "Terrace if warm"),
    ("21:00", 11, 2, ""),
)


@dataclass
class DemoResult:
    restaurant: Restaurant
    created: int = 0
    existing: int = 0
    refused: list[str] = field(default_factory=list)


def demo_fill(*, today: dt.date | None = None) -> DemoResult:
    """Create (or complete) the demo restaurant; what was made and what was there already."""
    restaurant = _restaurant()
    _floor(restaurant)
    _members(restaurant)
    guests = _guests(restaurant)
    today = today or restaurant.today()
    result = DemoResult(restaurant=restaurant)
    for offset in range(-DAYS_AROUND, DAYS_AROUND + 1):
        day = today + dt.timedelta(days=offset)
        for index, (time_slot, who, party, notes) in enumerate(DAY_PLAN):
            # Every other day a different guest comes at each time: history is spread.
            if isinstance(who, int):
                guest = guests[(who + offset) % len(guests)]
                name, phone = guest.name, guest.phone
            else:
                name, phone = who, ""
            _book(
                result,
                restaurant=restaurant,
                date=day,
                time_slot=time_slot,
                name=name,
                phone=phone,
                party=party,
                notes=notes,
                status=_status_for(restaurant, day, time_slot, index + offset),
                source=_source_for(index + offset),
            )
    if today == restaurant.today():
        _waitlist(restaurant)
    return result


WAITLIST = (("Morozov", 4, "+7 912 555 01 02", "Asked for the terrace"), ("Lena", 2, "", ""))


def _waitlist(restaurant: Restaurant) -> None:
    """Today's waitlist: two parties waiting for a table (once a day, however often run)."""
    from bookings.waitlist.services import waitlist_add

    if restaurant.waitlist.filter(date=restaurant.today()).exists():
        return
    for name, party, phone, notes in WAITLIST:
        waitlist_add(restaurant=restaurant, name=name, party_size=party, phone=phone, notes=notes)


def _restaurant() -> Restaurant:
    restaurant = Restaurant.objects.filter(name=DEMO_NAME).order_by("pk").first()
    if restaurant is not None:
        return restaurant  # as it is: its settings may have been changed since
    restaurant = Restaurant.objects.create(
        name=DEMO_NAME, default_table_count=len(TABLES), time_zone=settings.TIME_ZONE
    )
    restaurant_update_settings(
        restaurant=restaurant,
        opening_time=dt.time(12, 0),
        closing_time=dt.time(23, 0),
        slot_minutes=60,
        greeting_text="Welcome to the Demo bistro! How can I help?",
        info_text="Hall, terrace and bar. Vegetarian menu. Children welcome.",
    )
    return restaurant


def _floor(restaurant: Restaurant) -> None:
    have = {t.name for t in Table.objects.filter(restaurant=restaurant)}
    lengths = set(
        VisitLength.objects.filter(restaurant=restaurant).values_list("up_to_party", flat=True)
    )
    tables = [
        (
            None,
            {
                "name": name,
                "area": area,
                "combination_group": group,
                "min_seats": low,
                "max_seats": high,
                "position": position,
            },
        )
        for position, (name, area, group, low, high) in enumerate(TABLES)
        if name not in have
    ]
    visit_lengths = [
        (None, {"up_to_party": party, "minutes": minutes})
        for party, minutes in VISIT_LENGTHS
        if party not in lengths
    ]
    if tables or visit_lengths:
        with transaction.atomic():
            floor_save(
                restaurant=restaurant,
                tables=tables,
                visit_lengths=visit_lengths,
                pacing_covers=restaurant.pacing_covers,
            )


def _members(restaurant: Restaurant) -> None:
    """The first run's admin works here too, as a manager."""
    admin = get_user_model().objects.filter(username=settings.ADMIN_USERNAME).first()
    if admin is not None:
        Membership.objects.get_or_create(
            user=admin, restaurant=restaurant, defaults={"role": Membership.Role.MANAGER}
        )


def _guests(restaurant: Restaurant) -> list[Guest]:
    guests = []
    for name, phone, email, tags, notes in GUESTS:
        with transaction.atomic():
            guest = guest_link_or_create(
                restaurant=restaurant,
                name=name,
                phone=normalize_phone(phone, country=restaurant.country),
                email=email,
            )
            guest = guest_update(guest=guest, tags=tags, notes=notes)
        guests.append(guest)
    return guests


def _status_for(restaurant: Restaurant, day: dt.date, time_slot: str, n: int) -> str:
    """A status that fits the booking's time: the past is completed (some missed or
    cancelled), the evening under way seated, the future confirmed (a few cancelled)."""
    start = restaurant.slot_start(day, time_slot)
    now = restaurant.now()
    if n % 9 == 4:
        return Booking.Status.CANCELLED
    if start > now:
        return Booking.Status.CONFIRMED
    if n % 7 == 2:
        return Booking.Status.NO_SHOW
    if start + dt.timedelta(minutes=restaurant.slot_minutes) > now:
        return Booking.Status.SEATED
    if day == restaurant.today() and n % 2:
        return Booking.Status.SEATED  # still at the table after their slot
    return Booking.Status.COMPLETED


def _source_for(n: int) -> str:
    """Most bookings from the host's page, some from partners' API and the AI host."""
    if n % 5 == 1:
        return Booking.Source.API
    if n % 6 == 3:
        return Booking.Source.ASSISTANT
    return Booking.Source.PAGE


def _book(
    result: DemoResult,
    *,
    restaurant: Restaurant,
    date: dt.date,
    time_slot: str,
    name: str,
    phone: str,
    party: int,
    notes: str,
    status: str,
    source: str,
) -> None:
    exists = Booking.objects.filter(
        restaurant=restaurant, date=date, time_slot=time_slot, client_name=name
    ).exists()
    if exists:
        result.existing += 1
        return
    try:
        if restaurant.slot_has_ended(date, time_slot):
            _record_past(
                restaurant=restaurant,
                date=date,
                time_slot=time_slot,
                name=name,
                phone=phone,
                party=party,
                notes=notes,
                status=status,
                source=source,
            )
        else:
            booking = booking_create(
                restaurant=restaurant,
                date=date,
                time_slot=time_slot,
                client_name=name,
                party_size=party,
                phone=phone,
                notes=notes,
                source=source,
            )
            for step in _steps_to(status):
                booking = booking_set_status(booking=booking, status=step)
    except (SlotFull, BookingInvalid) as exc:
        result.refused.append(f"{date} {time_slot} {name}: {exc}")
        return
    result.created += 1


def _steps_to(status: str) -> tuple[str, ...]:
    if status == Booking.Status.COMPLETED:
        return (Booking.Status.SEATED, Booking.Status.COMPLETED)
    if status == Booking.Status.CONFIRMED:
        return ()
    return (status,)


def _record_past(
    *,
    restaurant: Restaurant,
    date: dt.date,
    time_slot: str,
    name: str,
    phone: str,
    party: int,
    notes: str,
    status: str,
    source: str,
) -> Booking:
    """A booking whose time is over, as it ended: seated by the seating engine under the
    restaurant's lock like any other, linked to its guest, its tables freed unless it ate."""
    name = clean_guest_name(name)
    party = clean_party_size(party)
    phone = normalize_phone(phone, country=restaurant.country)
    notes = clean_notes(notes)
    if not restaurant.has_slot(time_slot):
        raise BookingInvalid("time_slot", time_slot)
    with transaction.atomic():
        availability.lock_restaurant(restaurant.pk)
        described = floor.load_floor(restaurant=restaurant, date=date)
        if described is None:
            raise BookingInvalid("table_ids", "the demo restaurant has no floor")
        seated = floor.seat(described, time_slot=time_slot, party_size=party)
        booking = Booking.objects.create(
            restaurant=restaurant,
            guest=guest_link_or_create(restaurant=restaurant, name=name, phone=phone),
            date=date,
            time_slot=time_slot,
            starts_at=seated.starts_at,
            ends_at=seated.ends_at,
            client_name=name,
            party_size=party,
            phone=phone,
            notes=notes,
            status=status,
            source=source,
        )
        floor.hold_tables(booking, seated.tables, fresh=True)
        changes.bookings_changed(restaurant_id=restaurant.pk, dates=[date])
    return booking


def database_is_empty() -> bool:
    """Nothing but what the first run makes: no bookings, no guests, no described floor."""
    return not (
        Booking.objects.exists()
        or Guest.objects.exists()
        or Table.objects.exists()
        or Restaurant.objects.filter(name=DEMO_NAME).exists()
    )

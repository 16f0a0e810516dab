"""The AI host's tools: their JSON schemas for the model and their executors on our server.

Every booking goes through `bookings.services.booking_create`, the same code as the pages and
the API, with source "assistant". Errors are not raised: they go back to the model as the
tool's result, so it can tell the guest and offer another time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from bookings.availability import bookable_slots, check_date
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import CLIENT_NAME_MAX, PARTY_SIZE_MAX, Booking
from bookings.services import booking_create
from restaurants.models import Restaurant

TOOLS: list[dict] = [
    {
        "type": "function",
        "function": {
            "name": "find_free_slots",
            "description": (
                "List the time slots of a date that still have a free table, with how many "
                "tables are free; with party_size, only the times a table for that party is "
                "free for the whole visit. Use it before offering or confirming a time."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "date": {"type": "string", "description": "The date, YYYY-MM-DD."},
                    "party_size": {
                        "type": "integer",
                        "description": "How many people, when the guest has said.",
                        "minimum": 1,
                        "maximum": PARTY_SIZE_MAX,
                    },
                },
                "required": ["date"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "create_booking",
            "description": (
                "Book one table for a guest. Only once the guest has agreed to the date, time, "
                "name and party size."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "date": {"type": "string", "description": "The date, YYYY-MM-DD."},
                    "time_slot": {
                        "type": "string",
                        "description": "A slot start time of the restaurant, HH:MM.",
                    },
                    "client_name": {
                        "type": "string",
                        "description": "The guest's name.",
                        "maxLength": CLIENT_NAME_MAX,
                    },
                    "party_size": {
                        "type": "integer",
                        "description": "How many people.",
                        "minimum": 1,
                        "maximum": PARTY_SIZE_MAX,
                    },
                    "phone": {
                        "type": "string",
                        "description": "The guest's phone number, if given; empty otherwise.",
                    },
                },
                "required": ["date", "time_slot", "client_name", "party_size"],
                "additionalProperties": False,
            },
        },
    },
]


@dataclass(frozen=True)
class ToolOutcome:
    """What a tool call gave: `content` for the model, `summary` for people watching the chat."""

    content: str
    summary: str
    ok: bool


class _ToolError(Exception):
    pass


def _parse_date(value: object, *, restaurant: Restaurant) -> dt.date:
    try:
        date = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _ToolError(f"{value!r} is not a date; use YYYY-MM-DD.") from None
    try:
        check_date(restaurant=restaurant, date=date)
    except BookingInvalid as exc:
        today = restaurant.today().isoformat()
        raise _ToolError(f"{date.isoformat()}: {exc} Today is {today}.") from None
    return date


def _free_slots(*, restaurant: Restaurant, date: dt.date, party: int | None) -> list[dict]:
    return [
        {"time": slot["time"], "free_tables": slot["free"]}
        for slot in bookable_slots(restaurant=restaurant, date=date, party=party)
    ]


def _party_size(value: object) -> object:
    # Models sometimes send numbers as strings; the booking core checks the range.
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _party_filter(value: object) -> int | None:
    """A party size to filter slots by, or None (absent); a wrong one is the model's error."""
    if value is None:
        return None
    party = _party_size(value)
    if not isinstance(party, int) or isinstance(party, bool) or not 1 <= party <= PARTY_SIZE_MAX:
        raise _ToolError(f"party_size must be a whole number from 1 to {PARTY_SIZE_MAX}.")
    return party


def find_free_slots(*, restaurant: Restaurant, arguments: dict, **_kwargs) -> dict:
    date = _parse_date(arguments.get("date"), restaurant=restaurant)
    party = _party_filter(arguments.get("party_size"))
    free = _free_slots(restaurant=restaurant, date=date, party=party)
    result: dict = {"date": date.isoformat(), "free_slots": free}
    if party is not None:
        result["party_size"] = party
    if not free:
        result["note"] = (
            "No free tables that day."
            if party is None
            else f"No table for {party} that day; a smaller party or another date may fit."
        )
    return result


def create_booking(
    *, restaurant: Restaurant, arguments: dict, user: AbstractBaseUser | None
) -> dict:
    date = _parse_date(arguments.get("date"), restaurant=restaurant)
    time_slot = str(arguments.get("time_slot") or "").strip()
    try:
        booking = booking_create(
            restaurant=restaurant,
            date=date,
            time_slot=time_slot,
            client_name=str(arguments.get("client_name") or ""),
            party_size=_party_size(arguments.get("party_size", 2)),
            phone=str(arguments.get("phone") or ""),
            source=Booking.Source.ASSISTANT,
            created_by=user,
        )
    except BookingInvalid as exc:
        raise _ToolError(f"{exc.field}: {exc}") from None
    except SlotFull as exc:
        party = _party_size(arguments.get("party_size", 2))
        free = [
            slot["time"]
            for slot in _free_slots(
                restaurant=restaurant, date=date, party=party if isinstance(party, int) else None
            )
        ]
        return {
            "error": exc.message,
            "time_slot": time_slot,
            "other_free_slots_that_day": free,
        }
    return {
        "status": "ok",
        "booking_id": booking.pk,
        "date": booking.date.isoformat(),
        "time_slot": booking.time_slot,
        "client_name": booking.client_name,
        "party_size": booking.party_size,
        "ends_at": booking.ends_time,
        "tables": [table.name for table in booking.tables.all()],
    }


EXECUTORS = {"find_free_slots": find_free_slots, "create_booking": create_booking}


def describe_result(name: str, result: dict) -> str:
    """A tool's result in a few words for people: "Booked 18:00 on 2025-01-01 for Anna"."""
    if "error" in result:
        if name == "create_booking" and "other_free_slots_that_day" in result:
            return _("Could not book %(time)s: no free tables") % {"time": result["time_slot"]}
        return _("Could not do it: %(error)s") % {"error": result["error"]}
    if name == "create_booking":
        return _("Booked %(time)s on %(date)s for %(name)s") % {
            "time": result.get("time_slot", ""),
            "date": result.get("date", ""),
            "name": result.get("client_name", ""),
        }
    if name == "find_free_slots":
        return _("Checked free tables on %(date)s: %(count)d free slots") % {
            "date": result.get("date", ""),
            "count": len(result.get("free_slots", [])),
        }
    return _("Done")


def describe_stored_result(name: str, content: str) -> str:
    """`describe_result` for a stored tool message (its content is the result's JSON)."""
    try:
        result = json.loads(content)
    except json.JSONDecodeError:
        result = None
    return describe_result(name, result if isinstance(result, dict) else {})


def tool_started_summary(name: str) -> str:
    """What people watching the chat see while a tool runs."""
    if name == "find_free_slots":
        return _("Checking free tables…")
    if name == "create_booking":
        return _("Booking a table…")
    return _("Working…")


def run_tool(
    name: str, raw_arguments: str, *, restaurant: Restaurant, user: AbstractBaseUser | None
) -> ToolOutcome:
    """Run one tool call; whatever goes wrong becomes an error result for the model."""
    executor = EXECUTORS.get(name)
    try:
        if executor is None:
            raise _ToolError(f"There is no tool named {name!r}.")
        try:
            arguments = json.loads(raw_arguments or "{}")
        except json.JSONDecodeError:
            raise _ToolError("The arguments are not valid JSON.") from None
        if not isinstance(arguments, dict):
            raise _ToolError("The arguments must be a JSON object.")
        result = executor(restaurant=restaurant, arguments=arguments, user=user)
    except _ToolError as exc:
        result = {"error": str(exc)}
    return ToolOutcome(
        json.dumps(result, ensure_ascii=False),
        describe_result(name, result),
        "error" not in result,
    )

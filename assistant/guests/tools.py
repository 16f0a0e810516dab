"""The guests' AI host tools: scoped to one restaurant and to one conversation's bookings."""

from __future__ import annotations

import datetime as dt
import json

from django.utils.translation import gettext as _

from assistant.models import Message, Thread
from assistant.tools import ToolOutcome, describe_result
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import CLIENT_NAME_MAX, PARTY_SIZE_MAX, Booking
from bookings.public import links, selectors
from bookings.public.services import online_booking_create

GUEST_TOOLS: list[dict] = [
    {
        "type": "function",
        "function": {
            "name": "find_free_slots",
            "description": (
                "The times a party may book online on a date. Use it before offering a time."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "date": {"type": "string", "description": "The date, YYYY-MM-DD."},
                    "party_size": {"type": "integer", "minimum": 1, "maximum": PARTY_SIZE_MAX},
                },
                "required": ["date", "party_size"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "create_booking",
            "description": (
                "Book a table for the guest, once they agreed to the date, time, name, party "
                "size and gave a phone number. Tell them the reference and the manage link."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "date": {"type": "string", "description": "The date, YYYY-MM-DD."},
                    "time_slot": {"type": "string", "description": "HH:MM, a free time."},
                    "client_name": {"type": "string", "maxLength": CLIENT_NAME_MAX},
                    "party_size": {"type": "integer", "minimum": 1, "maximum": PARTY_SIZE_MAX},
                    "phone": {"type": "string"},
                },
                "required": ["date", "time_slot", "client_name", "party_size", "phone"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_booking",
            "description": "A booking made in this conversation, by its booking_id.",
            "parameters": {
                "type": "object",
                "properties": {"booking_id": {"type": "integer"}},
                "required": ["booking_id"],
                "additionalProperties": False,
            },
        },
    },
]

_ALLOWED = {
    "find_free_slots": {"date", "party_size"},
    "create_booking": {"date", "time_slot", "client_name", "party_size", "phone"},
    "get_booking": {"booking_id"},
}


class Refused(Exception):
    pass


def conversation_booking_ids(thread: Thread) -> set[int]:
    """The bookings this conversation made: read from its own stored tool results."""
    ids = set()
    for content in thread.messages.filter(role=Message.Role.TOOL).values_list("content", flat=True):
        try:
            result = json.loads(content)
        except json.JSONDecodeError:
            continue
        if isinstance(result, dict) and result.get("status") == "ok" and "reference" in result:
            ids.add(int(result["booking_id"]))
    return ids


def _date(value: object) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Refused(f"{value!r} is not a date; use YYYY-MM-DD.") from None


def _int(value: object, name: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refused(f"{name} must be a whole number.")
    return value


def _check_scope(thread: Thread, name: str, arguments: dict) -> None:
    """Only this restaurant, only the tool's own arguments: anything else is refused."""
    extra = set(arguments) - _ALLOWED[name]
    if extra:
        raise Refused(
            "Refused: this conversation can only use "
            f"{', '.join(sorted(_ALLOWED[name]))} for {name}, at "
            f"{thread.restaurant.name} (not {', '.join(sorted(extra))})."
        )


def find_free_slots(thread: Thread, arguments: dict) -> dict:
    restaurant = thread.restaurant
    date = _date(arguments.get("date"))
    party = _int(arguments.get("party_size"), "party_size")
    if party > restaurant.online_max_party:
        return {
            "error": f"Online bookings take up to {restaurant.online_max_party} guests; "
            "a larger party should call " + (restaurant.public_phone or "the restaurant")
        }
    times = selectors.online_times(restaurant=restaurant, date=date, party=party)
    result: dict = {"date": date.isoformat(), "party_size": party, "free_times": times}
    if not times:
        result["other_dates"] = [
            d.isoformat()
            for d in selectors.nearest_open_dates(restaurant=restaurant, date=date, party=party)
        ]
    return result


def create_booking(thread: Thread, arguments: dict) -> dict:
    restaurant = thread.restaurant
    date = _date(arguments.get("date"))
    try:
        booking = online_booking_create(
            restaurant=restaurant,
            date=date,
            time_slot=str(arguments.get("time_slot") or "").strip(),
            party_size=_int(arguments.get("party_size"), "party_size"),
            client_name=str(arguments.get("client_name") or ""),
            phone=str(arguments.get("phone") or ""),
        )
    except BookingInvalid as exc:
        return {"error": f"{exc.field}: {exc}"}
    except SlotFull as exc:
        party = _int(arguments.get("party_size"), "party_size")
        return {
            "error": exc.message,
            "time_slot": arguments.get("time_slot"),
            "other_free_slots_that_day": selectors.online_times(
                restaurant=restaurant, date=date, party=party
            ),
        }
    return {**_describe(booking), "status": "ok"}


def _describe(booking: Booking) -> dict:
    return {
        "booking_id": booking.pk,
        "reference": links.reference(booking),
        "date": booking.date.isoformat(),
        "time_slot": booking.time_slot,
        "client_name": booking.client_name,
        "party_size": booking.party_size,
        "booking_status": booking.status,
        "manage_url": links.manage_url(booking),
    }


def get_booking(thread: Thread, arguments: dict) -> dict:
    booking_id = _int(arguments.get("booking_id"), "booking_id")
    if booking_id not in conversation_booking_ids(thread):
        raise Refused("Refused: only the bookings made in this conversation can be seen.")
    booking = Booking.objects.filter(pk=booking_id, restaurant=thread.restaurant).first()
    if booking is None:
        raise Refused("Refused: only the bookings made in this conversation can be seen.")
    return _describe(booking)


EXECUTORS = {
    "find_free_slots": find_free_slots,
    "create_booking": create_booking,
    "get_booking": get_booking,
}


def run_guest_tool(name: str, raw_arguments: str, *, thread: Thread) -> ToolOutcome:
    """Run one tool call of a guest's conversation; a refusal goes back to the model."""
    executor = EXECUTORS.get(name)
    try:
        if executor is None:
            raise Refused(f"There is no tool named {name!r}.")
        try:
            arguments = json.loads(raw_arguments or "{}")
        except json.JSONDecodeError:
            raise Refused("The arguments are not valid JSON.") from None
        if not isinstance(arguments, dict):
            raise Refused("The arguments must be a JSON object.")
        _check_scope(thread, name, arguments)
        result = executor(thread, arguments)
    except Refused as exc:
        result = {"error": str(exc)}
    summary = describe_result(name, result)
    if name == "create_booking" and result.get("status") == "ok":
        summary = _("Booked %(time)s on %(date)s, reference %(reference)s") % {
            "time": result["time_slot"],
            "date": result["date"],
            "reference": result["reference"],
        }
    return ToolOutcome(json.dumps(result, ensure_ascii=False), summary, "error" not in result)

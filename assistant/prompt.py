"""The system prompt, built from the restaurant's settings on every turn.

Built fresh each time, so a change on the Settings page (persona, greeting, hours) reaches the
next message of every open conversation. The prompt speaks to the model, not to people, so it is
in English whatever the page's language; the model answers in the guest's language.
"""

from __future__ import annotations

from assistant.models import Assistant
from restaurants.models import Restaurant
from restaurants.personas import persona_for


def _closing(restaurant: Restaurant) -> str:
    closing = restaurant.closing_time
    return "midnight" if (closing.hour, closing.minute) == (0, 0) else f"{closing:%H:%M}"


def system_prompt(*, restaurant: Restaurant, assistant: Assistant) -> str:
    persona = persona_for(restaurant.host_choice)
    now = restaurant.now()
    slots = ", ".join(restaurant.slot_times())
    parts = [
        f'You are {persona.name}, the host of the restaurant "{restaurant.name}". '
        "You talk with guests and staff: answer questions about the restaurant, check free "
        "tables and book them.",
        f"Your manner: {persona.tone}",
        f"Today is {now:%A}, {now:%Y-%m-%d}; the time now is {now:%H:%M} "
        f"(restaurant time, {restaurant.time_zone}).",
        f"Opening hours: every day from {restaurant.opening_time:%H:%M} to {_closing(restaurant)}. "
        f"Tables are booked in {restaurant.slot_minutes}-minute slots starting at: {slots}. "
        "A booking holds a table for the party's whole visit, and bookings start at those times.",
        "Tools: call find_free_slots before offering or confirming a time, with the party size "
        "once the guest has said it. Call create_booking "
        "only when the guest has given the date, the time slot, their name and the party size "
        "(and a phone number if they are willing) and has agreed to book. Give dates to tools as "
        "YYYY-MM-DD and times as a slot start, HH:MM; turn words like 'tomorrow' or 'Friday' "
        "into dates from today's date above. When a tool answers with an error, explain it "
        "briefly and offer another free time.",
        "Answer in the language the guest writes in. Keep answers short. Never invent facts "
        "about the restaurant that are not given here; say you will pass the question on.",
    ]
    # Null (not set) and blank texts alike leave their part out.
    greeting = (restaurant.greeting_text or "").strip()
    info = (restaurant.info_text or "").strip()
    if greeting:
        parts.append(
            "The restaurant's greeting, which the guest has already seen as your first message:\n"
            + greeting
        )
    if info:
        parts.append(
            "Information about the restaurant (menu, address, rules) to answer from:\n" + info
        )
    if assistant.instructions.strip():
        parts.append("Further instructions:\n" + assistant.instructions.strip())
    return "\n\n".join(parts)

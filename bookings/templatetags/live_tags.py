from __future__ import annotations

from django import template

from bookings import live

register = template.Library()


@register.simple_tag(takes_context=True)
def live_version(context) -> str:
    """The change version of the restaurant the page is drawn for (`bookings.live`)."""
    restaurant = getattr(context["request"], "restaurant", None)
    return (live.version(restaurant.pk) or "") if restaurant is not None else ""

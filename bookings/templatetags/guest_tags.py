"""A guest's tags on the pages: the fixed vocabulary in the page's language, others as typed."""

from __future__ import annotations

from django import template

from bookings.guests.services import HIGHLIGHT_TAGS, TAG_CHOICES

register = template.Library()


@register.filter
def tag_label(tag: str) -> str:
    return str(TAG_CHOICES.get(tag, tag))


@register.filter
def tag_class(tag: str) -> str:
    """A colour for the tags a host must notice (VIP, allergy); a plain chip for the rest."""
    return {"VIP": "tag-vip", "allergy": "tag-allergy"}.get(tag, "")


@register.filter
def highlighted(tags: list[str] | None) -> list[str]:
    """The tags shown on a guest's bookings in the day's list: VIP and allergy first."""
    tags = tags or []
    return [t for t in HIGHLIGHT_TAGS if t in tags] + [t for t in tags if t not in HIGHLIGHT_TAGS]

"""Content negotiation that answers the common case, JSON, without parsing the Accept header."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation

# What API clients send: nothing (curl, wrk), anything (requests, fetch), or JSON itself.
ANY_OR_JSON = frozenset(("", "*/*", "application/json"))


class JSONFirstNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, short-cut when the client takes JSON and JSON is the first renderer.

    Every other request (another media type, a `?format=`, a list with qualities) goes
    through DRF's own rules, so a client that accepts only HTML still gets its 406.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        first = renderers[0]
        if (
            first.media_type == "application/json"
            and format_suffix is None
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            and request.META.get("HTTP_ACCEPT", "").strip() in ANY_OR_JSON
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)

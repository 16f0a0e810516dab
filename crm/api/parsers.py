"""The API's JSON parser: DRF's, refusing with a 400 what DRF's would not.

- A body nested too deeply: Python's decoder gives up past its recursion limit with a
  `RecursionError`, which DRF's parser does not expect; a few kilobytes of `[[[[…` would
  otherwise answer 500.
- A NUL (`\\u0000`) in an object key. A NUL in a value is refused by the field that reads it
  (DRF's `CharField`, naming the field); a key is never read by a field, so an unknown one
  would be ignored silently, and PostgreSQL cannot store a NUL in text anyway.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _has_nul_key(data: object) -> bool:
    """Walks the parsed body without recursion: it may be nested as deep as the decoder allows."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if "\x00" in key:
                    return True
                if isinstance(value, dict | list):
                    pending.append(value)
        elif isinstance(item, list):
            pending.extend(value for value in item if isinstance(value, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The request body is nested too deeply.")) from None
        if isinstance(data, dict | list) and _has_nul_key(data):
            raise ParseError(
                _("A field name in the request body contains a null character."),
                code="null_characters_not_allowed",
            )
        return data

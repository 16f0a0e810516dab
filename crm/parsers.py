"""The API's JSON parser: DRF's, refusing a body nested too deeply to decode with a 400.

Python's decoder gives up past its recursion limit with a `RecursionError`, which DRF's parser
does not expect; a few kilobytes of `[[[[…` would otherwise answer 500.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The request body is nested too deeply.")) from None

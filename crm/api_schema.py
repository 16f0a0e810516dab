"""OpenAPI pieces every API module shares: an error answer, the 401, a restaurant's 404 and id."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from crm.api_common import id_path_parameter
from crm.api_errors import ErrorSerializer


def error_response(description: str) -> OpenApiResponse:
    """An error answer in the API's one format, with what causes it."""
    return OpenApiResponse(ErrorSerializer, description=description)


UNAUTHORIZED = error_response("Missing, malformed, tampered or expired token.")
RESTAURANT_404 = error_response("No such restaurant, or not one of yours (the same answer).")
RESTAURANT_ID = id_path_parameter("restaurant_id")

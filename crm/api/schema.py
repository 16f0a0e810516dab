"""OpenAPI pieces every API module shares: an error answer, the 401, a restaurant's 404, an id in
the path; and the hook that leaves the schema's own pages out of it."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from crm.api.errors import ErrorSerializer
from crm.api.fields import ID_MAX


def id_path_parameter(name: str) -> OpenApiParameter:
    """An id in the path, documented with the bounds `path_id` enforces (1 to 2**63 - 1)."""
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
        OpenApiParameter.PATH,
    )


def error_response(description: str) -> OpenApiResponse:
    """An error answer in the API's one format, with what causes it."""
    return OpenApiResponse(ErrorSerializer, description=description)


UNAUTHORIZED = error_response("Missing, malformed, tampered or expired token.")
RESTAURANT_404 = error_response("No such restaurant, or not one of yours (the same answer).")
RESTAURANT_ID = id_path_parameter("restaurant_id")


def schema_endpoints(endpoints: list[tuple]) -> list[tuple]:
    """The schema documents the API, not the pages that serve the schema itself."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith("/api/")]

from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive. No database or cache call, so it is also the speed ceiling."""
    return JsonResponse({"status": "ok"})

"""The tenant check every API view makes.

It reads the token's claims (`crm.api.jwt.token_role`), so it costs no query. A restaurant the
caller does not belong to answers exactly as a missing one: 404, same body.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request

from crm.api.jwt import token_role
from restaurants.models import Membership

RESTAURANT_NOT_FOUND = _("Restaurant not found.")
BOOKING_NOT_FOUND = _("Booking not found.")


def require_role(request: Request, restaurant_id: int, *, manager: bool = False) -> str:
    """The caller's role at the restaurant, from the token.

    404 when the restaurant is not theirs (the same answer as a missing one); 403 when
    `manager` is asked for and they are a host there.
    """
    role = token_role(request, restaurant_id)
    if role is None:
        raise exceptions.NotFound(RESTAURANT_NOT_FOUND)
    if manager and role != Membership.Role.MANAGER:
        raise exceptions.PermissionDenied(_("Only a manager of this restaurant can do this."))
    return role

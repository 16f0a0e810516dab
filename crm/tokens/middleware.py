"""Page sessions end with the user's tokens: a session signed in at an older token version is
signed out when its user is first looked at."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from crm.tokens.selectors import token_is_live
from crm.tokens.signals import SESSION_VERSION_KEY


class SessionRevocationMiddleware:
    """After AuthenticationMiddleware. Lazy, as its user is: a request that never looks at the
    user (an API call, whose user comes from its token) costs nothing more."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session_user = request.user
        request.user = SimpleLazyObject(lambda: _live_user(request, session_user))
        return self.get_response(request)


def _live_user(request: HttpRequest, user):
    if not user.is_authenticated:
        return user
    version = request.session.get(SESSION_VERSION_KEY, 0)
    if token_is_live(user_id=user.pk, version=version):
        return user
    # What logout() does, but it would look at request.user, which is being worked out here.
    request.session.flush()
    return AnonymousUser()

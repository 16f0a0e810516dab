"""The user menu's "Sign out everywhere"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.tokens.services import tokens_revoke_all


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """Ends every page session and revokes every API token of the user, then shows sign-in."""
    tokens_revoke_all(user=request.user)
    logout(request)
    messages.success(request, _("You are signed out everywhere."))
    return redirect("login")

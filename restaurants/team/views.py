"""The Team page (managers), the invitation link (anyone holding it) and sign-up."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from crm.ratelimit import within_limit
from restaurants.current import PageRequest, choose_restaurant, manager_required
from restaurants.team.forms import InviteForm, NewMemberForm, RoleForm, SignupForm
from restaurants.team.selectors import (
    invitation_by_token,
    team_history,
    team_invitation,
    team_member,
    team_members,
    waiting_invitations,
)
from restaurants.team.services import (
    invitation_accept,
    invitation_accept_new_user,
    invitation_create,
    invitation_withdraw,
    membership_remove,
    membership_set_role,
    signup_confirm,
    signup_create,
    signup_send_confirmation,
    team_require_two_factor,
)

TEAM_MANAGERS = {"message": gettext_lazy("Only a manager can see and change the team.")}
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _render(request: PageRequest, *, invite_form=None, status: int = 200) -> HttpResponse:
    restaurant = request.restaurant
    members = list(team_members(restaurant=restaurant))
    return render(
        request,
        "restaurants/team/team.html",
        {
            "members": [
                (m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in members
            ],
            "invitations": list(waiting_invitations(restaurant=restaurant)),
            "invite_form": invite_form or InviteForm(),
            "history": team_history(restaurant=restaurant),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
@manager_required(**TEAM_MANAGERS)
def team_page(request: PageRequest) -> HttpResponse:
    return _render(request)


@require_POST
@manager_required(**TEAM_MANAGERS)
def invite(request: PageRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(
                restaurant=request.restaurant,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                base_url=base_url(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("team:page")
    return _render(request, invite_form=form)


def _member_or_404(request: PageRequest, membership_id: int):
    membership = team_member(restaurant=request.restaurant, membership_id=membership_id)
    if membership is None:
        raise Http404(_("No such member."))
    return membership


def _refused(request: PageRequest, error: Exception) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("team:page")


@require_POST
@manager_required(**TEAM_MANAGERS)
def change_role(request: PageRequest, membership_id: int) -> HttpResponse:
    membership = _member_or_404(request, membership_id)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        return _refused(request, ValidationError(_("Choose host or manager.")).messages[0])
    try:
        membership = membership_set_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, error)
    messages.success(
        request,
        _("%(user)s is now %(role)s.")
        % {"user": membership.user.get_username(), "role": membership.get_role_display()},
    )
    return redirect("team:page")


@require_POST
@manager_required(**TEAM_MANAGERS)
def remove(request: PageRequest, membership_id: int) -> HttpResponse:
    membership = _member_or_404(request, membership_id)
    username = membership.user.get_username()
    try:
        membership_remove(membership=membership, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, error)
    if membership.user_id == request.user.pk:
        return redirect("login")  # removed themselves: their session has just ended
    messages.success(
        request,
        _("%(user)s is no longer on the team; their sessions and tokens have ended.")
        % {"user": username},
    )
    return redirect("team:page")


@require_POST
@manager_required(**TEAM_MANAGERS)
def require_two_factor(request: PageRequest) -> HttpResponse:
    required = request.POST.get("required") == "on"
    team_require_two_factor(restaurant=request.restaurant, required=required, by=request.user)
    messages.success(
        request,
        _("Managers must sign in with two factors.")
        if required
        else _("Managers may sign in without a second factor."),
    )
    return redirect("team:page")


@require_POST
@manager_required(**TEAM_MANAGERS)
def withdraw(request: PageRequest, invitation_id: int) -> HttpResponse:
    invitation = team_invitation(restaurant=request.restaurant, invitation_id=invitation_id)
    if invitation is None:
        raise Http404(_("No such invitation."))
    invitation_withdraw(invitation=invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
    )
    return redirect("team:page")


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: set a password and join, or join with the account signed in."""
    invitation = invitation_by_token(token=token)
    if invitation is None or not invitation.is_open():
        return render(
            request,
            "restaurants/team/invitation_invalid.html",
            {"invitation": invitation},
            status=404,
        )
    form = NewMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = invitation_accept(token=token, user=request.user)
            elif form.is_valid():
                membership = invitation_accept_new_user(
                    token=token,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend=PASSWORD_BACKEND)
            else:
                membership = None
        except ValidationError as error:
            membership = None
            for field, errors in error.message_dict.items():
                target = "password1" if field == "password" else field
                for message in errors:
                    form.add_error(target if target in form.fields else None, message)
        if membership is not None:
            choose_restaurant(request, membership.restaurant)
            messages.success(
                request,
                _("Welcome to the team of %(restaurant)s.")
                % {"restaurant": membership.restaurant.name},
            )
            return redirect("bookings:day")
    return render(
        request,
        "restaurants/team/accept.html",
        {
            "invitation": invitation,
            "form": form,
            "login_url": reverse("login") + "?next=" + request.path,
        },
    )


SIGNUP_FIELDS = {
    "name": "restaurant_name",
    "default_table_count": "table_count",
    "password": "password1",
}


def _signup_open() -> None:
    if not settings.SIGNUP_OPEN:
        raise Http404(_("Sign-up is closed."))


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A new account and its first restaurant, managed by it."""
    _signup_open()
    if request.method != "POST":
        form = SignupForm(initial={"time_zone": settings.TIME_ZONE})
        return render(request, "restaurants/team/signup.html", {"form": form})
    if not within_limit(request, scope="signup", limit=settings.SIGNUP_LIMIT_PER_HOUR):
        return render(request, "registration/too_many.html", status=429)
    form = SignupForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = signup_create(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                restaurant_name=data["restaurant_name"],
                time_zone=data["time_zone"],
                country=data["country"],
                opening_time=data["opening_time"],
                closing_time=data["closing_time"],
                table_count=data["table_count"],
                base_url=base_url(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                target = SIGNUP_FIELDS.get(field, field)
                for message in errors:
                    form.add_error(target if target in form.fields else None, message)
        else:
            login(request, membership.user, backend=PASSWORD_BACKEND)
            choose_restaurant(request, membership.restaurant)
            messages.success(
                request,
                _("Welcome! We sent a link to %(email)s: open it to start taking bookings.")
                % {"email": membership.user.email},
            )
            return redirect("bookings:day")
    return render(request, "restaurants/team/signup.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def signup_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        restaurant = signup_confirm(token=token)
    except ValidationError:
        return render(request, "restaurants/team/signup_invalid.html", status=404)
    messages.success(
        request,
        _("Your address is confirmed: %(restaurant)s takes bookings now.")
        % {"restaurant": restaurant.name},
    )
    return redirect("bookings:day" if request.user.is_authenticated else "login")


@require_POST
@manager_required()
def signup_resend(request: PageRequest) -> HttpResponse:
    """Mail the confirmation link again, to the manager asking (their address as it is now)."""
    from restaurants.models import Membership

    membership = Membership.objects.filter(
        user=request.user, restaurant=request.restaurant, role=Membership.Role.MANAGER
    ).first()
    if membership is not None and not request.restaurant.confirmed and request.user.email:
        if within_limit(request, scope="signup-resend", limit=settings.SIGNUP_LIMIT_PER_HOUR):
            signup_send_confirmation(membership=membership, base_url=base_url(request))
            messages.success(
                request, _("We sent the link again to %(email)s.") % {"email": request.user.email}
            )
        else:
            messages.error(request, _("Too many requests. Try again in an hour."))
    return redirect("bookings:day")

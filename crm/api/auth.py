"""Sign-in for the API: `POST /auth/login` (the v1 shape, docs/api-v1.md), `POST /auth/refresh`,
`POST /auth/logout-all` and `POST /auth/password-reset`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from crm.accounts.forms import ResetForm
from crm.accounts.services import code_check, two_factor_enabled, two_factor_required
from crm.api.errors import ErrorSerializer
from crm.api.fields import StrictCharField
from crm.api.jwt import refresh_token_for, refresh_token_renew
from crm.api.parsers import JSONParser
from crm.ratelimit import within_limit
from crm.tokens.services import tokens_revoke_all


class BearerChallenge(BaseAuthentication):
    """Authenticates nobody, but makes a refused sign-in answer 401 with `WWW-Authenticate`.

    Sign-in ignores any Authorization header, so a client that sends its stale token on every
    request (a Postman collection's auth, say) can still log in.
    """

    def authenticate(self, request: Request) -> None:
        return None

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class LoginIn(serializers.Serializer):
    username = StrictCharField(max_length=150, trim_whitespace=False)
    password = StrictCharField(max_length=4096, trim_whitespace=False)
    otp = StrictCharField(
        max_length=32,
        required=False,
        help_text=(
            "With two-factor sign-in on: the code of the authenticator app, or a recovery code."
        ),
    )


class RefreshIn(serializers.Serializer):
    refresh_token = StrictCharField(max_length=4096)


class TokenOut(serializers.Serializer):
    access_token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    token_type = serializers.CharField(help_text='Always `"bearer"`.')
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")
    refresh_token = serializers.CharField(help_text="Trade it at `POST /auth/refresh`.")


def _tokens(refresh) -> dict:
    access = refresh.access_token
    return {
        "access_token": str(access),
        "token_type": "bearer",
        "expires_in": int(access.lifetime.total_seconds()),
        "refresh_token": str(refresh),
    }


TOKEN_EXAMPLE = OpenApiExample(
    "Signed in",
    value={
        "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…",
        "token_type": "bearer",
        "expires_in": 900,
        "refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…",
    },
    response_only=True,
)


class LoginApi(APIView):
    authentication_classes = [BearerChallenge]
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="auth_login",
        summary="Sign in",
        description=(
            "Trade a username and password (and, with two-factor sign-in on, `otp`) for a "
            "bearer token. The token carries the user, "
            "`restaurant_id` (their first restaurant) and every restaurant they work at with "
            "their role. Any Authorization header sent here is ignored."
        ),
        tags=["auth"],
        request=LoginIn,
        responses={
            200: TokenOut,
            400: OpenApiResponse(ErrorSerializer, description="Missing or non-string fields."),
            401: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Wrong username or password (`code`: `login_failed`); two-factor sign-in is "
                    "on and no `otp` was sent (`otp_required`), or a wrong one (`otp_invalid`)."
                ),
            ),
            403: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "A manager without two-factor sign-in at a restaurant that requires it "
                    "(`otp_setup_required`)."
                ),
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Too many failed sign-ins for this username from this address; "
                    "`Retry-After` says when to try again."
                ),
            ),
        },
        examples=[
            OpenApiExample(
                "Brief login",
                value={"username": "admin", "password": "password123"},
                request_only=True,
            ),
            TOKEN_EXAMPLE,
            OpenApiExample(
                "With two-factor sign-in",
                value={"username": "admin", "password": "password123", "otp": "123456"},
                request_only=True,
            ),
            OpenApiExample(
                "Code needed",
                value={
                    "detail": "Two-factor sign-in is on: send the code of your app in `otp`.",
                    "code": "otp_required",
                },
                response_only=True,
                status_codes=["401"],
            ),
            OpenApiExample(
                "Wrong credentials",
                value={"detail": "Incorrect username or password.", "code": "login_failed"},
                response_only=True,
                status_codes=["401"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = LoginIn(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = dict(data.validated_data)
        otp = credentials.pop("otp", None)
        user = authenticate(request._request, **credentials)
        if user is None:
            raise exceptions.AuthenticationFailed(
                _("Incorrect username or password."), code="login_failed"
            )
        if two_factor_enabled(user):
            if not otp:
                raise exceptions.AuthenticationFailed(
                    _("Two-factor sign-in is on: send the code of your app in `otp`."),
                    code="otp_required",
                )
            if code_check(user=user, code=otp) is None:
                raise exceptions.AuthenticationFailed(
                    _("That code is not right. Try the newest one."), code="otp_invalid"
                )
        elif two_factor_required(user):
            raise exceptions.PermissionDenied(
                _(
                    "A restaurant of yours requires two-factor sign-in of its managers: turn it "
                    "on on your account page first."
                ),
                code="otp_setup_required",
            )
        # A token sign-in is a sign-in: last_login moves, the lockout count resets.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(_tokens(refresh_token_for(user)))


class TokenRefreshApi(APIView):
    authentication_classes = [BearerChallenge]
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_refresh",
        summary="Renew the access token",
        description=(
            "Trade the refresh token from `/auth/login` (or the last refresh) for a new access "
            "token, with the user's restaurants and roles as they are now, and a new refresh "
            "token: each refresh token works once. Presenting a used one again revokes every "
            "token of that sign-in. The refresh token expires a day after sign-in, however "
            "often it is renewed."
        ),
        tags=["auth"],
        request=RefreshIn,
        responses={
            200: TokenOut,
            400: OpenApiResponse(ErrorSerializer, description="No refresh token sent."),
            401: OpenApiResponse(
                ErrorSerializer,
                description="Not a valid, unexpired, unused refresh token, or it was revoked.",
            ),
        },
        examples=[TOKEN_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        data = RefreshIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            refresh = refresh_token_renew(data.validated_data["refresh_token"])
        except TokenError as error:
            raise exceptions.AuthenticationFailed(str(error), code="token_not_valid") from None
        return Response(_tokens(refresh))


class LogoutAllApi(APIView):
    @extend_schema(
        operation_id="auth_logout_all",
        summary="Sign out everywhere",
        description=(
            "Revoke every access and refresh token the caller holds, this one included, and "
            "end their signed-in page sessions. Sign in again for new tokens."
        ),
        tags=["auth"],
        request=None,
        responses={
            204: OpenApiResponse(description="Every token of the caller is revoked."),
            401: OpenApiResponse(ErrorSerializer, description="No valid token."),
        },
    )
    def post(self, request: Request) -> Response:
        tokens_revoke_all(user=request.user)
        return Response(status=204)


class PasswordResetIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class DetailOut(serializers.Serializer):
    detail = serializers.CharField()


class TooManyRequests(exceptions.Throttled):
    default_detail = _("Too many requests from your address. Try again in an hour.")


RESET_SENT = _("If an account has this address, a link to choose a new password is on its way.")


class PasswordResetApi(APIView):
    authentication_classes = [BearerChallenge]
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_password_reset",
        summary="Ask for a password-reset link",
        description=(
            "Mails a link to choose a new password to every active account with this address "
            "(Django's reset tokens: the link works once and expires). The answer is the same "
            "whether or not such an account exists, so it tells nobody which addresses have one. "
            "A new password ends every session and token of the account."
        ),
        tags=["auth"],
        request=PasswordResetIn,
        responses={
            202: DetailOut,
            400: OpenApiResponse(ErrorSerializer, description="No valid `email` sent."),
            429: OpenApiResponse(ErrorSerializer, description="Too many requests from here."),
        },
        examples=[
            OpenApiExample("Ask", value={"email": "host@example.com"}, request_only=True),
            OpenApiExample("Sent", value={"detail": str(RESET_SENT)}, response_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetIn(data=request.data)
        data.is_valid(raise_exception=True)
        if not within_limit(
            request._request,
            scope="password-reset",
            limit=settings.PASSWORD_RESET_LIMIT_PER_HOUR,
        ):
            raise TooManyRequests(wait=3600)
        form = ResetForm(data={"email": data.validated_data["email"]})
        if form.is_valid():
            form.save(request=request._request, use_https=request.is_secure())
        return Response({"detail": str(RESET_SENT)}, status=202)

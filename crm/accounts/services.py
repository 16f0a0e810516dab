"""Two-factor sign-in (django-otp): an authenticator app's codes (TOTP) and recovery codes.

A user has it on when they have a confirmed TOTP device. Turning it on or off is written to the
audit log, on the user, as `two_factor: [before, after]`.
"""

from __future__ import annotations

import io
import secrets

from auditlog.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def two_factor_enabled(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Whether a restaurant the user manages requires two-factor sign-in of its managers."""
    from restaurants.models import Membership  # restaurants builds on crm, not the reverse

    return Membership.objects.filter(
        user=user, role=Membership.Role.MANAGER, restaurant__require_manager_2fa=True
    ).exists()


def totp_pending(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


@transaction.atomic
def totp_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` to scan; an earlier unconfirmed one goes."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no image from anywhere)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def totp_secret(device: TOTPDevice) -> str:
    """The key as base32, in groups of four, to type in where a QR code cannot be scanned."""
    import base64

    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _audit(user: AbstractBaseUser, before: str, after: str) -> None:
    LogEntry.objects.log_create(
        user,
        action=LogEntry.Action.UPDATE,
        changes={"two_factor": [before, after]},
        actor=user,
        force_log=True,
    )


def _code_refused() -> ValidationError:
    return ValidationError({"code": [_("That code is not right. Try the newest one.")]})


@transaction.atomic
def totp_confirm(*, user: AbstractBaseUser, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on with the first code the app shows; the recovery codes, shown
    once. ValidationError on `code` when it is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError({"code": [_("Start again: scan a new QR code.")]})
    if not device.verify_token((code or "").replace(" ", "")):
        raise _code_refused()
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    codes = recovery_codes_renew(user=user)
    _audit(user, "off", "on")
    return device, codes


def recovery_codes_renew(*, user: AbstractBaseUser) -> list[str]:
    """New single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    # Three groups of four hex digits (48 bits): within django-otp's 16 characters a code.
    codes = ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def code_check(*, user: AbstractBaseUser, code: str):
    """The device that accepts `code` (an app's code or an unused recovery code, which is
    spent), or None."""
    code = (code or "").strip().replace(" ", "").lower()
    if not code or len(code) > 32:
        return None
    return match_token(user, code)


@transaction.atomic
def two_factor_disable(*, user: AbstractBaseUser, code: str) -> None:
    """Turn it off, proven by a current code; ValidationError on `code` otherwise."""
    if code_check(user=user, code=code) is None:
        raise _code_refused()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _audit(user, "on", "off")

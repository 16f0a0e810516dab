"""Sending one webhook: the address checked (SSRF), the payload signed, a 5-second POST.

The host is resolved once and every address it has must be public (unless
WEBHOOK_ALLOW_PRIVATE); the request then goes to the address that was checked, with the
host's name for TLS and the Host header, so a DNS answer that changes in between cannot
point it elsewhere. Redirects are not followed: a 3xx is a failed attempt.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from crm.outbox.models import OutboxEvent

USER_AGENT = "RestaurantCRM-Webhooks/1"


class WebhookUrlRefused(ValueError):
    """A URL webhooks may not be sent to; the message says why."""


def check_url_form(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL webhooks may go to, by its form alone."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise WebhookUrlRefused(_("Enter a valid URL.")) from None
    scheme = parts.scheme.lower()
    allowed = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if scheme not in allowed:
        raise WebhookUrlRefused(_("The URL must start with https://."))
    if not parts.hostname:
        raise WebhookUrlRefused(_("Enter a valid URL."))
    if parts.username or parts.password:
        raise WebhookUrlRefused(_("The URL cannot hold a user name or password."))
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not address_allowed(literal):
        raise WebhookUrlRefused(_("The URL must point to a public address."))
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return True
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address of `host`; WebhookUrlRefused when one is not public or none is found."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookUrlRefused(_("The host name does not resolve.")) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for text in addresses:
        if not address_allowed(ipaddress.ip_address(text.split("%")[0])):
            raise WebhookUrlRefused(_("The URL must point to a public address."))
    if not addresses:
        raise WebhookUrlRefused(_("The host name does not resolve."))
    return addresses


def body_for(event: OutboxEvent) -> str:
    return json.dumps(
        {"type": event.kind, "timestamp": event.created_at.isoformat(), "data": event.payload},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


def signed_headers(secret: str, msg_id: str, body: str, at: dt.datetime) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
    }


def post(url: str, body: str, headers: dict[str, str]) -> int:
    """POST to a checked address; the status code, or an exception (refused, unreachable)."""
    scheme, host, port = check_url_form(url)
    address = resolve(host, port)[0]
    parts = urlsplit(url.strip())
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT_SECONDS)
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    host_header = host if port == (443 if scheme == "https" else 80) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port in (80, 443) else f"[{host}]:{port}"
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body.encode(),
            headers={
                **headers,
                "Host": host_header,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
            redirect=False,
            retries=False,
            preload_content=False,
        )
        response.read(64 * 1024)  # enough to end the exchange; the body itself is not kept
        response.release_conn()
        return response.status
    finally:
        pool.close()

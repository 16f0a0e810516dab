"""`EMAIL_URL` read into Django's e-mail settings.

    smtp://user:password@host:587        SMTP (STARTTLS with `smtp+tls://` or `?tls=1`)
    smtps://user:password@host:465       SMTP over TLS (also `smtp+ssl://` or `?ssl=1`)
    console://                           printed on the console (the development default)
    file:///path/to/folder               one file per message
    locmem://                            kept in memory (tests)
    dummy://                             dropped

User and password are percent-decoded, so a password may hold any character.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
TRUE = {"1", "true", "yes", "on"}


def email_settings(url: str) -> dict[str, object]:
    """Django's EMAIL_* settings for an `EMAIL_URL`, or ImproperlyConfigured naming the fault."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    base, _, variant = scheme.partition("+")
    if base == "smtps":
        base, variant = "smtp", "ssl"
    if base not in BACKENDS or variant not in {"", "tls", "ssl"} or (variant and base != "smtp"):
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps://, smtp+tls://, console://, file://, "
            f"locmem:// or dummy://, not {parts.scheme or url!r}"
        )
    config: dict[str, object] = {"EMAIL_BACKEND": BACKENDS[base]}
    if base == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a folder: file:///var/mail/crm")
        config["EMAIL_FILE_PATH"] = unquote(parts.path)
    if base != "smtp":
        return config
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host: smtp://user:password@host:587")
    query = {k.lower(): v[-1].lower() for k, v in parse_qs(parts.query).items()}
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number") from None
    use_ssl = variant == "ssl" or query.get("ssl") in TRUE
    use_tls = variant == "tls" or query.get("tls") in TRUE
    if use_ssl and use_tls:
        raise ImproperlyConfigured("EMAIL_URL cannot ask for both TLS (STARTTLS) and SSL")
    config.update(
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port or (465 if use_ssl else 587 if use_tls else 25),
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=use_tls,
        EMAIL_USE_SSL=use_ssl,
    )
    return config

"""EMAIL_URL read into Django's e-mail settings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from crm.email_url import email_settings


def test_smtp_with_starttls_and_an_encoded_password():
    config = email_settings("smtp+tls://mailer%40example.com:p%40ss%3Aw0rd@smtp.example.com:2525")
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "mailer@example.com",
        "EMAIL_HOST_PASSWORD": "p@ss:w0rd",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example.com", 25, False, False),
        ("smtp://mail.example.com?tls=1", 587, True, False),
        ("smtps://mail.example.com", 465, False, True),
        ("smtp+ssl://mail.example.com:1465", 1465, False, True),
    ],
)
def test_smtp_ports_and_security(url, port, tls, ssl):
    config = email_settings(url)
    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (
        port,
        tls,
        ssl,
    )


def test_development_backends():
    assert email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert email_settings("locmem://")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")
    assert email_settings("file:///var/mail/crm") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/var/mail/crm",
    }


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("pop3://mail.example.com", "must start with"),
        ("smtp://", "needs a host"),
        ("smtp://mail.example.com:port", "not a number"),
        ("smtp+tls://mail.example.com?ssl=1", "both"),
        ("console+tls://", "must start with"),
        ("file://", "needs a folder"),
    ],
)
def test_a_bad_email_url_is_refused_by_name(url, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        email_settings(url)

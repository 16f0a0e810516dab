"""Text that cannot be stored is refused at the door: a NUL, or bytes that are not UTF-8.

PostgreSQL refuses a NUL character in text outright (`psycopg.DataError`), so a `%00` that
reaches a query, a lookup or an insert is a 500 there, and on SQLite it is stored as it came.
Bytes that are not UTF-8 are quietly replaced by Django (U+FFFD) when it decodes the request.
Neither is ever what a person typed, so one middleware refuses both, before any view, form or
query sees them, with 400: the API's JSON error (`{"detail", "code"}`) on API paths, a short
page elsewhere (the same split as `crm.unavailable`). It writes nothing.

What it looks at:

- the path and the query string, on every request;
- the cookies, whose quoted form can carry an escaped NUL (`"\\000"`) that Python's cookie
  parser turns into a real one, and the session cookie is a database lookup;
- on requests that write (POST, PUT, PATCH, DELETE), every header but `Authorization` (sign-in
  records the user agent; a bad `Authorization` is the authentication's 401). Real servers
  refuse raw control characters in headers already (granian does, after RFC 9110);
- form bodies (urlencoded and multipart) of POST, PUT and PATCH: field names and values and
  the names of uploaded files, never a file's content.

JSON bodies are the API parser's (`crm.api.parsers`) and its fields' (DRF's `CharField` refuses a
NUL in a value). The common request, with no query string and no form body, costs a few
substring tests on strings the server has already built.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from crm.middleware import CSPMiddleware
from crm.unavailable import is_api_path

NUL_CODE = "null_characters_not_allowed"  # DRF's code for the same fault in a JSON field
ENCODING_CODE = "invalid_encoding"
TOO_LARGE_CODE = "too_large"

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_METHODS = frozenset({"POST", "PUT", "PATCH"})
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
# Django shows the bytes of a path that are not UTF-8 as `%XX` (`repercent_broken_unicode`).
# A client's own `%25FF` reads the same; it names nothing here either.
BROKEN_PATH_BYTE = re.compile(r"%[89A-F][0-9A-F]")
# Django's own rule for a multipart boundary (`MultiPartParser.boundary_re`).
BOUNDARY = re.compile(r"[ -~]{0,200}[!-~]")
# The error page loads our stylesheet and nothing else; it is answered before the CSP and
# X-Frame-Options middleware, so it carries its own.
PAGE_POLICY = "default-src 'none'; style-src 'self'; frame-ancestors 'none'"


class BadText(Exception):
    """Where the request holds text we refuse, and why: `nul` or `encoding`."""

    def __init__(self, where: str, fault: str) -> None:
        super().__init__(where, fault)
        self.where, self.fault = where, fault


class TooLarge(Exception):
    pass


def _messages() -> dict[tuple[str, str], str]:
    return {
        ("path", "nul"): _("The address contains a null character (%00), which is not allowed."),
        ("path", "encoding"): _("The address is not valid UTF-8 text."),
        ("query", "nul"): _(
            "The query string contains a null character (%00), which is not allowed."
        ),
        ("query", "encoding"): _("The query string is not valid UTF-8 text."),
        ("header", "nul"): _("A request header contains a null character, which is not allowed."),
        ("cookie", "nul"): _("A cookie contains a null character, which is not allowed."),
        ("form", "nul"): _("The form data contains a null character, which is not allowed."),
        ("form", "encoding"): _("The form data is not valid text in its character set."),
        ("file", "nul"): _("An uploaded file's name contains a null character."),
        ("file", "encoding"): _("An uploaded file's name is not valid text."),
    }


def _query_bytes(request: HttpRequest, query: str) -> bytes:
    if isinstance(request, WSGIRequest):
        # WSGI hands over the bytes read as Latin-1 (PEP 3333); ASGI servers decode them.
        try:
            return query.encode("latin-1")
        except UnicodeEncodeError:
            pass
    return query.encode()


def _check_text(raw: bytes, where: str) -> None:
    """`raw` is percent-encoded UTF-8 (a query string, a urlencoded body)."""
    if b"%00" in raw or b"\x00" in raw:
        raise BadText(where, "nul")
    if b"%" in raw or not raw.isascii():
        try:
            unquote_to_bytes(raw).decode()
        except UnicodeDecodeError:
            raise BadText(where, "encoding") from None


def _check_decoded(raw: bytes, where: str, encoding: str) -> None:
    """`raw` is the text itself (a multipart field, a header line)."""
    if b"\x00" in raw:
        raise BadText(where, "nul")
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        raise BadText(where, "encoding") from None


def check_path(request: HttpRequest) -> None:
    path = request.path_info
    if "\x00" in path:
        raise BadText("path", "nul")
    if "%" in path and BROKEN_PATH_BYTE.search(path):
        raise BadText("path", "encoding")


def check_query(request: HttpRequest) -> None:
    query = request.META.get("QUERY_STRING", "")
    if query:
        _check_text(_query_bytes(request, query), "query")


def check_cookies(request: HttpRequest) -> None:
    cookie = request.META.get("HTTP_COOKIE", "")
    if cookie and ("\\" in cookie or "\x00" in cookie):
        for name, value in request.COOKIES.items():
            if "\x00" in name or "\x00" in value:
                raise BadText("cookie", "nul")


def check_headers(request: HttpRequest) -> None:
    for key, value in request.META.items():
        if (
            key.startswith("HTTP_")
            and isinstance(value, str)
            and "\x00" in value
            and key != "HTTP_AUTHORIZATION"
        ):
            raise BadText("header", "nul")


def check_form(request: HttpRequest) -> None:
    content_type = request.content_type.lower()
    if content_type not in (URLENCODED, MULTIPART):
        return  # JSON and everything else: not read here
    try:
        body = request.body
    except RequestDataTooBig:
        if content_type == MULTIPART:
            raise TooLarge from None
        return  # the view refuses it as it always has (413 on the API)
    except ValueError:
        return  # a Content-Length that is no number: read as an empty body downstream
    if content_type == URLENCODED:
        _check_text(body, "form")  # always UTF-8: Django refuses any other charset here
    else:
        encoding = request.encoding or settings.DEFAULT_CHARSET
        _check_multipart(body, request.content_params.get("boundary", ""), encoding)


def _check_multipart(body: bytes, boundary: str, encoding: str) -> None:
    """Each part's headers (field and file names) and each field's value, as Django reads them.

    A body Django cannot split (no or a bad boundary) is left to Django, which refuses it.
    """
    if not BOUNDARY.fullmatch(boundary):
        return
    for part in body.split(b"--" + boundary.encode("ascii")):
        head, found, content = part.partition(b"\r\n\r\n")
        if not found:
            continue  # no headers: Django ignores the part (the preamble, the closing `--`)
        # Django reads part headers as UTF-8.
        _check_decoded(head, "file" if b"filename" in head.lower() else "form", "utf-8")
        headers: dict[str, tuple[str, dict[str, str]]] = {}
        for line in head.decode().split("\r\n"):
            try:
                main, params = parse_header_parameters(line)
                name, value = main.split(":", 1)
            except ValueError:
                continue  # Django skips such a line too
            headers[name] = value.strip(), params
            if "\x00" in params.get("filename", ""):
                raise BadText("file", "nul")
            if any("\x00" in param for param in params.values()):
                raise BadText("form", "nul")
        _, disposition = headers.get("content-disposition", ("", None))
        if disposition is None or disposition.get("filename"):
            continue  # not a field, or a file: its content is not text
        # The value ends where the next boundary's line begins.
        value = content.removesuffix(b"\n").removesuffix(b"\r")
        if headers.get("content-transfer-encoding", ("",))[0] == "base64":
            with contextlib.suppress(binascii.Error):  # Django keeps it as it came
                value = base64.b64decode(value)
        _check_decoded(value, "form", encoding)


def refusal(request: HttpRequest, status: int, detail: str, code: str) -> HttpResponse:
    """The project's error for this path: JSON on the API, a short page elsewhere."""
    if is_api_path(request.path_info):
        response: HttpResponse = JsonResponse({"detail": detail, "code": code}, status=status)
        response["Content-Security-Policy"] = CSPMiddleware.NON_DOCUMENT_POLICY
        return response
    page = render_to_string("400.html", {"message": detail})
    response = HttpResponse(page, status=status)
    response["Content-Security-Policy"] = PAGE_POLICY
    response["X-Frame-Options"] = "DENY"
    return response


class BadTextMiddleware:
    """Answers 400 to a request whose path, query, cookies, headers or form hold bad text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_path(request)
            check_query(request)
            check_cookies(request)
            if request.method in WRITE_METHODS:
                check_headers(request)
                if request.method in FORM_METHODS:
                    check_form(request)
        except BadText as bad:
            return refusal(request, 400, _messages()[bad.where, bad.fault], _code(bad))
        except TooLarge:
            detail = _("The request body is too large: at most %(kb)d KB.") % {
                "kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
            }
            return refusal(request, 413, detail, TOO_LARGE_CODE)
        return self.get_response(request)


def _code(bad: BadText) -> str:
    return NUL_CODE if bad.fault == "nul" else ENCODING_CODE

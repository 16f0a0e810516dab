"""The guests' pages: the booking page at /r/<slug>/ and the manage page of a booking.

The booking page is one URL whose query (`party`, `date`, `time`, `month`) says how far the
guest has come; each step is a link (and an htmx swap of `#steps`), so every step works
without JavaScript and can be shared. Nobody signs in: the forms carry no session, so they are
checked for their origin instead of a CSRF cookie (which a browser would not send to a page
framed on the restaurant's own site), and the manage page's authority is its signed link.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode, urlsplit

from csp.constants import NONE
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bookings.exceptions import BookingInvalid, SlotFull
from bookings.forms import parse_date, parse_month
from bookings.ics import booking_ics
from bookings.models import Booking
from bookings.public import limits, links, selectors
from bookings.public.forms import ChangeForm, GuestDetailsForm, started_token
from bookings.public.services import (
    ChangeClosed,
    call_message,
    can_change_online,
    change_deadline,
    online_booking_cancel,
    online_booking_change,
    online_booking_create,
)
from restaurants.models import Restaurant

logger = logging.getLogger(__name__)

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


# --- Decorators --------------------------------------------------------------------------------


def public_language(view: Callable) -> Callable:
    """The browser's language, or the one chosen with `?lang=` (kept in every link of the page:
    a cookie would not reach a page framed on another site)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        chosen = request.GET.get("lang") or request.POST.get("lang")
        if chosen in LANGUAGE_CODES:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        request.public_lang = chosen if chosen in LANGUAGE_CODES else ""
        response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    return wrapped


def frame_for(response: HttpResponse, restaurant: Restaurant | None) -> HttpResponse:
    """Let the restaurant's own sites (and only them) frame this page: CSP `frame-ancestors`."""
    origins = restaurant.frame_origins if restaurant is not None else []
    if origins:
        response._csp_replace = {"frame-ancestors": origins}
        response.xframe_options_exempt = True
    else:
        response._csp_replace = {"frame-ancestors": [NONE]}
    return response


def same_origin_post(view: Callable) -> Callable:
    """A form of these pages may only be posted from these pages: a browser names the page a
    form came from (`Origin`, else `Referer`); another site's is refused. There is no session
    to ride, so no CSRF cookie is needed, and none is set for a framed page to lose."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        source = request.headers.get("Origin") or request.headers.get("Referer") or ""
        if source and source != "null":
            parts = urlsplit(source)
            if f"{parts.scheme}://{parts.netloc}" != f"{request.scheme}://{request.get_host()}":
                return HttpResponseForbidden(_("This form must be sent from its own page."))
        return view(request, *args, **kwargs)

    return wrapped


def limited(request: HttpRequest, exc: limits.Limited, restaurant: Restaurant) -> HttpResponse:
    minutes = max(1, round(exc.retry_after / 60))
    template = "bookings/public/limited.html"
    if request.htmx:
        template += "#limited"
    response = render(
        request,
        template,
        {"restaurant": restaurant, "minutes": minutes, "call": call_message(restaurant)},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return frame_for(response, restaurant)


# --- The steps ---------------------------------------------------------------------------------


def _url(base: str, lang: str, **params: object) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if lang:
        query["lang"] = lang
    return f"{base}?{urlencode(query)}" if query else base


def _party(value: str | None) -> int | None:
    try:
        party = int(value or "")
    except ValueError:
        return None
    return party if party >= 1 else None


def steps(request: HttpRequest, restaurant: Restaurant, base: str) -> dict:
    """Where the guest is: the step to show and what it needs, from the query."""
    lang = getattr(request, "public_lang", "")
    query = request.GET
    party = _party(query.get("party"))
    date = parse_date(query.get("date"))
    time_slot = query.get("time", "")
    today = restaurant.today()
    ctx: dict = {
        "party": party,
        "date": date,
        "time_slot": time_slot,
        "max_party": restaurant.online_max_party,
        "party_choices": [
            {"n": n, "url": _url(base, lang, party=n)}
            for n in range(1, restaurant.online_max_party + 1)
        ],
        "call": call_message(restaurant),
        "start_url": _url(base, lang),
    }
    if party is None or party > restaurant.online_max_party:
        ctx["step"] = "party"
        ctx["too_many"] = party is not None
        return ctx
    ctx["party_url"] = _url(base, lang)
    ctx["date_url"] = _url(base, lang, party=party)
    if date is None or not selectors.date_in_window(restaurant, date):
        month = parse_month(query.get("month")) or (
            (date.year, date.month) if date else (today.year, today.month)
        )
        first = selectors.first_online_moment(restaurant).date()
        last = selectors.last_online_date(restaurant)
        if not (dt.date(first.year, first.month, 1) <= dt.date(*month, 1) <= last):
            month = (first.year, first.month)
        grid = selectors.month_days(restaurant=restaurant, party=party, month=month, chosen=date)
        for week in grid["weeks"]:
            for cell in week:
                cell["url"] = _url(base, lang, party=party, date=cell["date"].isoformat())
        prev_month = dt.date(*month, 1) - dt.timedelta(days=1)
        next_month = dt.date(*month, 28) + dt.timedelta(days=7)
        grid["prev_url"] = _url(base, lang, party=party, month=f"{prev_month:%Y-%m}")
        grid["next_url"] = _url(base, lang, party=party, month=f"{next_month:%Y-%m}")
        ctx.update(step="date", grid=grid, date_outside=date is not None)
        return ctx
    times = selectors.online_times(restaurant=restaurant, date=date, party=party)
    ctx["time_url"] = _url(base, lang, party=party, date=date.isoformat())
    if time_slot not in times:
        ctx["step"] = "time"
        ctx["times"] = [
            {"time": t, "url": _url(base, lang, party=party, date=date.isoformat(), time=t)}
            for t in times
        ]
        ctx["time_taken"] = bool(time_slot)
        if time_slot and times:
            ctx["nearest"] = [
                t for t in ctx["times"] if t["time"] in selectors.nearest_times(times, time_slot)
            ]
        if not times:
            ctx["other_dates"] = [
                {"date": d, "url": _url(base, lang, party=party, date=d.isoformat())}
                for d in selectors.nearest_open_dates(restaurant=restaurant, date=date, party=party)
            ]
        return ctx
    ctx["step"] = "details"
    return ctx


def _render_page(
    request: HttpRequest, restaurant: Restaurant, ctx: dict, *, status: int = 200
) -> HttpResponse:
    template = "bookings/public/page.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#steps"
    ctx = {
        **ctx,
        "restaurant": restaurant,
        "lang": getattr(request, "public_lang", ""),
        "lang_urls": _lang_urls(request),
        "embed_script": request.build_absolute_uri(static("js/embed.js")),
    }
    response = render(request, template, ctx, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return frame_for(response, restaurant)


def _lang_urls(request: HttpRequest) -> list[dict]:
    query = request.GET.copy()
    urls = []
    for code, _name in settings.LANGUAGES:
        query["lang"] = code
        urls.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": f"{request.path}?{query.urlencode()}",
                "current": code == translation.get_language(),
            }
        )
    return urls


def _details_form(ctx: dict, data=None) -> GuestDetailsForm:
    if data is not None:
        return GuestDetailsForm(data)
    return GuestDetailsForm(
        initial={
            "party_size": ctx["party"],
            "date": ctx["date"],
            "time_slot": ctx["time_slot"],
            "started": started_token(),
        }
    )


@require_GET
@public_language
def booking_page(request: HttpRequest, slug: str) -> HttpResponse:
    restaurant = selectors.online_restaurant(slug)
    base = reverse("public:page", args=[slug])
    ctx = steps(request, restaurant, base)
    if ctx["step"] == "details":
        ctx["form"] = _details_form(ctx)
    return _render_page(request, restaurant, ctx)


@require_POST
@same_origin_post
@public_language
def booking_submit(request: HttpRequest, slug: str) -> HttpResponse:
    """The details step, sent: checks, limits, then the booking core; the confirmation."""
    restaurant = selectors.online_restaurant(slug)
    base = reverse("public:page", args=[slug])
    form = _details_form({}, request.POST)
    valid = form.is_valid()
    data = form.cleaned_data
    # The steps as the form says, so a refused form shows its own date and time again.
    request.GET = request.GET.copy()
    request.GET.update(
        {
            "party": request.POST.get("party_size", ""),
            "date": request.POST.get("date", ""),
            "time": request.POST.get("time_slot", ""),
        }
    )
    if form.is_bot:
        logger.info("Public booking refused: honeypot filled (restaurant %s)", restaurant.pk)
        form.add_error(None, _("Your booking could not be sent. Please try again."))
        valid = False
    elif valid and form.too_fast():
        form.add_error(
            None, _("That was very quick. Please check your details and send the form again.")
        )
        valid = False
    try:
        limits.hit("booking-ip", limits.client_address(request))
        if valid:
            phone_key = _phone_key(restaurant, data["phone"])
            limits.hit("booking-phone", phone_key)
            limits.hit("booking-phone-day", phone_key)
    except limits.Limited as exc:
        return limited(request, exc, restaurant)
    if valid:
        try:
            booking = online_booking_create(
                restaurant=restaurant,
                date=data["date"],
                time_slot=data["time_slot"],
                party_size=data["party_size"],
                client_name=data["client_name"],
                phone=data["phone"],
                email=data["email"],
                notes=data["notes"],
            )
        except BookingInvalid as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except SlotFull:
            # Taken meanwhile: back to the times, with the nearest ones offered.
            ctx = steps(request, restaurant, base)
            ctx["just_taken"] = True
            return _render_page(request, restaurant, ctx, status=409)
        else:
            target = (
                links.manage_url(booking)
                + "?"
                + urlencode(
                    {"booked": 1, **({"lang": request.public_lang} if request.public_lang else {})}
                )
            )
            if request.htmx:
                return HttpResponseClientRedirect(target)
            return HttpResponseRedirect(target)
    ctx = steps(request, restaurant, base)
    if ctx["step"] != "details":
        return _render_page(request, restaurant, ctx, status=400)
    form.data = form.data.copy()
    form.data["started"] = started_token()
    ctx["form"] = form
    return _render_page(request, restaurant, ctx, status=400)


def _phone_key(restaurant: Restaurant, phone: str) -> str:
    """One phone, however it is typed: E.164 when it reads as a number."""
    from bookings.fields import normalize_phone

    try:
        return normalize_phone(phone, country=restaurant.country)
    except BookingInvalid:
        return phone.strip()


# --- Manage ------------------------------------------------------------------------------------


def _manage_context(request: HttpRequest, booking: Booking) -> dict:
    restaurant = booking.restaurant
    token = links.manage_token(booking)
    lang = getattr(request, "public_lang", "")
    return {
        "booking": booking,
        "restaurant": restaurant,
        "reference": links.reference(booking),
        "token": token,
        "manage_url": request.build_absolute_uri(_url(links.manage_url(booking), "")),
        "ics_url": _url(reverse("public:ics", args=[token]), lang),
        "can_change": can_change_online(booking),
        "deadline": change_deadline(booking).astimezone(restaurant.tz),
        "call": call_message(restaurant),
        "lang": lang,
        "lang_urls": _lang_urls(request),
        "booked": request.GET.get("booked") == "1",
    }


@require_GET
@public_language
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The guest's booking: its details, the calendar file, and changes until the cutoff."""
    booking = links.booking_for_token(token)
    ctx = _manage_context(request, booking)
    if ctx["can_change"] and request.GET.get("change") == "1":
        ctx.update(_change_steps(request, booking))
    return _render_manage(request, booking, ctx)


def _change_steps(request: HttpRequest, booking: Booking) -> dict:
    """The booking page's steps, for a move: the booking's own party is marked."""
    base = reverse("public:manage", args=[links.manage_token(booking)])
    ctx = steps(request, booking.restaurant, base)
    ctx["current_party"] = booking.party_size
    # Every link of the steps keeps the change open.
    for key in ("party_url", "date_url", "time_url", "start_url"):
        if key in ctx:
            ctx[key] = _with_change(ctx[key])
    for item in ctx.get("party_choices", []):
        item["url"] = _with_change(item["url"])
    for item in [*ctx.get("times", []), *ctx.get("other_dates", [])]:
        item["url"] = _with_change(item["url"])
    for week in ctx.get("grid", {}).get("weeks", []):
        for cell in week:
            cell["url"] = _with_change(cell["url"])
    if "grid" in ctx:
        ctx["grid"]["prev_url"] = _with_change(ctx["grid"]["prev_url"])
        ctx["grid"]["next_url"] = _with_change(ctx["grid"]["next_url"])
    return {"changing": True, **ctx}


def _with_change(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "change=1"


def _render_manage(
    request: HttpRequest, booking: Booking, ctx: dict, *, status: int = 200
) -> HttpResponse:
    template = "bookings/public/manage.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#manage"
    response = render(request, template, ctx, status=status)
    patch_vary_headers(response, ("HX-Request",))
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: never pass it on
    return frame_for(response, booking.restaurant)


def _back_to_manage(request: HttpRequest, booking: Booking, **params: str) -> HttpResponse:
    lang = getattr(request, "public_lang", "")
    target = _url(links.manage_url(booking), lang, **params)
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)


@require_POST
@same_origin_post
@public_language
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = links.booking_for_token(token)
    try:
        online_booking_cancel(booking=booking)
    except ChangeClosed as exc:
        ctx = _manage_context(request, booking)
        ctx["error"] = _("This booking can no longer be changed online. %(call)s") % {
            "call": str(exc)
        }
        return _render_manage(request, booking, ctx, status=409)
    return _back_to_manage(request, booking, cancelled="1")


@require_POST
@same_origin_post
@public_language
def manage_change(request: HttpRequest, token: str) -> HttpResponse:
    booking = links.booking_for_token(token)
    form = ChangeForm(request.POST)
    status = 400
    if not form.is_valid():
        error = _("Choose the party, the date and a time offered.")
    else:
        try:
            online_booking_change(booking=booking, **form.cleaned_data)
        except ChangeClosed as exc:
            error = _("This booking can no longer be changed online. %(call)s") % {"call": str(exc)}
            status = 409
        except BookingInvalid as exc:
            error = str(exc)
        except SlotFull:
            error = _("That time was just taken. Please choose another.")
            status = 409
        else:
            return _back_to_manage(request, booking, changed="1")
    ctx = _manage_context(request, booking)
    ctx["error"] = error
    return _render_manage(request, booking, ctx, status=status)


@require_GET
@public_language
def manage_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The booking as a calendar file ("add to calendar")."""
    booking = links.booking_for_token(token)
    body = booking_ics(booking, manage_url=request.build_absolute_uri(links.manage_url(booking)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response

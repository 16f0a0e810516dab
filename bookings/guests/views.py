"""The guest book's pages: the searchable list, a guest's profile with history, merge and
forget (managers, after a confirmation page), the booking dialog's suggestions, and the CSV
exports (managers). Every change goes through `bookings.guests.services`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bookings import export
from bookings.exceptions import BookingInvalid
from bookings.forms import ExportRangeForm, GuestForm
from bookings.guests.selectors import (
    guest_bookings,
    guest_suggestions,
    guest_with_history,
    guests_with_history,
)
from bookings.guests.services import TAG_CHOICES, guest_forget, guest_merge, guest_update
from bookings.models import Guest
from restaurants.current import PageRequest, manager_required, restaurant_required

PAGE_SIZE = 25
SEARCH_MAX = 100


def _guest_or_404(request: PageRequest, pk: int) -> Guest:
    """A guest of the current restaurant with their history; anyone else's is a 404."""
    guest = guest_with_history(restaurant=request.restaurant, guest_id=pk)
    if guest is None:
        raise Http404(_("No such guest."))
    return guest


@require_GET
@restaurant_required
def guest_list(request: PageRequest) -> HttpResponse:
    """Guests with their visits, searched as the host types; an HTMX request gets the results."""
    restaurant = request.restaurant
    search = request.GET.get("q", "")[:SEARCH_MAX]
    tag = request.GET.get("tag", "")[:SEARCH_MAX]
    paginator = Paginator(
        guests_with_history(restaurant=restaurant, search=search, tag=tag), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))

    def page_url(number: int) -> str:
        params = {k: v for k, v in (("q", search), ("tag", tag)) if v}
        params["page"] = str(number)
        return f"{reverse('bookings:guests')}?{urlencode(params)}"

    context = {
        "page_obj": page,
        "guests": page.object_list,
        "search": search,
        "tag": tag,
        "tag_choices": TAG_CHOICES,
        "prev_url": page_url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": page_url(page.next_page_number()) if page.has_next() else "",
        "export_range": export.export_range(restaurant=restaurant, start=None, end=None),
    }
    template = "bookings/guests/list.html"
    if request.htmx and request.htmx.target == "guest-results":
        template += "#guest-results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _profile(request: PageRequest, guest: Guest, form: GuestForm | None = None, status=200):
    if form is None:
        known = [t for t in guest.tags if t in TAG_CHOICES]
        form = GuestForm(
            initial={
                "name": guest.name,
                "phone": guest.phone,
                "email": guest.email,
                "notes": guest.notes,
                "tags": known,
                "other_tags": ", ".join(t for t in guest.tags if t not in TAG_CHOICES),
            }
        )
    template = "bookings/guests/detail.html"
    # A booking opened here and changed (or changed elsewhere): the counts and the history
    # refresh themselves; the form being filled in is left alone.
    if request.htmx and request.htmx.target in ("guest-stats", "guest-history"):
        template += f"#{request.htmx.target}"
    response = render(
        request,
        template,
        {"guest": guest, "form": form, "bookings": guest_bookings(guest=guest)[:200]},
        status=status,
    )
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_http_methods(["GET", "POST"])
@restaurant_required
def guest_detail(request: PageRequest, pk: int) -> HttpResponse:
    """A guest's profile: details, notes and tags (hosts and managers edit), and history."""
    guest = _guest_or_404(request, pk)
    if request.method == "GET":
        return _profile(request, guest)
    form = GuestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            guest_update(
                guest=guest,
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                notes=data["notes"],
                tags=form.all_tags(),
            )
        except BookingInvalid as exc:
            field = {"tags": "other_tags"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("bookings:guest", pk=guest.pk)
    guest = _guest_or_404(request, pk)  # the saved values, not the refused ones
    return _profile(request, guest, form)


@require_http_methods(["GET", "POST"])
@manager_required()
def guest_merge_view(request: PageRequest, pk: int) -> HttpResponse:
    """Managers merge a duplicate into this guest: pick one, confirm, and its bookings move."""
    guest = _guest_or_404(request, pk)
    other = None
    raw_other = request.POST.get("other") or request.GET.get("other") or ""
    if raw_other.isdigit() and len(raw_other) < 19:
        other = guest_with_history(restaurant=request.restaurant, guest_id=int(raw_other))
        if other is not None and other.pk == guest.pk:
            other = None
    if request.method == "POST":
        if other is None:
            messages.error(request, _("Choose another guest to merge with."))
            return redirect("bookings:guest-merge", pk=guest.pk)
        name = other.name
        guest_merge(into=guest, other=other)
        messages.success(
            request, _("%(other)s is merged into this guest.") % {"other": name or "—"}
        )
        return redirect("bookings:guest", pk=guest.pk)
    search = request.GET.get("q", "")[:SEARCH_MAX]
    candidates = []
    if other is None:
        pool = guests_with_history(restaurant=request.restaurant, search=search or guest.name)
        candidates = list(pool.exclude(pk=guest.pk)[:20])
    context = {"guest": guest, "other": other, "search": search, "candidates": candidates}
    template = "bookings/guests/merge.html"
    if request.htmx and request.htmx.target == "merge-candidates":
        template += "#merge-candidates"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_http_methods(["GET", "POST"])
@manager_required()
def guest_forget_view(request: PageRequest, pk: int) -> HttpResponse:
    """Managers erase a guest on request, after a confirmation page saying what happens."""
    guest = _guest_or_404(request, pk)
    if request.method == "POST":
        count = guest_forget(guest=guest)
        messages.success(
            request,
            _("The guest is forgotten; %(count)d bookings were anonymized.") % {"count": count},
        )
        return redirect("bookings:guests")
    return render(request, "bookings/guests/forget.html", {"guest": guest})


@require_GET
@restaurant_required
def guest_suggest(request: PageRequest) -> HttpResponse:
    """Known guests for the booking dialog, by what was typed in its phone or name field."""
    query = (request.GET.get("phone") or request.GET.get("client_name") or "")[:SEARCH_MAX]
    guests = guest_suggestions(restaurant=request.restaurant, query=query)
    return render(request, "bookings/guests/suggestions.html", {"guests": guests, "query": query})


@require_GET
@manager_required()
def export_guests(request: PageRequest) -> HttpResponse:
    return export.guests_csv(request.restaurant)


@require_GET
@manager_required()
def export_bookings(request: PageRequest) -> HttpResponse:
    form = ExportRangeForm.from_query(request.GET)
    error = None
    if form.is_valid():
        try:
            start, end = export.export_range(
                restaurant=request.restaurant,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except BookingInvalid as exc:
            error = str(exc)
        else:
            return export.bookings_csv(request.restaurant, start, end)
    else:
        error = _("Enter the dates as YYYY-MM-DD.")
    messages.error(request, error)
    return redirect(reverse("bookings:guests") + "#export")

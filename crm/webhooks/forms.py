from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.outbox.models import PUBLIC_KINDS, EventKind


class EndpointAddForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("Where to POST each event; https:// only."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(k, EventKind(k).label) for k in PUBLIC_KINDS],
        widget=forms.CheckboxSelectMultiple,
        initial=list(PUBLIC_KINDS),
        error_messages={"required": _("Choose at least one event.")},
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

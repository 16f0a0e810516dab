"""Input parsing for the Settings page; `restaurant_update_settings` validates and saves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from restaurants.models import MAX_TABLES, Restaurant, Table, VisitLength
from restaurants.personas import PERSONA_CHOICES


class SettingsForm(forms.Form):
    name = forms.CharField(label=_("Restaurant name"), max_length=120)
    # An empty field clears the setting to null, as a null in the API does.
    host_choice = forms.TypedChoiceField(
        label=_("AI host persona"),
        required=False,
        choices=[("", _("Default (Anna)")), *PERSONA_CHOICES],
        empty_value=None,
    )
    greeting_text = forms.CharField(
        label=_("Greeting"),
        required=False,
        empty_value=None,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The AI host's first words to a guest."),
    )
    info_text = forms.CharField(
        label=_("Information for guests"),
        required=False,
        empty_value=None,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Address, menu, parking — what the AI host may tell guests."),
    )
    default_table_count = forms.IntegerField(label=_("Tables"), min_value=1, max_value=MAX_TABLES)
    opening_time = forms.TimeField(
        label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    closing_time = forms.TimeField(
        label=_("Closes at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("00:00 means midnight. The last slot ends by closing time."),
    )
    slot_minutes = forms.IntegerField(
        label=_("Slot length, minutes"),
        min_value=15,
        max_value=240,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    reminder_hours = forms.IntegerField(
        label=_("Reminder, hours before"),
        required=False,
        min_value=1,
        max_value=168,
        help_text=_("E-mail guests a reminder this many hours before their visit. Empty: none."),
    )


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    table_count = forms.IntegerField(
        label=_("Tables"),
        min_value=0,
        max_value=MAX_TABLES,
        help_text=_("0 closes the restaurant for bookings that day."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class OverrideDeleteForm(forms.Form):
    date = forms.DateField()


class SwitchForm(forms.Form):
    restaurant = forms.IntegerField()
    next = forms.CharField(required=False)


class TableForm(forms.ModelForm):
    class Meta:
        model = Table
        fields = [
            "name",
            "min_seats",
            "max_seats",
            "area",
            "combination_group",
            "position",
            "is_active",
        ]


class VisitLengthForm(forms.ModelForm):
    class Meta:
        model = VisitLength
        fields = ["up_to_party", "minutes"]


TableFormSet = forms.modelformset_factory(Table, form=TableForm, extra=1, can_delete=True)
VisitLengthFormSet = forms.modelformset_factory(
    VisitLength, form=VisitLengthForm, extra=1, can_delete=True
)


class PacingForm(forms.Form):
    pacing_covers = forms.IntegerField(
        label=_("Pacing: most guests starting at one time"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Keeps the kitchen from 40 covers at 19:00. Empty: no limit."),
    )


class OnlineBookingForm(forms.ModelForm):
    """The guests' booking page: on or off, its address and its rules."""

    class Meta:
        model = Restaurant
        fields = [
            "online_booking",
            "slug",
            "public_phone",
            "online_min_notice_minutes",
            "online_days_ahead",
            "online_max_party",
            "online_change_cutoff_minutes",
            "online_policy_text",
            "online_frame_origins",
        ]
        widgets = {
            "online_policy_text": forms.Textarea(attrs={"rows": 3}),
            "online_frame_origins": forms.Textarea(
                attrs={"rows": 2, "placeholder": "https://www.example.com"}
            ),
            "online_min_notice_minutes": forms.NumberInput(attrs={"step": 15}),
            "online_change_cutoff_minutes": forms.NumberInput(attrs={"step": 15}),
        }

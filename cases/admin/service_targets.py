"""The service-target configuration in the staff site: the targets per priority and category
(`SlaPolicy`), the business-hours calendars (`BusinessHours`), and their read-only history.

Durations are entered and shown as an amount and a unit ("4 hours", "15 days"), never as
"4:00:00". Every save goes through `cases.services.sla_config` with a reason kept in the
history; nothing is deleted (the history stays whole), and there is no revert (we do not use
SimpleHistoryAdmin, whose revert view a view-only user can POST to).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.lib.clock_words import duration_words, moment_words
from cases.models import BusinessHours, SlaPolicy
from cases.selectors.clocks import business_hours_list, config_history, sla_policy_list
from cases.services.sla_config import (
    business_hours_errors,
    business_hours_save,
    sla_policy_errors,
    sla_policy_save,
)

UNITS = [
    ("minutes", gettext_lazy("minutes")),
    ("hours", gettext_lazy("hours")),
    ("days", gettext_lazy("days")),
]
UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400}
WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]
REASON_HELP = gettext_lazy("Kept in the history with your name. Applies to clocks started after.")


def duration_parts(value: timedelta | None) -> tuple[int | None, str]:
    """A target as (amount, unit) in the largest whole unit: (4, hours), (15, days)."""
    if value is None:
        return None, "hours"
    seconds = int(value.total_seconds())
    for unit in ("days", "hours"):
        if seconds and seconds % UNIT_SECONDS[unit] == 0:
            return seconds // UNIT_SECONDS[unit], unit
    return seconds // 60, "minutes"


class TargetWidget(forms.MultiWidget):
    template_name = "cases/deadlines/target_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            [forms.NumberInput(attrs={"min": 1, "step": 1}), forms.Select(choices=UNITS)], attrs
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str):
            value = forms.DurationField().to_python(value)
        return list(duration_parts(value)) if value else [None, "hours"]


class TargetField(forms.MultiValueField):
    """A length of time as an amount and a unit."""

    widget = TargetWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = [
            forms.IntegerField(min_value=1, max_value=100_000),
            forms.ChoiceField(choices=UNITS),
        ]
        super().__init__(fields=fields, require_all_fields=True, **kwargs)

    def compress(self, data_list: list[Any]) -> timedelta | None:
        if not data_list:
            return None
        amount, unit = data_list
        return timedelta(seconds=amount * UNIT_SECONDS[unit])


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason for this change"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=REASON_HELP,
    )


class _ServiceErrorsMixin:
    """Runs the service's own checks after the model's, so every refusal shows on its field."""

    service_errors: Any = None

    def validate_unique(self) -> None:
        # The service's checks name the clash in words (one target per priority and category,
        # one calendar per name); the model's generic message would come first otherwise.
        return None

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:  # type: ignore[attr-defined]
            return
        for name, messages in type(self).service_errors(self.instance).items():  # type: ignore[attr-defined]
            for message in messages:
                self.add_error(name if name in self.fields else None, message)  # type: ignore[attr-defined]


class SlaPolicyForm(_ServiceErrorsMixin, forms.ModelForm):
    service_errors = staticmethod(sla_policy_errors)
    first_response = TargetField(label=gettext_lazy("First response within"))
    next_response = TargetField(
        label=gettext_lazy("Next response within"),
        help_text=gettext_lazy("After each message from the customer."),
    )
    resolution = TargetField(label=gettext_lazy("Resolution within"))
    change_reason = _reason_field()

    def _get_validation_exclusions(self) -> set[str]:
        # Leaves the (priority, category) constraint to `sla_policy_errors`, which says in
        # words which target to change instead; the form field still checks the choice.
        return {*super()._get_validation_exclusions(), "category"}

    class Meta:
        model = SlaPolicy
        fields = [
            "priority",
            "category",
            "first_response",
            "next_response",
            "resolution",
            "warn_at_percent",
        ]


class BusinessHoursForm(_ServiceErrorsMixin, forms.ModelForm):
    service_errors = staticmethod(business_hours_errors)
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Working days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    change_reason = _reason_field()

    class Meta:
        model = BusinessHours
        fields = ["name", "time_zone", "country", "subdivision", "opens", "closes", "weekdays"]
        widgets = {
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "time_zone": gettext_lazy("A name like Europe/London or America/New_York."),
            "closes": gettext_lazy("00:00 means until midnight."),
        }


class _HistoryAdmin(admin.ModelAdmin):
    """Saved through a service with a reason; no deletion, no LogEntry copy, and a read-only
    history page of our own instead of Django's log."""

    history_title = ""

    class Media:
        css = {"all": ["cases/deadlines.css"]}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:
        return None

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = (
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        if obj is None:
            raise Http404
        rows = [
            {
                "when": moment_words(record.history_date),
                "who": record.history_user.get_username()
                if record.history_user
                else record.history_actor or "—",
                "why": record.history_change_reason or "",
                "created": record.history_type == "+",
                "changes": [
                    (self._field_label(name), self._value(name, old), self._value(name, new))
                    for name, old, new in changes
                ],
            }
            for record, changes in config_history(instance=obj)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.history_title % {"name": obj},
            "rows": rows,
            "object": obj,
        }
        return render(request, "cases/deadlines/config_history.html", context)

    def _field_label(self, name: str) -> str:
        try:
            return str(self.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a field dropped since the record was written
            return name

    def _value(self, name: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        if isinstance(value, timedelta):
            return duration_words(value)
        try:
            model_field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return str(value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if name == "weekdays":
            return weekdays_words(value)
        if name in ("opens", "closes"):
            return f"{value:%H:%M}" if hasattr(value, "hour") else str(value)
        return str(value)


def weekdays_words(days: Any) -> str:
    days = sorted({int(d) for d in days or []})
    names = dict(WEEKDAYS)
    if days == [0, 1, 2, 3, 4]:
        return _("Monday to Friday")
    if days == list(range(7)):
        return _("Every day")
    return ", ".join(str(names[d]) for d in days if d in names)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(_HistoryAdmin):
    form = SlaPolicyForm
    history_title = gettext_lazy("History of the service target %(name)s")
    list_display = [
        "priority",
        "category_words",
        "first_response_words",
        "next_response_words",
        "resolution_words",
        "warn_words",
    ]
    list_display_links = ["priority", "category_words"]
    list_filter = ["priority", "category"]
    ordering = ["priority", "category"]

    def get_queryset(self, request: HttpRequest):
        return sla_policy_list()

    @admin.display(description=gettext_lazy("category"), ordering="category")
    def category_words(self, obj: SlaPolicy) -> str:
        return obj.get_category_display() if obj.category else _("Every category")

    @admin.display(description=gettext_lazy("first response within"))
    def first_response_words(self, obj: SlaPolicy) -> str:
        return duration_words(obj.first_response)

    @admin.display(description=gettext_lazy("next response within"))
    def next_response_words(self, obj: SlaPolicy) -> str:
        return duration_words(obj.next_response)

    @admin.display(description=gettext_lazy("resolution within"), ordering="resolution")
    def resolution_words(self, obj: SlaPolicy) -> str:
        return duration_words(obj.resolution)

    @admin.display(description=gettext_lazy("warning at"))
    def warn_words(self, obj: SlaPolicy) -> str:
        return _("%(n)s %% of the time") % {"n": obj.warn_at_percent}

    def save_model(self, request: HttpRequest, obj: SlaPolicy, form: Any, change: bool) -> None:
        sla_policy_save(policy=obj, actor=request.user, reason=form.cleaned_data["change_reason"])


@admin.register(BusinessHours)
class BusinessHoursAdmin(_HistoryAdmin):
    form = BusinessHoursForm
    history_title = gettext_lazy("History of the business hours %(name)s")
    list_display = ["name", "hours_words", "days_words", "time_zone", "holidays_words", "teams"]
    ordering = ["name"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest):
        return business_hours_list()

    @admin.display(description=gettext_lazy("hours"))
    def hours_words(self, obj: BusinessHours) -> str:
        closes = (
            "24:00" if obj.closes.hour == 0 and obj.closes.minute == 0 else f"{obj.closes:%H:%M}"
        )
        return _("%(opens)s to %(closes)s") % {"opens": f"{obj.opens:%H:%M}", "closes": closes}

    @admin.display(description=gettext_lazy("working days"))
    def days_words(self, obj: BusinessHours) -> str:
        return weekdays_words(obj.weekdays)

    @admin.display(description=gettext_lazy("public holidays of"))
    def holidays_words(self, obj: BusinessHours) -> str:
        return f"{obj.country} ({obj.subdivision})" if obj.subdivision else obj.country

    @admin.display(description=gettext_lazy("teams"))
    def teams(self, obj: BusinessHours) -> str:
        names = [(t.name,) for t in obj.teams.all()]
        return format_html_join(", ", "{}", names) if names else "—"

    def save_model(self, request: HttpRequest, obj: BusinessHours, form: Any, change: bool) -> None:
        business_hours_save(
            hours=obj, actor=request.user, reason=form.cleaned_data["change_reason"]
        )

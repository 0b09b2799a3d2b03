"""API serializers of the meetings app that the generated ones cannot express."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from openmis.core.api import ObjectSerializer
from openmis.meetings import recurrence
from openmis.meetings.forms import SERIES_FIELDS
from openmis.meetings.models import MeetingSeries

M2M = ("attendees", "client_attendees")


class WeekdaysField(serializers.ListField):
    """Weekdays as a list of codes (``["MO", "TH"]``); a string ``"MO,TH"`` is read too."""

    child = serializers.ChoiceField(choices=recurrence.WEEKDAY_CODES)

    def to_representation(self, data):
        if isinstance(data, str):
            data = [d for d in data.split(",") if d]
        return super().to_representation(data)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [d.strip() for d in data.split(",") if d.strip()]
        chosen = set(super().to_internal_value(data))
        return ",".join(code for code in recurrence.WEEKDAY_CODES if code in chosen)


class MeetingSeriesSerializer(ObjectSerializer):
    """A meeting series; its people are set after the series itself is saved."""

    weekdays = WeekdaysField(
        required=False,
        allow_empty=True,
        help_text=_("Weekly: the days of the week; monthly: the weekday of week_of_month."),
    )

    class Meta:
        model = MeetingSeries
        fields = ["id", "display", *SERIES_FIELDS, "version", "created", "updated"]
        read_only_fields = ["version", "created", "updated"]

    def apply_to(self, instance):
        data = dict(self.validated_data)
        self._m2m = {name: data.pop(name) for name in M2M if name in data}
        for key, value in data.items():
            setattr(instance, key, value)
        return instance

    def after_save(self, instance):
        for name, value in getattr(self, "_m2m", {}).items():
            getattr(instance, name).set(value)

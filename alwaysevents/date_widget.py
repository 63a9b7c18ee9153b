"""The NHS date input: day, month and year in three boxes (the NHS service manual's pattern).

`DateParts` is a widget for Django's `DateField`. What it hands the field is one ISO date string,
so the field's own parsing and its messages are unchanged; a post that names the field itself
(`period=2026-01-05`, as the API, old bookmarks and tests send) is read as before.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms

ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


class DateParts(forms.MultiWidget):
    """Three numeric boxes, named `<name>_day`, `<name>_month` and `<name>_year`."""

    # In alwaysevents/templates/, where Django's form renderer looks.
    template_name = "nhsuk/widgets/date_parts.html"
    # The boxes' ids are `<id>_0`, `<id>_1` and `<id>_2`: the error summary links to the day.

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            suffix: forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": f"nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}",
                    "autocomplete": "off",
                }
            )
            for suffix, _label, width in PARTS
        }
        super().__init__(boxes, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str):  # as typed, a date or not: shown again in its boxes
            found = ISO.match(value.strip())
            if found:
                year, month, day = found.groups()
                return [int(day), int(month), int(year)]
            if "/" in value:
                return [*value.split("/", 2), "", ""][:3]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:  # the whole date in one value: the API's shape, and old links
            return data.get(name)
        day, month, year = (str(data.get(f"{name}_{suffix}", "")).strip() for suffix, *_ in PARTS)
        if not (day or month or year):
            return ""
        if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
            return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        return f"{day}/{month}/{year}"  # not a date: the field says so in its own words

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and all(f"{name}_{suffix}" not in data for suffix, *_ in PARTS)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        refused = (attrs or {}).get("aria-invalid") == "true"  # Django marks a field in error
        subwidgets = context["widget"]["subwidgets"]
        for sub, (_suffix, label, _width) in zip(subwidgets, PARTS, strict=True):
            sub["part_label"] = label
            if refused:
                sub["attrs"]["class"] += " nhsuk-input--error"
        return context


class DatePartsField(forms.DateField):
    """A `DateField` drawn as three boxes; its messages name it (alwaysevents.form_messages)."""

    widget = DateParts

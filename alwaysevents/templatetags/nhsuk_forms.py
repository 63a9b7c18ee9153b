"""What the NHS crispy template pack (templates/nhsuk/) needs to draw one field.

`nhsuk_field(field)` describes a bound field: its kind (input, textarea, select, radios,
checkboxes, checkbox, date, file, hidden), its ids, whether it says "(optional)", and its widget
drawn with the NHS classes and `aria-describedby` naming the hint and the error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from alwaysevents.date_widget import DateParts

register = template.Library()

OPTIONAL = "(optional)"
# Long text gets a character count when its limit is at least this long.
COUNT_FROM = 100


@dataclass(frozen=True)
class FieldView:
    field: BoundField
    kind: str
    hint_id: str
    error_id: str
    count_id: str
    max_length: int | None
    optional: bool
    widget: SafeString

    @property
    def label(self) -> str:
        return str(self.field.label or "")


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, DateParts):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect: first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


CLASSES = {
    "input": "nhsuk-input",
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
    "file": "nhsuk-file-upload__input",
    "checkbox": "nhsuk-checkboxes__input",
    "date": "",
    "hidden": "",
}


def _is_optional(field: BoundField, kind: str) -> bool:
    """An optional field says so after its label; a required one says nothing. A single
    checkbox is never "optional": leaving it unticked is an answer. A form whose fields are all
    filters sets `marks_optional = False`."""
    if field.field.required or kind in ("checkbox", "hidden"):
        return False
    if not getattr(field.form, "marks_optional", True):  # a filter form: every filter is optional
        return False
    return OPTIONAL not in str(field.label or "").lower()


@register.simple_tag
def nhsuk_field(field: BoundField) -> FieldView:
    kind = _kind(field)
    auto_id = field.auto_id or field.html_name
    hint_id = f"{auto_id}_helptext" if field.help_text else ""
    error_id = f"{auto_id}-error" if field.errors else ""
    max_length = getattr(field.field, "max_length", None)
    counted = kind == "textarea" and max_length is not None and max_length >= COUNT_FROM
    count_id = f"{auto_id}-info" if counted else ""
    described = " ".join(i for i in (count_id, hint_id, error_id) if i)
    widget = SafeString("")
    if kind not in ("radios", "checkboxes"):
        attrs: dict[str, Any] = {}
        css = CLASSES[kind]
        existing = field.field.widget.attrs.get("class", "")
        if kind != "date":
            classes = [css, *(c for c in existing.split() if c != css)]
            if field.errors and kind in ("input", "textarea", "select"):
                classes.append(f"{css}--error")  # the modifier last, after a width
            attrs["class"] = " ".join(c for c in classes if c)
            if described:
                attrs["aria-describedby"] = described
        if counted:  # the count says how far over the limit, instead of the browser cutting text
            attrs["class"] += " nhsuk-js-character-count"
            attrs["maxlength"] = False
        widget = field.as_widget(attrs=attrs)
        if kind == "select":  # a picker starts with words, never Django's dashes
            widget = SafeString(widget.replace(">---------</option>", ">Choose one</option>"))
    return FieldView(
        field=field,
        kind=kind,
        hint_id=hint_id,
        error_id=error_id,
        count_id=count_id,
        max_length=max_length if counted else None,
        optional=_is_optional(field, kind),
        widget=widget,
    )

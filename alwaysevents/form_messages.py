"""Error messages in plain words, naming the field, for every form of the app.

Django's defaults ("This field is required.", "Ensure this value is less than or equal to 80.")
name neither the field nor what to do. `PlainMessagesMixin` gives each field of a form messages
written from its label, in the NHS service manual's style ("Enter the aim", "Target must be 100
or less"). A message a form sets itself (a field's `error_messages=`, a model form's
`Meta.error_messages`) is kept: only Django's own wording is replaced.

`DJANGO_DEFAULTS` matches every default message of Django's form fields and validators; the test
that renders every form with invalid input checks that none reaches a person.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from alwaysevents.date_widget import DateParts

UNIT = re.compile(r"\s*\((£|%|optional)\)$", re.IGNORECASE)


def _unit(field: forms.Field) -> tuple[str, str]:
    """What goes before and after a limit: "£" for a label ending "(£)", "%" for "(%)"."""
    found = UNIT.search(str(field.label or ""))
    unit = found.group(1) if found else ""
    return ("£", "") if unit == "£" else ("", "%%") if unit == "%" else ("", "")


def _name(field: forms.Field, name: str) -> str:
    """The field's label as it reads inside a sentence: "the aim", "target"."""
    label = str(field.label or name.replace("_", " ")).strip().rstrip(":?")
    label = UNIT.sub("", label)
    first = label.split(" ", 1)[0]
    if first != "I" and not first[:2].isupper():  # keep "I", NHS, PDSA and SPC as written
        label = label[:1].lower() + label[1:]
    return label


DETERMINERS = {"the", "a", "an", "your", "their", "its", "this", "when", "what", "which"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _required(field: forms.Field, label: str) -> str:
    widget = field.widget
    if isinstance(field, forms.FileField):
        return f"Choose a file for {label}"
    if isinstance(widget, forms.CheckboxInput):
        return f"Tick \u201c{_cap(label)}\u201d to go on"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return f"Select at least one: {label}"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return f"Select {label}"
    if isinstance(widget, DateParts) or isinstance(field, forms.DateField):
        the = "" if label.split(" ", 1)[0].lower() in DETERMINERS else "the "
        return f"Enter {the}{label} (day, month and year)"
    return f"Enter {label}"


def plain_messages(field: forms.Field, name: str) -> dict[str, str]:
    """Messages for `field` in plain words; Django fills in `%(limit_value)s` and the like."""
    label = _name(field, name)
    big = _cap(label)
    before, after = _unit(field)
    messages = {
        "required": _required(field, label),
        "max_length": f"{big} must be %(limit_value)d characters or fewer "
        "(you entered %(show_value)d)",
        "min_length": f"{big} must be at least %(limit_value)d characters "
        "(you entered %(show_value)d)",
        "max_value": f"{big} must be {before}%(limit_value)s{after} or less",
        "min_value": f"{big} must be {before}%(limit_value)s{after} or more",
        "step_size": f"{big} must be a multiple of %(limit_value)s",
        "max_digits": f"{big} must have no more than %(max)s digits",
        "max_decimal_places": f"{big} must have no more than %(max)s decimal places",
        "max_whole_digits": f"{big} must have no more than %(max)s digits before the decimal point",
        "invalid_choice": f"Select one of the choices offered for {label}",
        "invalid_list": f"Select one or more of the choices offered for {label}",
        "invalid_pk_value": f"Select one of the choices offered for {label}",
        "null_characters_not_allowed": f"{big} contains a character that cannot be stored: "
        "remove it and try again",
        "incomplete": f"Enter every part of {label}",
    }
    if isinstance(field, forms.DecimalField | forms.FloatField):  # before IntegerField, their base
        messages["invalid"] = f"{big} must be a number, like 12 or 12.5"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{big} must be a whole number, like 12"
    elif isinstance(field, forms.DateField):
        messages["invalid"] = (
            f"{big} must be a real date, with the day, month and year as numbers, like 27 3 2026"
        )
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the right format, like name@example.nhs.uk"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = "Enter a web address in the right format, like https://www.nhs.uk"
    elif isinstance(field, forms.FileField):
        messages.update(
            invalid=f"The file for {label} could not be read: choose it again",
            missing=f"Choose a file for {label}",
            empty=f"The file chosen for {label} is empty",
            contradiction=f"Either choose a new file for {label} or remove the old one, not both",
        )
    return messages


class PlainMessagesMixin:
    """Every field's messages in plain words (`plain_messages`), unless the form set its own."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.write_plain_messages()

    def full_clean(self) -> None:
        self.write_plain_messages()  # again: a subclass may add fields after our __init__
        super().full_clean()  # type: ignore[misc]

    def write_plain_messages(self) -> None:
        for name, field in self.fields.items():
            plain = plain_messages(field, name)
            for code, message in list(field.error_messages.items()):
                if code in plain and django_default_in(str(message)):
                    field.error_messages[code] = plain[code]
            for code, message in plain.items():
                field.error_messages.setdefault(code, message)


class PlainForm(PlainMessagesMixin, forms.Form):
    """The app's `forms.Form`: messages in plain words."""


class PlainModelForm(PlainMessagesMixin, forms.ModelForm):
    """The app's `forms.ModelForm`: messages in plain words."""


def _pattern(message: str) -> str:
    text = re.escape(str(message))
    # "%(limit_value)s", "%(value)s", "{min_days}" stand for anything.
    text = re.sub(r"%\\\([a-z_]+\\\)[sdr]", ".*", text)
    text = re.sub(r"%\([a-z_]+\)[sdr]", ".*", text)
    text = re.sub(r"\\\{[a-z_]+\\\}", ".*", text)
    return re.sub(r"(character|digit|place)s\b", r"\1s?", text)


# Django's validators' messages (some in singular and plural: matched with or without the "s").
VALIDATOR_MESSAGES = [
    "Ensure this value is less than or equal to %(limit_value)s.",
    "Ensure this value is greater than or equal to %(limit_value)s.",
    "Ensure this value is a multiple of step size %(limit_value)s.",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    "Ensure that there are no more than %(max)s digits in total.",
    "Ensure that there are no more than %(max)s decimal places.",
    "Ensure that there are no more than %(max)s digits before the decimal point.",
    "Enter a valid value.",
    "Enter a valid email address.",
    "Enter a valid URL.",
    "Enter a valid integer.",
    "Null characters are not allowed.",
    "File extension “%(extension)s” is not allowed. "
    "Allowed extensions are: %(allowed_extensions)s.",
    "%(model_name)s with this %(field_label)s already exists.",
    "%(model_name)s with this %(field_labels)s already exists.",
]


def _django_messages() -> list[str]:
    from django.db import models

    found = list(VALIDATOR_MESSAGES)
    for value in vars(forms).values():
        if isinstance(value, type) and issubclass(value, forms.Field):
            found += [str(m) for m in getattr(value, "default_error_messages", {}).values() if m]
    found += [str(m) for m in models.Field.default_error_messages.values()]
    return sorted(set(found))


DJANGO_DEFAULTS = re.compile(
    "|".join(f"(?:{_pattern(m)})" for m in _django_messages()), re.IGNORECASE
)


def django_default_in(message: str) -> bool:
    """Whether `message` is one of Django's default messages (filled in or not)."""
    return bool(DJANGO_DEFAULTS.fullmatch(message.strip()))

"""The problems of the forms a page shows, for the error summary at the top of every page.

`{% form_problems as problems %}` in `base.html` finds every bound form with errors in the
page's context (directly, or in a dict, list or tuple of them, or in a formset) and lists each
error once with the id of the field it is about, so the summary links to the field and the page
title can start "Error: ". No page has to remember to show one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.formsets import BaseFormSet

register = template.Library()

DEPTH = 3  # how far into dicts, lists and tuples of the context forms are looked for


@dataclass(frozen=True)
class Problem:
    """One error: what it says and the id of the field it links to ("" if none)."""

    message: str
    target: str


def _forms_in(value: Any, depth: int = DEPTH) -> Iterator[forms.BaseForm]:
    if isinstance(value, forms.BaseForm):
        yield value
    elif isinstance(value, BaseFormSet):
        if value.is_bound:
            yield from value.forms
    elif depth and isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item, depth - 1)
    elif depth and isinstance(value, list | tuple):
        for item in value:
            yield from _forms_in(item, depth - 1)


def _target(form: forms.BaseForm, name: str | None) -> str:
    """The id a summary link for the field `name` goes to: its first input (a radio group's
    first option, a date's day); a form-wide error, or one about a hidden field, goes to the
    form's first visible field."""
    fields = [form[name]] if name and name in form.fields else []
    fields += form.visible_fields()
    for field in fields:
        if not field.is_hidden:
            if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                if not field.auto_id:
                    return ""
                # A group with nothing to choose: its box (templates/nhsuk/field.html) instead.
                return f"{field.auto_id}_0" if field.subwidgets else f"div_{field.auto_id}"
            return field.id_for_label or field.auto_id or ""
    return ""


def problems_of(values: Any) -> list[Problem]:
    """Each error of the bound forms among `values`, once, in the order the forms come."""
    found: list[Problem] = []
    seen_forms: set[int] = set()
    for form in _forms_in(values):
        if id(form) in seen_forms or not form.is_bound:
            continue
        seen_forms.add(id(form))
        for name, errors in form.errors.items():
            field = None if name == NON_FIELD_ERRORS else name
            target = _target(form, field)
            for message in errors:
                problem = Problem(str(message), target)
                if problem not in found:
                    found.append(problem)
    return found


@register.simple_tag(takes_context=True)
def form_problems(context: template.Context) -> list[Problem]:
    return problems_of(list(context.flatten().values()))


@register.inclusion_tag("_partials/error_summary.html")
def error_summary(problems: list[Problem]) -> dict[str, Any]:
    return {"problems": problems}

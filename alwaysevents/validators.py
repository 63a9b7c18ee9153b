"""`alwaysevents.input_checks` as Django validators and form fields (ADR 5).

- `install_text_checks()` (run once, by `AlwaysEventsConfig.ready`) makes every text field of
  every form and every API serializer refuse the characters `input_checks` refuses.
- `column_decimal_field(Model, "field")` is a form DecimalField with its column's limits;
  `ColumnDecimalField` is the same for a ModelForm's `Meta.field_classes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

from alwaysevents.input_checks import NumberLimit, number_problem, text_problem


def _texts(value: Any) -> Iterator[str]:
    """The strings in a cleaned value: a string, or the keys and values of JSON data."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


@deconstructible
class TextValidator:
    """Refuses control characters and broken characters (see `input_checks.text_problem`)."""

    code = "control_character"

    def __call__(self, value: Any) -> None:
        for text in _texts(value):
            problem = text_problem(text)
            if problem:
                raise ValidationError(problem, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator)

    def __hash__(self) -> int:
        return hash(TextValidator)


validate_text = TextValidator()


@deconstructible
class NumberValidator:
    """Refuses a number its column cannot hold, saying the largest value allowed."""

    code = "number_limit"

    def __init__(self, max_digits: int, decimal_places: int) -> None:
        self.max_digits, self.decimal_places = max_digits, decimal_places

    def __call__(self, value: Any) -> None:
        if isinstance(value, Decimal):
            problem = number_problem(value, NumberLimit(self.max_digits, self.decimal_places))
            if problem:
                raise ValidationError(problem, code=self.code)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, NumberValidator)
            and other.max_digits == self.max_digits
            and other.decimal_places == self.decimal_places
        )

    def __hash__(self) -> int:
        return hash((NumberValidator, self.max_digits, self.decimal_places))


class ColumnDecimalField(forms.DecimalField):
    """A DecimalField bound to a column's limits, refusing what it cannot hold in plain words
    (in place of Django's "Ensure that there are no more than 10 digits before the point")."""

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs: Any) -> None:
        self.column: models.DecimalField[Any, Any] | None = kwargs.pop("column", None)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        self.validators = [
            NumberValidator(max_digits, decimal_places)
            if isinstance(v, django_validators.DecimalValidator)
            else v
            for v in self.validators
        ]


def column_decimal_field(model: type[models.Model], name: str, **kwargs: Any) -> ColumnDecimalField:
    """A form field for `model.name` (a DecimalField) with exactly its column's limits."""
    column = model._meta.get_field(name)
    if not isinstance(column, models.DecimalField):
        raise TypeError(f"{model.__name__}.{name} is not a DecimalField.")
    return ColumnDecimalField(
        max_digits=column.max_digits,
        decimal_places=column.decimal_places,
        column=column,
        **kwargs,
    )


def _with_text_check(field_class: Any) -> None:
    """Add the check to `field_class` and to every subclass that lists its own validators."""
    classes: list[Any] = [field_class]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        if "default_validators" in vars(cls) or cls is field_class:
            current = list(cls.default_validators)
            if validate_text not in current:
                cls.default_validators = [*current, validate_text]


def install_text_checks() -> None:
    """Every text field, of forms and of API serializers, ours or not, refuses control
    characters. Fields read `default_validators` when they are made, so this runs before any
    form module is imported (the first app's `ready`); `tests/test_input_checks_wiring.py`
    fails if a form or serializer of ours was built without it."""
    from rest_framework import fields as drf_fields

    _with_text_check(forms.CharField)
    _with_text_check(drf_fields.CharField)

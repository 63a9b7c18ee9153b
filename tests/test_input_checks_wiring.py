"""Every form and API serializer of ours checks its input (ADR 5).

Text fields get the check from `AlwaysEventsConfig.ready`; a field built before that ran (an
import-order change) would not have it, and this test says which. Form DecimalFields must hold
exactly what their column holds.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.db import models
from rest_framework import serializers

from alwaysevents.api.fields import ColumnDecimalField as ApiColumnDecimalField
from alwaysevents.validators import ColumnDecimalField, NumberValidator, validate_text

OUR_PACKAGES = ("alwaysevents", "programmes", "coproduction", "measurement", "accreditation")
SKIPPED_MODULES = ("migrations", "wsgi", "asgi", "settings")


def _import_ours() -> None:
    for name in OUR_PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if not any(part in SKIPPED_MODULES for part in module.name.split(".")):
                importlib.import_module(module.name)


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in OUR_PACKAGES


def _subclasses(base: type) -> Iterator[type]:
    seen: set[type] = set()
    stack = [base]
    while stack:
        for cls in stack.pop().__subclasses__():
            if cls not in seen:
                seen.add(cls)
                stack.append(cls)
                if _ours(cls):
                    yield cls


@pytest.fixture(scope="module")
def form_classes() -> list[type[forms.BaseForm]]:
    _import_ours()
    return sorted(_subclasses(forms.BaseForm), key=lambda c: f"{c.__module__}.{c.__qualname__}")


@pytest.fixture(scope="module")
def serializer_classes() -> list[type[serializers.BaseSerializer]]:
    """The serializers that read a request: built with `data=` or documented as `request=`
    in the API's views (response-only serializers take no input)."""
    _import_ours()
    views = Path(importlib.import_module("alwaysevents.api.views").__path__[0])
    source = "\n".join(path.read_text() for path in views.glob("*.py"))
    names = set(re.findall(r"(\w+Serializer)\(data=", source))
    names |= set(re.findall(r"request=(\w+Serializer)", source))
    found = [c for c in _subclasses(serializers.Serializer) if c.__name__ in names]
    assert {c.__name__ for c in found} == names
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_check_is_installed_on_the_field_classes():
    assert validate_text in forms.CharField.default_validators
    assert validate_text in forms.URLField.default_validators
    assert validate_text in serializers.CharField.default_validators


def test_the_walk_finds_the_forms(form_classes, serializer_classes):
    names = {c.__name__ for c in form_classes}
    assert {"PointForm", "ChallengeForm", "MeasureForm", "PdsaPlanForm", "ClaimForm"} <= names
    assert len(form_classes) > 40
    assert {
        "MeasureCreateSerializer",
        "PdsaCycleCreateSerializer",
        "DataPointBulkSerializer",
    } <= {c.__name__ for c in serializer_classes}


def test_every_text_field_of_every_form_refuses_control_characters(form_classes):
    missing = [
        f"{_name(cls)}.{name}"
        for cls in form_classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and validate_text not in field.validators
    ]
    assert not missing, f"built before the input checks were installed: {missing}"


def _column(cls: type[forms.BaseForm], name: str, field: forms.Field) -> Any:
    column = getattr(field, "column", None)
    model = getattr(getattr(cls, "_meta", None), "model", None)
    if column is None and model is not None:
        column = model._meta.get_field(name)
    return column


def test_every_form_decimal_field_holds_exactly_what_its_column_holds(form_classes):
    problems = []
    for cls in form_classes:
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.DecimalField):
                continue
            where = f"{_name(cls)}.{name}"
            column = _column(cls, name, field)
            if not isinstance(field, ColumnDecimalField) or not isinstance(
                column, models.DecimalField
            ):
                problems.append(
                    f'{where}: build it with column_decimal_field(Model, "{name}") '
                    "(or Meta.field_classes = {...: ColumnDecimalField} in a ModelForm)"
                )
                continue
            if (field.max_digits, field.decimal_places) != (
                column.max_digits,
                column.decimal_places,
            ):
                problems.append(
                    f"{where}: {field.max_digits},{field.decimal_places} but the column "
                    f"{column.model.__name__}.{column.name} is "
                    f"{column.max_digits},{column.decimal_places}"
                )
            if NumberValidator(field.max_digits, field.decimal_places) not in field.validators:
                problems.append(f"{where}: does not check the number against its column")
    assert not problems, "\n".join(problems)


def _serializer_fields(serializer: serializers.BaseSerializer, prefix: str) -> Iterator[Any]:
    for name, field in serializer.fields.items():
        path = f"{prefix}.{name}"
        child = getattr(field, "child", None)
        if isinstance(field, serializers.ListSerializer) and child is not None:
            field = child
        if isinstance(field, serializers.BaseSerializer):
            yield from _serializer_fields(field, path)
        elif isinstance(field, serializers.ListField | serializers.DictField) and child is not None:
            yield path, child
        else:
            yield path, field


def test_every_writable_serializer_field_checks_its_input(serializer_classes):
    problems = []
    for cls in serializer_classes:
        serializer = cls()
        for path, field in _serializer_fields(serializer, _name(cls)):
            if field.read_only:
                continue
            if isinstance(field, serializers.CharField) and validate_text not in field.validators:
                problems.append(f"{path}: text without the control-character check")
            if isinstance(field, serializers.DecimalField) and not isinstance(
                field, ApiColumnDecimalField
            ):
                problems.append(f"{path}: decimal without the column check")
    assert not problems, "\n".join(problems)

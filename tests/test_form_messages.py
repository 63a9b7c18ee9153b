"""Every form of the app, sent with invalid input, answers in plain words through the NHS error
pattern: an error summary whose links reach their fields, and no Django default message.

The forms are found by walking the app's modules, so a new form is checked without being listed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.template import Context, Template

from alwaysevents.date_widget import DateParts, DatePartsField
from alwaysevents.form_messages import PlainMessagesMixin, django_default_in, plain_messages
from tests.factories import OrganisationFactory, UserFactory

PACKAGES = ["programmes", "measurement", "coproduction", "accreditation", "alwaysevents"]
# Mixins and bases that are not forms anyone fills in.
NOT_FILLED_IN = {"ScopedForm", "ScopedModelForm", "PlainForm", "PlainModelForm"}


def _modules() -> Iterator[Any]:
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            if info.name.endswith(("settings", "wsgi", "asgi", "celery")):
                continue
            yield importlib.import_module(info.name)


def app_forms() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for module in _modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
                and name not in NOT_FILLED_IN
                and not name.startswith("_")
            ):
                found[f"{cls.__module__}.{name}"] = cls
    return [found[key] for key in sorted(found)]


FORMS = app_forms()


def test_the_walk_finds_the_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"VisionForm", "MeasureForm", "PartnerForm", "ReviewForm", "ApiTokenForm"} <= names
    assert len(FORMS) > 80


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_form_writes_its_messages_in_plain_words(form_class):
    assert issubclass(form_class, PlainMessagesMixin), (
        f"{form_class.__name__} should inherit PlainForm or PlainModelForm "
        "(alwaysevents.form_messages) so its messages name the field in plain words"
    )


# --- Plain messages, without a database -----------------------------------------------------


class Example(PlainMessagesMixin, forms.Form):
    aim = forms.CharField(label="The aim", max_length=20)
    target = forms.DecimalField(label="Target", max_value=100, min_value=0, decimal_places=1)
    weeks = forms.IntegerField(label="Weeks", required=False)
    kind = forms.ChoiceField(label="Kind of measure", choices=[("a", "A")])
    agree = forms.BooleanField(label="I have read the notice")
    started = DatePartsField(label="Date it started")
    email = forms.EmailField(label="Email address", required=False)
    own = forms.CharField(label="Own", error_messages={"required": "Write your own words here"})


def _messages(form: forms.BaseForm) -> list[str]:
    return [str(m) for errors in form.errors.values() for m in errors]


def test_messages_name_the_field_and_say_what_to_do():
    form = Example({})
    assert not form.is_valid()
    assert form.errors["aim"] == ["Enter the aim"]
    assert form.errors["target"] == ["Enter target"]
    assert form.errors["kind"] == ["Select kind of measure"]
    assert form.errors["agree"] == ["Tick \u201cI have read the notice\u201d to go on"]
    assert form.errors["started"] == ["Enter the date it started (day, month and year)"]
    assert form.errors["own"] == ["Write your own words here"], "a form's own message is kept"


def test_limits_are_said_with_their_numbers():
    form = Example(
        {
            "aim": "x" * 25,
            "target": "120",
            "weeks": "2.5",
            "kind": "b",
            "started_day": "31",
            "started_month": "2",
            "started_year": "2026",
            "email": "not an address",
        }
    )
    assert not form.is_valid()
    assert form.errors["aim"] == ["The aim must be 20 characters or fewer (you entered 25)"]
    assert form.errors["target"] == ["Target must be 100 or less"]
    assert form.errors["weeks"] == ["Weeks must be a whole number, like 12"]
    assert form.errors["kind"] == ["Select one of the choices offered for kind of measure"]
    assert form.errors["started"][0].startswith("Date it started must be a real date")
    assert form.errors["email"][0].startswith("Enter an email address in the right format")
    assert not any(django_default_in(m) for m in _messages(form))


def test_the_check_knows_djangos_own_wording():
    for message in [
        "This field is required.",
        "Ensure this value is less than or equal to 80.",
        "Ensure this value has at most 1 character (it has 3).",
        "Select a valid choice. x is not one of the available choices.",
        "Enter a whole number.",
        "Measure with this Name already exists.",
    ]:
        assert django_default_in(message), message
    assert not django_default_in("Enter the aim")
    assert not django_default_in("Target must be 100 or less")


def test_an_abbreviation_keeps_its_capitals():
    field = forms.CharField(label="PDSA cycle name")
    assert plain_messages(field, "name")["required"] == "Enter PDSA cycle name"


# --- Every form, invalid, rendered: summary, links, words (against PostgreSQL) ----------------


def _kwargs(form_class: type[forms.BaseForm], world: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for parameter in inspect.signature(form_class.__init__).parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            kwargs[parameter.name] = world.get(parameter.name, [])
    return kwargs


def _wrong(field: forms.Field) -> Any:
    """A value of the wrong kind or beyond the field's limits."""
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "a lot"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return "not-one-of-the-choices"
    if isinstance(field, forms.DateField):
        return "2026-02-31"
    if isinstance(field, forms.EmailField):
        return "not an address"
    if isinstance(field, forms.CharField) and field.max_length:
        return "x" * (field.max_length + 1)
    return None


def _too_big(field: forms.Field) -> Any:
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "99999999999999"
    return None


def _data(form: forms.BaseForm, make: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = make(field)
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


PAGE = Template(
    "{% load crispy_forms_tags form_problems %}{% form_problems as problems %}"
    "{% if problems %}{% error_summary problems %}{% endif %}{{ form|crispy }}"
)
LINK = re.compile(r'<a href="#([^"]+)">')


@pytest.fixture
def world(db):
    organisation = OrganisationFactory()
    from measurement.models import Measure

    return {
        "organisation": organisation,
        "user": UserFactory(),
        "services": ["Ward 1"],
        "measures": Measure.objects.with_scopes_disabled().none(),
        "measure": Measure(name="Waiting time", unit="minutes"),
    }


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_form_with_invalid_input_shows_the_nhs_error_pattern_in_plain_words(
    form_class, world
):
    kwargs = _kwargs(form_class, world)
    blank = form_class(**kwargs)
    if not blank.fields:
        pytest.skip("a form without fields: a button alone")  # e.g. EmptyForm
    tried = 0
    for make in (lambda f: None, _wrong, _too_big):
        data = _data(blank, make)
        form = form_class(data=data, files={}, **kwargs)
        if form.is_valid():
            continue
        tried += 1
        html = PAGE.render(Context({"form": form}))
        assert "There is a problem" in html
        for message in [str(m) for errors in form.errors.values() for m in errors]:
            assert not django_default_in(message), f"Django's wording reaches a person: {message}"
            assert message in html.replace("&#x27;", "'").replace("&quot;", '"')
        ids = set(re.findall(r'id="([^"]+)"', html))
        for target in LINK.findall(html):
            assert target in ids, f"the summary links to #{target}, which is not on the page"
        for name, field in form.fields.items():
            if isinstance(field.widget, DateParts) and form[name].errors:
                assert f"{form[name].auto_id}_0" in ids
    if tried == 0:
        pytest.skip("every field is optional and any input is accepted")

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.forms.models import ModelFormMetaclass

from alwaysevents.form_messages import PlainForm, PlainMessagesMixin
from alwaysevents.tenancy.models import OrganisationOwned


def scoped_formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Build relation fields without touching a scoped manager at import time.

    The real choices are set per request in `ScopedModelForm.__init__`; until then a
    relation to an organisation-owned model offers nothing.
    """
    related = field.related_model if field.is_relation else None
    if isinstance(related, type) and issubclass(related, OrganisationOwned):
        kwargs["queryset"] = related.objects.with_scopes_disabled().none()
    return field.formfield(**kwargs)


class ScopedModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = scoped_formfield
        return super().__new__(mcs, name, bases, attrs)


def narrow_choices(fields: dict[str, forms.Field], organisation: Any) -> None:
    """Offer only the organisation's rows, and only its active staff members as people.

    Partners who sign in (the partner role) are never offered as people: not as team leads,
    sponsors, team members or owners.
    """
    from programmes.models import STAFF_ROLES

    user_model = get_user_model()
    for field in fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        model = queryset.model
        if issubclass(model, OrganisationOwned):
            field.queryset = model.objects.with_scope(  # type: ignore[attr-defined]
                organisation=organisation.pk
            ).filter(organisation=organisation)
        elif model is user_model:
            field.queryset = user_model.objects.filter(  # type: ignore[attr-defined]
                memberships__organisation=organisation,
                memberships__is_active=True,
                memberships__role__in=STAFF_ROLES,
            ).distinct()


class ScopedModelForm(PlainMessagesMixin, forms.ModelForm, metaclass=ScopedModelFormMetaclass):
    """A ModelForm that takes `organisation=` and offers only that organisation's rows.

    Choices for organisation-owned models are narrowed to the organisation; choices of people
    are narrowed to its active members.
    """

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        narrow_choices(self.fields, organisation)


class ScopedForm(PlainForm):
    """A plain Form with the same narrowing as `ScopedModelForm`.

    Declare relation fields with `queryset=Model.objects.none()`; the organisation's rows are
    filled in here.
    """

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        narrow_choices(self.fields, organisation)

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from alwaysevents.tenancy.models import OrganisationOwned


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that takes `organisation=` and offers only that organisation's rows.

    Choices for organisation-owned models are narrowed to the organisation; choices of people
    are narrowed to its active members.
    """

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        user_model = get_user_model()
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            model = queryset.model
            if issubclass(model, OrganisationOwned):
                field.queryset = model.objects.with_scope(organisation=organisation.pk).filter(  # type: ignore[attr-defined]
                    organisation=organisation
                )
            elif model is user_model:
                field.queryset = queryset.filter(
                    memberships__organisation=organisation, memberships__is_active=True
                ).distinct()

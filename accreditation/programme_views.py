"""Programme-wide accreditation pages: criteria versions, for programme admins.

(The reviewers' and moderation pages live in `accreditation/views.py`.)
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from django import forms
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from accreditation import selectors, services
from accreditation.forms import (
    CriteriaVersionCreateForm,
    CriteriaVersionForm,
    CriterionForm,
    EmptyForm,
)
from accreditation.models import CriteriaVersion, Criterion
from alwaysevents.tenancy.mixins import ProgrammeViewMixin
from alwaysevents.views import ActionPostMixin


def version_url(version: CriteriaVersion) -> str:
    return reverse("accreditation:criteria-version", kwargs={"number": version.number})


class _PostedForms(ProgrammeViewMixin, ActionPostMixin, TemplateView):
    """A page of small forms posted with an `action` field (`ActionPostMixin`); each
    `perform_<action>(form)` returns the message and where to go."""

    actions: ClassVar[dict[str, type[forms.Form]]] = {}
    unknown_action_404 = True

    def make_form(self, name: str, data: Any = None) -> forms.Form:
        return self.actions[name](data=data, prefix=name, **self.form_kwargs(name))

    def form_kwargs(self, name: str) -> dict[str, Any]:
        return {"initial": {}}

    def bind_action(self, name: str, data: Any) -> forms.Form:
        return self.make_form(name, data)

    def run_action(self, name: str, form: Any) -> tuple[str, str | None]:
        return getattr(self, f"perform_{name}")(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound = kwargs.pop("bound", {})
        context = super().get_context_data(**kwargs)
        context["forms"] = {name: bound.get(name) or self.make_form(name) for name in self.actions}
        return context


class CriteriaVersionListView(_PostedForms):
    template_name = "accreditation/criteria_version_list.html"
    actions = {"create": CriteriaVersionCreateForm}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["versions"] = selectors.criteria_version_list()
        context["current"] = selectors.criteria_version_current()
        return context

    def perform_create(self, form: CriteriaVersionCreateForm) -> tuple[str, str]:
        data = dict(form.cleaned_data)
        copy = data.pop("copy_current")
        version = services.criteria_version_create(
            by=self.request.user,  # type: ignore[arg-type]
            copy_from=selectors.criteria_version_current() if copy else None,
            **data,
        )
        return f"Version {version.number} is drafted. Change its criteria, then publish it.", (
            version_url(version)
        )


class CriteriaVersionDetailView(_PostedForms):
    template_name = "accreditation/criteria_version_detail.html"
    actions = {
        "version": CriteriaVersionForm,
        "add": CriterionForm,
        "edit": CriterionForm,
        "remove": EmptyForm,
        "publish": EmptyForm,
    }

    @cached_property
    def version(self) -> CriteriaVersion:
        version = CriteriaVersion.objects.filter(number=self.kwargs["number"]).first()
        if version is None:
            raise Http404("No such criteria version.")
        return version

    @cached_property
    def editing(self) -> Criterion | None:
        code = self.request.POST.get("criterion") or self.request.GET.get("edit")
        if not code:
            return None
        found = self.version.criteria.filter(code=code).first()
        if found is None:
            raise Http404("No such criterion.")
        return found

    def form_kwargs(self, name: str) -> dict[str, Any]:
        version = self.version
        if name == "version":
            return {
                "initial": {
                    "title": version.title,
                    "validity_months": version.validity_months,
                    "notes": version.notes,
                }
            }
        if name == "edit" and self.editing is not None:
            c = self.editing
            return {
                "initial": {
                    "code": c.code,
                    "title": c.title,
                    "guidance": c.guidance,
                    "evidence_expected": c.evidence_expected,
                    "check_key": c.check_key,
                    "thresholds": c.thresholds,
                }
            }
        return {"initial": {}}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            version=self.version,
            criteria=selectors.criteria_of(version=self.version),
            editing=self.editing,
        )
        return context

    def _by(self) -> Any:
        return self.request.user

    def perform_version(self, form: CriteriaVersionForm) -> tuple[str, str]:
        services.criteria_version_update(version=self.version, by=self._by(), **form.cleaned_data)
        return "The version is saved.", version_url(self.version)

    def perform_add(self, form: CriterionForm) -> tuple[str, str]:
        criterion = services.criterion_add(version=self.version, by=self._by(), **form.cleaned_data)
        return f"{criterion.code} is added.", version_url(self.version)

    def perform_edit(self, form: CriterionForm) -> tuple[str, str]:
        if self.editing is None:
            raise Http404("No such criterion.")
        criterion = services.criterion_update(
            criterion=self.editing, by=self._by(), **form.cleaned_data
        )
        return f"{criterion.code} is saved.", version_url(self.version)

    def perform_remove(self, form: EmptyForm) -> tuple[str, str]:
        if self.editing is None:
            raise Http404("No such criterion.")
        code = self.editing.code
        services.criterion_remove(criterion=self.editing, by=self._by())
        return f"{code} is removed.", version_url(self.version)

    def perform_publish(self, form: EmptyForm) -> tuple[str, str]:
        services.criteria_version_publish(version=self.version, by=self._by())
        return (
            f"Version {self.version.number} is published: new submissions use it, and it can "
            "no longer change.",
            version_url(self.version),
        )

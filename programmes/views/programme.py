"""Programme-wide pages for the NHS England programme team."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.mixins import ProgrammeViewMixin
from alwaysevents.views import ServiceFormMixin
from programmes import selectors, services
from programmes.forms import (
    CohortForm,
    OrganisationAdminInvitationForm,
    OrganisationCreateForm,
    OrganisationUpdateForm,
    ProgrammeRoleForm,
)
from programmes.models import Cohort, Invitation, Organisation, ProgrammeRole, Role


class ProgrammeHomeView(ProgrammeViewMixin, TemplateView):
    template_name = "programmes/programme_home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["organisations"] = selectors.organisation_list_for_programme()
        context["cohorts"] = selectors.cohort_list()
        return context


class OrganisationCreateView(ProgrammeViewMixin, ServiceFormMixin, FormView):
    form_class = OrganisationCreateForm
    template_name = "programmes/organisation_form.html"
    success_message = "{object.name} has been added. Now invite its organisation admin."

    def perform(self, form: OrganisationCreateForm) -> Organisation:
        return services.organisation_create(**form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("programmes:organisation-invite-admin", kwargs={"slug": self.object.slug})


class _UrlObjectMixin:
    """Looks up the object the URL names, once, for the form (as its instance) and template."""

    model: type[Organisation] | type[Cohort]
    lookup = "pk"
    context_name = "object"
    bind_instance = True
    kwargs: dict[str, Any]

    @cached_property
    def target(self) -> Any:
        return get_object_or_404(self.model, **{self.lookup: self.kwargs[self.lookup]})

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        if self.bind_instance:
            kwargs["instance"] = self.target
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs[self.context_name] = self.target
        return super().get_context_data(**kwargs)  # type: ignore[misc]


class OrganisationUpdateView(_UrlObjectMixin, ProgrammeViewMixin, ServiceFormMixin, FormView):
    model = Organisation
    lookup = "slug"
    context_name = "organisation"
    form_class = OrganisationUpdateForm
    template_name = "programmes/organisation_form.html"
    success_message = "{object.name} has been updated."
    success_url = reverse_lazy("programmes:programme-home")

    def perform(self, form: OrganisationUpdateForm) -> Organisation:
        return services.organisation_update(organisation=self.target, **form.cleaned_data)


class OrganisationInviteAdminView(_UrlObjectMixin, ProgrammeViewMixin, ServiceFormMixin, FormView):
    model = Organisation
    lookup = "slug"
    context_name = "organisation"
    bind_instance = False
    form_class = OrganisationAdminInvitationForm
    template_name = "programmes/organisation_invite_admin.html"
    success_message = "Invitation sent to {object.email}."
    success_url = reverse_lazy("programmes:programme-home")

    def perform(self, form: OrganisationAdminInvitationForm) -> Invitation:
        return services.invitation_create(
            organisation=self.target,
            email=form.cleaned_data["email"],
            role=Role.ORGANISATION_ADMIN,
            invited_by=self.request.user,  # type: ignore[arg-type]
        )


class CohortCreateView(ProgrammeViewMixin, ServiceFormMixin, FormView):
    form_class = CohortForm
    template_name = "programmes/cohort_form.html"
    success_message = "Cohort {object.name} has been added."
    success_url = reverse_lazy("programmes:programme-home")

    def perform(self, form: CohortForm) -> Cohort:
        return services.cohort_create(**form.cleaned_data)


class CohortUpdateView(_UrlObjectMixin, ProgrammeViewMixin, ServiceFormMixin, FormView):
    model = Cohort
    context_name = "cohort"
    form_class = CohortForm
    template_name = "programmes/cohort_form.html"
    success_message = "Cohort {object.name} has been updated."
    success_url = reverse_lazy("programmes:programme-home")

    def perform(self, form: CohortForm) -> Cohort:
        return services.cohort_update(cohort=self.target, **form.cleaned_data)


class ProgrammePeopleView(ProgrammeViewMixin, ServiceFormMixin, FormView):
    """Who holds the programme-wide roles, and granting them to existing accounts."""

    form_class = ProgrammeRoleForm
    template_name = "programmes/programme_people.html"
    success_message = "{object.display_name} now has the role."
    success_url = reverse_lazy("programmes:programme-people")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["people"] = selectors.programme_people_list()
        context["changes"] = selectors.programme_role_change_list()
        return context

    def perform(self, form: ProgrammeRoleForm) -> Any:
        user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            raise DomainError(
                "There is no account with that email address. Invite them to an organisation "
                "first, or ask them to sign up through an invitation.",
                field="email",
            )
        return services.programme_role_set(
            user=user,
            role=form.cleaned_data["role"],
            granted=True,
            by=self.request.user,  # type: ignore[arg-type]
        )


class ProgrammeRoleRemoveView(ProgrammeViewMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, role: str) -> HttpResponse:
        user = get_object_or_404(get_user_model(), pk=pk)
        if role not in ProgrammeRole.values:
            messages.error(request, "That is not a programme-wide role.")
        elif user == request.user and role == ProgrammeRole.PROGRAMME_ADMIN:
            messages.error(request, "You cannot remove your own programme admin role.")
        else:
            services.programme_role_set(user=user, role=role, granted=False, by=request.user)  # type: ignore[arg-type]
            messages.success(request, f"{user} no longer has the {ProgrammeRole(role).label} role.")
        return redirect("programmes:programme-people")

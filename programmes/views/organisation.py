"""Pages inside one organisation: its home and the management of its members."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from alwaysevents.views import ServiceFormMixin
from programmes import home as home_sections
from programmes import invitation_flags, selectors, services
from programmes.forms import InvitationForm, MembershipRoleForm
from programmes.models import STAFF_ROLES, Invitation, Membership, Role
from programmes.permissions import MEMBER_MANAGERS, can_create_event, can_manage_members


class OrganisationHomeView(OrganisationViewMixin, TemplateView):
    """ "Your work": the events this person is on, what is due from them (the sections other apps
    register in `programmes.home`, each with its action in place), then every event here."""

    template_name = "programmes/organisation_home.html"

    def home(self) -> home_sections.Home:
        return home_sections.Home(
            request=self.request,
            organisation=self.organisation,
            membership=self.membership,
            today=timezone.localdate(),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = request.POST.get("action", "")
        section = home_sections.SECTIONS.get(name)
        if section is None or section.post is None:
            return HttpResponseBadRequest("Unknown action.")
        posted = section.post(self.home(), request.POST)
        if isinstance(posted, str):
            return redirect(posted)
        return self.render_to_response(self.get_context_data(refused={name: posted}))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        refused: dict[str, home_sections.Refused] = kwargs.pop("refused", {})
        context = super().get_context_data(**kwargs)
        members = list(
            selectors.membership_list(organisation=self.organisation).filter(
                is_active=True, role__in=STAFF_ROLES
            )
        )
        context["members"] = members
        context["can_manage_members"] = can_manage_members(self.membership)
        events = list(selectors.event_list(organisation=self.organisation))
        mine = selectors.event_ids_for_person(organisation=self.organisation, user=self.actor)
        context["your_events"] = [e for e in events if e.pk in mine]
        context["events"] = [e for e in events if e.pk not in mine]
        context["can_create_event"] = can_create_event(self.membership)
        home = self.home()
        sections = []
        for name, section in home_sections.ordered():
            section_context = refused[name].context if name in refused else section.context(home)
            if section_context is not None:
                sections.append({"template": section.template, "context": section_context})
        context["sections"] = sections
        # The form of a refused post, for the error summary at the top of the page.
        context["refused_forms"] = [posted.form for posted in refused.values()]
        if context["can_manage_members"]:
            context["open_invitation_count"] = selectors.invitation_list_open(
                organisation=self.organisation
            ).count()
        return context


class MembershipListView(OrganisationViewMixin, TemplateView):
    allowed_roles = MEMBER_MANAGERS
    template_name = "programmes/membership_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.membership_list(organisation=self.organisation)
        invitations = list(selectors.invitation_list_open(organisation=self.organisation))
        flags = invitation_flags.flags_for(invitations)
        for invitation in invitations:
            invitation.flags = flags.get(invitation.pk, [])  # type: ignore[attr-defined]
        context["invitations"] = invitations
        context["changes"] = selectors.role_change_list(organisation=self.organisation)
        context["role_choices"] = Role.choices
        return context


class InvitationCreateView(OrganisationViewMixin, ServiceFormMixin, FormView):
    allowed_roles = MEMBER_MANAGERS
    form_class = InvitationForm
    template_name = "programmes/invitation_create.html"
    success_message = "Invitation sent to {object.email}."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("organisation")
        return kwargs

    def perform(self, form: InvitationForm) -> Invitation:
        return services.invitation_create(
            organisation=self.organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=self.actor,
        )

    def get_success_url(self) -> str:
        return reverse("programmes:membership-list", kwargs={"org_slug": self.organisation.slug})


class MembershipRoleUpdateView(OrganisationViewMixin, ServiceFormMixin, FormView):
    allowed_roles = MEMBER_MANAGERS
    form_class = MembershipRoleForm
    template_name = "programmes/membership_role.html"
    success_message = "{object.user.display_name} is now {object.get_role_display}."

    @cached_property
    def target(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user"),
            organisation=self.organisation,
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("organisation")
        kwargs["initial"] = {"role": self.target.role}
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["target"] = self.target
        return context

    def perform(self, form: MembershipRoleForm) -> Membership:
        return services.membership_change_role(
            membership=self.target,
            role=form.cleaned_data["role"],
            by=self.actor,
        )

    def get_success_url(self) -> str:
        return reverse("programmes:membership-list", kwargs={"org_slug": self.organisation.slug})


class _MembershipActionView(OrganisationViewMixin, View):
    """POST-only actions on one membership; the result is shown as a message."""

    allowed_roles = MEMBER_MANAGERS
    http_method_names = ["post"]

    def act(self, membership: Membership) -> str:
        raise NotImplementedError  # pragma: no cover

    def post(self, request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
        membership: Membership = get_object_or_404(
            Membership.objects.select_related("user"), organisation=self.organisation, pk=pk
        )
        try:
            messages.success(request, self.act(membership))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("programmes:membership-list", org_slug=self.organisation.slug)


class MembershipDeactivateView(_MembershipActionView):
    def act(self, membership: Membership) -> str:
        services.membership_deactivate(membership=membership, by=self.actor)
        return f"{membership.user.display_name} can no longer reach {self.organisation.name}."


class MembershipReactivateView(_MembershipActionView):
    def act(self, membership: Membership) -> str:
        services.membership_reactivate(membership=membership, by=self.actor)
        return f"{membership.user.display_name} can reach {self.organisation.name} again."


class InvitationRevokeView(OrganisationViewMixin, View):
    allowed_roles = MEMBER_MANAGERS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
        invitation = get_object_or_404(Invitation, organisation=self.organisation, pk=pk)
        try:
            services.invitation_revoke(invitation=invitation, by=self.actor)
            messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("programmes:membership-list", org_slug=self.organisation.slug)

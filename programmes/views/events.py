"""The list of Always Events, starting one, and one event's overview, details, team and stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.page_cache import cache_key
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from alwaysevents.views import ServiceFormMixin, add_domain_error
from programmes import permissions, selectors, services, timeline
from programmes.formatting import format_hours
from programmes.forms import (
    CommentForm,
    EventCreateForm,
    EventFilterForm,
    EventForm,
    LeadershipForm,
    StageForm,
    TeamMemberForm,
    TimeEntryForm,
)
from programmes.guidance import guidance_for
from programmes.models import AlwaysEvent, Stage, TeamMember
from programmes.versions import event_version
from programmes.views.event_base import ActionFormsView, EventMixin


class EventListView(OrganisationViewMixin, TemplateView):
    template_name = "programmes/event_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        services_offered = selectors.event_services(organisation=self.organisation)
        form = EventFilterForm(
            self.request.GET or None, organisation=self.organisation, services=services_offered
        )
        filters: dict[str, Any] = {}
        if form.is_valid():
            sponsor = form.cleaned_data.get("sponsor")
            filters = {
                "stage": form.cleaned_data.get("stage") or None,
                "service": form.cleaned_data.get("service") or None,
                "sponsor_id": sponsor.pk if sponsor else None,
            }
        context.update(
            filter_form=form,
            events=selectors.event_list(organisation=self.organisation, **filters),
            filtered=any(filters.values()),
            can_create=permissions.can_create_event(self.membership),
        )
        return context


class EventCreateView(OrganisationViewMixin, ServiceFormMixin, FormView):
    form_class = EventCreateForm
    template_name = "programmes/event_create.html"
    success_message = "{object.title} has started. Work through the checklist to move it on."

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        membership = request.membership  # type: ignore[attr-defined]
        if membership is not None and not permissions.can_create_event(membership):
            raise PermissionDenied("Team leads and organisation admins start Always Events.")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"team_lead": self.request.user.pk}

    def perform(self, form: EventCreateForm) -> AlwaysEvent:
        return services.event_create(
            organisation=self.organisation,
            by=self.actor,
            **form.cleaned_data,
        )

    def get_success_url(self) -> str:
        return reverse(
            "programmes:event-detail",
            kwargs={"org_slug": self.organisation.slug, "pk": self.object.pk},
        )


class EventDetailView(EventMixin, TemplateView):
    template_name = "programmes/event_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event = self.event
        show = timeline.filter_of(self.request.GET.get("show"))
        facts = self.facts(show)
        readiness = facts.readiness
        step = readiness.next_step
        context.update(
            guidance=guidance_for(event.stage),
            readiness=readiness,
            # The next step's link, for people who may do it there; others read it.
            next_action=step.action
            if step and step.action and step.action.permission(self.membership, event)
            else None,
            progress=facts.progress,
            time=facts.time,
            value=facts.value,
            **self.timeline_context(show, facts.timeline),
            open_challenges=[c for c in facts.challenges if c.is_open_challenge],
            comment_form=CommentForm(),
            moves=services.allowed_moves(event),
        )
        return context

    def facts(self, show: str) -> EventPageFacts:
        """What the page shows of the event's data, the same for everyone who may see it: kept
        in the cache under the version of the event's data (`programmes.versions`, read before
        the data), the event as read for this request, the timeline's filter and the day; read
        afresh once any of them moved on."""
        event = self.event
        version = event_version(event.organisation_id, event.pk)
        key = None
        if version is not None:
            row = [getattr(event, f.attname) for f in AlwaysEvent._meta.concrete_fields]
            today = timezone.localdate()
            key = cache_key("programmes:event-page", version, event.pk, row, show, today)
            found = cache.get(key)
            if found is not None:
                return found
        # Read once for the summary and the timeline both.
        progress = selectors.event_progress(event=event)
        challenges = list(selectors.event_challenges(event=event))
        facts = EventPageFacts(
            readiness=selectors.event_readiness(event=event),
            progress=progress,
            challenges=challenges,
            time=selectors.event_time_summary(event=event),
            value=selectors.event_value_summary(event=event),
            timeline=selectors.event_timeline(
                event=event, show=show, scores=progress.history, challenges=challenges
            ),
        )
        if key is not None:
            cache.set(key, facts, PAGE_FACTS_SECONDS)
        return facts

    @staticmethod
    def timeline_context(show: str, items: list[Any]) -> dict[str, Any]:
        """The timeline as `?show=` filters it (anything unknown shows everything): with
        everything, the milestones come first and the rest after them."""
        everything = show == timeline.ALL
        return {
            "timeline_show": show,
            "timeline_show_label": timeline.FILTERS[show],
            "timeline_filters": [
                (key, label, key == show) for key, label in timeline.FILTERS.items()
            ],
            "milestones": [item for item in items if item.milestone] if everything else [],
            "timeline": [item for item in items if not item.milestone] if everything else items,
        }


#: What the event page keeps of an event's data is found again only under the data's version:
#: this bounds how long an old one is kept.
PAGE_FACTS_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class EventPageFacts:
    """What the event page shows of the event's data (its readiness, score, challenges, time,
    value and timeline): the same for everyone who may see the page."""

    readiness: Any
    progress: Any
    challenges: list[Any]
    time: Any
    value: Any
    timeline: list[Any]


class EventUpdateView(EventMixin, ServiceFormMixin, FormView):
    view_permission = (permissions.can_edit_event,)
    form_class = EventForm
    template_name = "programmes/event_form.html"
    success_message = "The details are saved."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.event
        return kwargs

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check(permissions.can_edit_event, "edit the details")
        return super().post(request, *args, **kwargs)

    def perform(self, form: EventForm) -> AlwaysEvent:
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.event_update_details(event=self.event, by=self.actor, **details)

    def get_success_url(self) -> str:
        return self.event_url()


class EventLeadershipView(EventMixin, ServiceFormMixin, FormView):
    view_permission = (permissions.can_change_stage,)
    form_class = LeadershipForm
    template_name = "programmes/event_form.html"
    success_message = "The team lead and executive sponsor are saved."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.event
        return kwargs

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check(permissions.can_change_stage, "change the team lead or sponsor")
        return super().post(request, *args, **kwargs)

    def perform(self, form: LeadershipForm) -> AlwaysEvent:
        return services.event_set_leadership(
            event=self.event,
            team_lead=form.cleaned_data["team_lead"],
            executive_sponsor=form.cleaned_data["executive_sponsor"],
            by=self.actor,
        )

    def get_success_url(self) -> str:
        return self.event_url()


class EventTeamView(ActionFormsView):
    """The team with its protected time, and the time log against it."""

    template_name = "programmes/event_team.html"
    tab = "programmes:event-team"
    actions = {
        "member": (TeamMemberForm, permissions.can_manage_team),
        "time": (TimeEntryForm, permissions.can_edit_event),
    }

    def form_kwargs(self, name: str) -> dict[str, Any]:
        return {"organisation": self.organisation}

    def initial(self, name: str) -> dict[str, Any]:
        if name == "time":
            from django.utils import timezone

            return {"person": self.request.user.pk, "week_starting": timezone.localdate()}
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["team"] = selectors.event_team(event=self.event)
        context["time"] = selectors.event_time_summary(event=self.event)
        context["entries"] = selectors.event_time_entries(event=self.event)
        return context

    def perform_member(self, form: TeamMemberForm) -> str:
        member = services.team_member_save(event=self.event, by=self.actor, **form.cleaned_data)
        return (
            f"{member.user.display_name} is on the team with "
            f"{member.protected_hours_per_week} hours a week agreed."
        )

    def perform_time(self, form: TimeEntryForm) -> str:
        entry = services.time_entry_record(event=self.event, by=self.actor, **form.cleaned_data)
        return (
            f"{format_hours(entry.hours)} hours recorded for {entry.person.display_name}, "
            f"week of {entry.week_starting:%d %b %Y}."
        )


class TeamMemberRemoveView(EventMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org_slug: str, pk: int, member_pk: int) -> HttpResponse:
        self.check(permissions.can_manage_team, "change the team")
        member: TeamMember = get_object_or_404(
            TeamMember.objects.select_related("user", "event"), event=self.event, pk=member_pk
        )
        try:
            services.team_member_remove(member=member, by=self.actor)
            messages.success(request, f"{member.user.display_name} is no longer on the team.")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(self.event_url("programmes:event-team"))


class EventStageView(EventMixin, TemplateView):
    """Move the event on (or back, or pause, or close), seeing the checklist first."""

    view_permission = (permissions.can_change_stage,)
    template_name = "programmes/event_stage.html"

    def target(self, form: StageForm | None = None) -> str | None:
        moves = services.allowed_moves(self.event)
        wanted = form.data.get("to_stage") if form is not None else self.request.GET.get("to")
        if wanted in moves:
            return str(wanted)
        forward = services.next_stage(self.event.stage)
        return forward if forward in moves else (moves[0] if moves else None)

    @cached_property
    def forward_readiness(self) -> selectors.Readiness | None:
        """The checklist of the next stage, if moving on is offered."""
        forward = services.next_stage(self.event.stage)
        if forward not in services.allowed_moves(self.event):
            return None
        return selectors.event_readiness(event=self.event, stage=forward)

    def stage_form(self, data: Any = None, **kwargs: Any) -> StageForm:
        """The form, knowing which questions each move asks (moving on asks more when the next
        stage's checklist is not all done)."""
        forward = self.forward_readiness
        return StageForm(
            data,
            moves=services.allowed_moves(self.event),
            from_stage=self.event.stage,
            unmet=[r.label for r in forward.unmet] if forward else [],
            **kwargs,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.stage_form(initial={"to_stage": self.target()})
        target = self.target(form if form.is_bound else None)
        is_forward = target == services.next_stage(self.event.stage)
        readiness = None
        if target:
            readiness = (
                self.forward_readiness
                if is_forward
                else selectors.event_readiness(event=self.event, stage=target)
            )
        context.update(
            form=form,
            needs=form.needs_for(target),
            target=target,
            target_label=Stage(target).label if target else "",
            readiness=readiness,
            is_forward=is_forward,
            guidance=guidance_for(target) if target else None,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check(permissions.can_change_stage, "change the stage")
        form = self.stage_form(request.POST)
        if form.is_valid():
            try:
                transition = services.event_transition(
                    event=self.event,
                    to_stage=form.cleaned_data["to_stage"],
                    by=self.actor,
                    reason=form.cleaned_data["reason"],
                    override=form.cleaned_data["override"],
                    closed_reason=form.cleaned_data["closed_reason"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, f"{self.event.title} is now at {transition.get_to_stage_display()}."
                )
                return redirect(self.event_url())
        return self.render_to_response(self.get_context_data(form=form))


class EventCommentView(EventMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check(permissions.can_comment, "comment")
        form = CommentForm(request.POST)
        if form.is_valid():
            services.event_comment_add(
                event=self.event, text=form.cleaned_data["text"], by=self.actor
            )
            messages.success(request, "Your comment is on the timeline.")
        else:
            messages.error(request, "Write a comment first.")
        return redirect(self.event_url() + "#timeline")

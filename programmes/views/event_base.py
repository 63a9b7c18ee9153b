"""What every page of one Always Event shares: finding it, checking the role, its tabs, and
pages that hold several small forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.views.generic import TemplateView

from alwaysevents.tenancy.mixins import OrganisationViewMixin
from alwaysevents.views import ActionPostMixin, on_a_copy
from programmes import permissions, selectors
from programmes.models import AlwaysEvent, Membership

Permission = Callable[[Membership, AlwaysEvent], bool]

# The tabs of an event's pages: (position, URL name, label). Other apps add theirs from
# `AppConfig.ready()` with `register_tab`, so this app imports none of them.
_tabs: dict[str, tuple[int, str]] = {
    "programmes:event-detail": (10, "Overview"),
    "programmes:event-statements": (20, "Vision and aim"),
    "programmes:event-team": (40, "Team and time"),
    "programmes:event-challenges": (50, "Challenges"),
    "programmes:event-impact": (60, "Impact and value"),
    "programmes:event-sustain": (70, "Sustain and spread"),
}


def register_tab(url_name: str, label: str, position: int) -> None:
    """Add a tab to every event's pages; `url_name` takes `org_slug` and `pk`."""
    _tabs[url_name] = (position, label)


def event_tabs() -> list[tuple[str, str]]:
    return [(name, label) for name, (_, label) in sorted(_tabs.items(), key=lambda i: i[1][0])]


class EventMixin(OrganisationViewMixin):
    """Loads the event named in the URL (404 for any other organisation's) and checks that the
    member may see, or do, what the view is for."""

    # Who may see the page: every member, unless a predicate is given here.
    view_permission: ClassVar[tuple[Permission, ...]] = ()
    tab: ClassVar[str] = "programmes:event-detail"
    event: AlwaysEvent

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.request = request
        self.organisation = request.organisation  # type: ignore[attr-defined]
        try:
            self.event = selectors.event_get(organisation=self.organisation, pk=kwargs["pk"])
        except AlwaysEvent.DoesNotExist as exc:
            raise Http404("No such Always Event.") from exc
        return super().dispatch(request, *args, **kwargs)

    def check(self, permission: Permission | None, what: str = "do this") -> None:
        if permission is not None and not permission(self.membership, self.event):
            raise PermissionDenied(f"Your role does not let you {what} for this Always Event.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        for permission in self.view_permission:
            self.check(permission, "see this page")
        return super().get(request, *args, **kwargs)  # type: ignore[misc]

    def event_url(self, name: str = "programmes:event-detail") -> str:
        return reverse(name, kwargs={"org_slug": self.organisation.slug, "pk": self.event.pk})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership, event = self.membership, self.event
        context.update(
            event=event,
            tabs=[(name, label, name == self.tab) for name, label in event_tabs()],
            can_edit=permissions.can_edit_event(membership, event),
            can_change_stage=permissions.can_change_stage(membership, event),
            can_manage_team=permissions.can_manage_team(membership, event),
            can_comment=permissions.can_comment(membership, event),
        )
        return context


class ActionFormsView(EventMixin, ActionPostMixin, TemplateView):
    """A page of several small forms, each posted with a hidden `action` field.

    Subclasses list `actions = {name: (form class, permission)}` and write
    `perform_<name>(form)`, which calls one service and returns the success message
    (`ActionPostMixin` does the posting).
    """

    actions: ClassVar[dict[str, tuple[type[forms.BaseForm], Permission]]] = {}
    # A `perform_<name>` may set this to go somewhere other than back to the same page.
    next_url: str | None = None

    def form_kwargs(self, name: str) -> dict[str, Any]:
        return {}

    def initial(self, name: str) -> dict[str, Any]:
        return {}

    def build_form(self, name: str, data: Any = None) -> forms.BaseForm:
        """The action's form; bound to `data` and the request's files when posted."""
        form_class, _ = self.actions[name]
        return form_class(
            data=data,
            files=self.request.FILES if data is not None else None,
            initial=self.initial(name),
            prefix=name,
            **on_a_copy(self.form_kwargs(name)),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound: dict[str, forms.BaseForm] = kwargs.pop("bound", {})
        context = super().get_context_data(**kwargs)
        context["forms"] = {
            name: bound.get(name) or self.build_form(name)
            for name, (_, permission) in self.actions.items()
            if permission(self.membership, self.event)
        }
        return context

    def perform(self, name: str, form: Any) -> str:
        return getattr(self, f"perform_{name}")(form)

    def bind_action(self, name: str, data: Any) -> forms.BaseForm:
        self.check(self.actions[name][1])
        return self.build_form(name, data=data)

    def run_action(self, name: str, form: Any) -> tuple[str, str | None]:
        return self.perform(name, form), self.next_url

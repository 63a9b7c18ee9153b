"""Project-level views: the role-aware home page, error pages, and shared form helpers."""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.views import View
from django.views.generic.base import ContextMixin, TemplateResponseMixin, TemplateView

from alwaysevents.exceptions import DomainError


def on_a_copy(form_kwargs: dict[str, Any]) -> dict[str, Any]:
    """A model form's keyword arguments with a copy of its instance: while it validates, a model
    form writes what was posted onto its instance, refused values too. Its copy keeps the page
    (shown again with the errors) and the service from taking a refused value for the saved one.
    """
    if form_kwargs.get("instance") is not None:
        form_kwargs["instance"] = copy.copy(form_kwargs["instance"])
    return form_kwargs


class ServiceFormMixin:
    """Form views whose `perform(form)` calls one service.

    A `DomainError` from the service becomes an error on the named field (or the whole form),
    so the person sees what is wrong and loses nothing they typed. A model form works on a copy
    of its instance (`on_a_copy`).
    """

    success_message: str = ""
    request: HttpRequest

    def get_form(self, form_class: Any = None) -> Any:
        form_class = form_class or self.get_form_class()  # type: ignore[attr-defined]
        return form_class(**on_a_copy(self.get_form_kwargs()))  # type: ignore[attr-defined]

    def perform(self, form: Any) -> Any:
        raise NotImplementedError  # pragma: no cover - each view defines it

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.object = self.perform(form)
        except DomainError as error:
            add_domain_error(form, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        if self.success_message:
            messages.success(self.request, self.success_message.format(object=self.object))
        return redirect(self.get_success_url())  # type: ignore[attr-defined]


def add_domain_error(form: BaseForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class ActionPostMixin(TemplateResponseMixin, ContextMixin):
    """A page of several small forms, each posted with a hidden `action` field.

    The view lists its `actions`, binds the posted one's form in `bind_action(name, data)`
    (raising PermissionDenied when the person may not use it) and runs it in
    `run_action(name, form)`, which calls one service and returns the success message and
    where to go next (None: this page again). A `DomainError` becomes an error on the form,
    which is shown again with what was typed: `get_context_data(bound={name: form})`.
    """

    request: HttpRequest
    actions: ClassVar[Collection[str]] = ()
    # An unknown action: a bad request, or (`unknown_action_404`) not found.
    unknown_action_404: ClassVar[bool] = False

    if TYPE_CHECKING:

        def bind_action(self, name: str, data: Any) -> BaseForm: ...

        def run_action(self, name: str, form: Any) -> tuple[str, str | None]: ...

    def action_of(self, request: HttpRequest) -> str:
        return request.POST.get("action", "")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = self.action_of(request)
        if name not in self.actions:
            if self.unknown_action_404:
                raise Http404("Unknown action.")
            return HttpResponseBadRequest("Unknown action.")
        form = self.bind_action(name, request.POST)
        if form.is_valid():
            try:
                message, url = self.run_action(name, form)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, message)
                return redirect(url or request.path)
        return self.render_to_response(self.get_context_data(bound={name: form}))


class HomeView(View):
    """Send each person to their role's home page."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        from programmes.models import Role
        from programmes.selectors import membership_list_for_user

        user = request.user
        if getattr(user, "is_programme_admin", False):
            return redirect("programmes:programme-home")
        if getattr(user, "is_reviewer", False):
            return redirect("accreditation:reviewer-home")
        memberships = membership_list_for_user(user=user)  # type: ignore[arg-type]
        if memberships:
            remembered = request.session.get("current_organisation")
            chosen = next(
                (m for m in memberships if m.organisation.slug == remembered), memberships[0]
            )
            if chosen.role == Role.PARTNER:  # the partner pages only
                return redirect("coproduction:partner-home", org_slug=chosen.organisation.slug)
            if chosen.role == Role.EXECUTIVE_SPONSOR:  # sponsors land on the dashboard
                return redirect("reporting:dashboard", org_slug=chosen.organisation.slug)
            return redirect("programmes:organisation-home", org_slug=chosen.organisation.slug)
        return render(request, "home_no_organisation.html")


class AccountView(TemplateView):
    """Your account: the organisations you belong to (to change between them) and your settings."""

    template_name = "account/home.html"


def _error_page(template: str, status: int, request: HttpRequest | None = None) -> HttpResponse:
    content = loader.get_template(template).render({"request": request}, None)
    return HttpResponse(content, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    return _error_page("errors/500.html", 500)

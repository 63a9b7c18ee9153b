"""The signed-in person's own notifications and preferences.

These pages are personal, not organisation pages: every query filters on the signed-in
recipient, so nobody can see or mark anyone else's notification (someone else's id: 404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView

from alwaysevents.reporting import selectors
from alwaysevents.reporting.forms import NotificationPreferencesForm
from alwaysevents.reporting.models import Notification
from alwaysevents.reporting.services.preferences import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
)
from alwaysevents.views import ServiceFormMixin

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


class NotificationListView(TemplateView):
    template_name = "reporting/notification_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        notifications = selectors.notification_list_for_user(user=_user(self.request))
        page = Paginator(notifications, self.paginate_by).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["notifications"] = page.object_list
        return context


class NotificationPreferencesView(ServiceFormMixin, FormView):
    form_class = NotificationPreferencesForm
    template_name = "reporting/notification_preferences.html"
    success_message = "Your notification preferences are saved."

    def get_initial(self) -> dict[str, Any]:
        user = _user(self.request)
        initial: dict[str, Any] = dict(selectors.notification_preference_map(user=user))
        initial["digest_frequency"] = selectors.digest_frequency_for_user(user=user)
        return initial

    def perform(self, form: NotificationPreferencesForm) -> Any:
        return notification_preferences_set(
            user=_user(self.request),
            channels=form.channels(),
            digest_frequency=form.cleaned_data["digest_frequency"],
        )

    def get_success_url(self) -> str:
        return reverse("reporting:notification-preferences")


class NotificationReadView(View):
    """Mark one notification read, then go to what it is about (or back to the list)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            notification = notification_mark_read(user=_user(request), notification_id=pk)
        except Notification.DoesNotExist as error:
            raise Http404("No such notification.") from error
        target = request.POST.get("next", "")
        if target == "open" and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}
        ):
            return redirect(notification.url or "reporting:notification-list")
        return redirect("reporting:notification-list")


class NotificationReadAllView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        count = notification_mark_all_read(user=_user(request))
        messages.success(
            request,
            f"Marked {count} notification{'s' if count != 1 else ''} as read."
            if count
            else "There was nothing unread.",
        )
        return redirect("reporting:notification-list")

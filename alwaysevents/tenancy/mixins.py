"""View mixins: the one place views check roles and narrow what they show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User


class OrganisationViewMixin:
    """For every view under `/o/<org_slug>/`.

    `OrganisationMiddleware` has already answered 404 to non-members. This mixin checks the
    member's role against `allowed_roles` (403 with a plain explanation when it is not
    enough), narrows `get_queryset()` to the organisation and hands the organisation to forms.

    `allowed_roles = None` means every *staff* role (`programmes.models.STAFF_ROLES`): a
    partner's membership reaches only the pages that name the partner role explicitly.
    """

    allowed_roles: ClassVar[frozenset[str] | None] = None  # None: every staff role
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        membership = getattr(request, "membership", None)
        if membership is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} must be routed under /o/<org_slug>/."
            )
        from programmes.models import STAFF_ROLES

        allowed = STAFF_ROLES if self.allowed_roles is None else self.allowed_roles
        if membership.role not in allowed:
            raise PermissionDenied("Your role in this organisation does not include this page.")
        self.organisation = request.organisation  # type: ignore[attr-defined]
        self.membership = membership
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    @property
    def actor(self) -> User:
        """The signed-in person (LoginRequiredMiddleware guarantees one)."""
        return cast("User", self.request.user)

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()  # type: ignore[misc]
        return queryset.filter(organisation=self.organisation)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["organisation"] = self.organisation
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["organisation"] = self.organisation
        context["membership"] = self.membership
        return context


class ProgrammeViewMixin:
    """For programme-wide pages. Only programme admins (and, where allowed, reviewers)."""

    allow_programme_admin: ClassVar[bool] = True
    allow_reviewer: ClassVar[bool] = False
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        allowed = (self.allow_programme_admin and getattr(user, "is_programme_admin", False)) or (
            self.allow_reviewer and getattr(user, "is_reviewer", False)
        )
        if not allowed:
            raise PermissionDenied("This page is for the NHS England programme team.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

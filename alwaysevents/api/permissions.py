"""Who may call what. The rules themselves are the UI's predicates (`programmes.permissions`,
`measurement.permissions`, `coproduction.permissions`); this module only applies them to a
token or session: membership of the organisation in the path (404 otherwise, like the pages),
the token's organisation limit and its read-only flag."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import exceptions, permissions
from rest_framework.request import Request

from alwaysevents.api.models import ApiToken
from programmes.models import STAFF_ROLES
from programmes.permissions import can_manage_programme
from programmes.selectors import membership_for_user

if TYPE_CHECKING:
    from programmes.models import Membership


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def membership_for_request(request: Request, slug: str) -> Membership:
    """The caller's active membership of the organisation `slug`; 404 for anyone else.

    A token limited to another organisation gets the same 404: it cannot tell whether the
    organisation exists.
    """
    token = token_of(request)
    limited = token is not None and token.organisation_id is not None
    if limited and (token.organisation is None or token.organisation.slug != slug):  # type: ignore[union-attr]
        raise exceptions.NotFound()
    membership = membership_for_user(user=request.user, organisation_slug=slug)  # type: ignore[arg-type]
    if membership is None:
        raise exceptions.NotFound()
    if membership.role not in STAFF_ROLES:
        # A partner's sign-in reaches only their own pages, never the organisation's data.
        raise exceptions.PermissionDenied(
            "The API is for staff; a partner's sign-in has no access."
        )
    return membership


class TokenAllowsMethod(permissions.BasePermission):
    """A read-only token reads; it never writes."""

    message = "This token is read-only. Create a token without that limit to send data."
    code = "read_only_token"

    def has_permission(self, request: Request, view: Any) -> bool:
        token = token_of(request)
        return not (
            token is not None and token.read_only and request.method not in permissions.SAFE_METHODS
        )


class IsProgrammeAdmin(permissions.BasePermission):
    """Programme-wide aggregates: programme admins, with a token not limited to one organisation."""

    message = "This is for the NHS England programme team, with a token for the whole programme."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = token_of(request)
        if token is not None and token.organisation_id is not None:
            return False
        return can_manage_programme(request.user)  # type: ignore[arg-type]


def require(allowed: bool, what: str) -> None:
    """Raise 403 naming what the caller's role does not include."""
    if not allowed:
        raise exceptions.PermissionDenied(
            f"Your role in this organisation does not include {what}."
        )

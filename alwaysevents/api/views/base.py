"""The base every API view stands on: our auth, our errors, and the organisation in the path."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from alwaysevents.api.errors import PayloadTooLarge
from alwaysevents.api.permissions import TokenAllowsMethod, membership_for_request
from alwaysevents.api.serializers import ErrorSerializer
from alwaysevents.tenancy.scope import organisation_scope

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

ERRORS = {
    status: OpenApiResponse(ErrorSerializer, description=text)
    for status, text in {
        400: "Not valid: see field_errors. A body that is not JSON, or nests lists and objects "
        "deeper than API_JSON_MAX_DEPTH, is refused before it is parsed (code parse_error).",
        413: "The request body is too large (API_MAX_BODY_BYTES).",
        401: "No token, or a token that is unknown, expired or revoked.",
        403: "Your role (or the token's limits) does not allow this.",
        404: "Not found, or not in an organisation you belong to.",
        429: "Too many requests, or too many failed tokens from your address: see the "
        "Retry-After header.",
    }.items()
}


def responses(ok: Any, *codes: int, status: int = 200) -> dict[int, Any]:
    """The documented answers of an operation: the success shape and these error codes."""
    return {status: ok, **{code: ERRORS[code] for code in (401, 404, 429, *codes)}}


class ApiView(generics.GenericAPIView):
    """Answers for itself: exempt from the sign-in redirect, authenticates token or session."""

    permission_classes = [permissions.IsAuthenticated, TokenAllowsMethod]

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        return login_not_required(super().as_view(**initkwargs))

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Refuse a body over API_MAX_BODY_BYTES (413) before anything reads it."""
        if request.method not in permissions.SAFE_METHODS:
            length = request.META.get("CONTENT_LENGTH") or "0"
            if not length.isdigit() or int(length) > settings.API_MAX_BODY_BYTES:
                raise PayloadTooLarge(
                    f"The request is larger than {settings.API_MAX_BODY_BYTES} bytes. "
                    "Send the rows in several requests."
                )
        super().initial(request, *args, **kwargs)

    @property
    def actor(self) -> User:
        """The caller (authentication guarantees one before any handler runs)."""
        return cast("User", self.request.user)


class OrganisationApiView(ApiView):
    """Under /api/v1/organisations/<org_slug>/: member of that organisation, or 404.

    Runs the handler inside the organisation's scope, like `OrganisationMiddleware` for pages.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.membership = membership_for_request(request, kwargs["org_slug"])
        self.organisation = self.membership.organisation
        self._scope = ExitStack()
        self._scope.enter_context(organisation_scope(self.organisation))

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        scope = getattr(self, "_scope", None)
        if scope is not None:
            scope.close()
        return super().finalize_response(request, response, *args, **kwargs)

    def paginated(self, items: Any, serializer_class: Any) -> Response:
        page = self.paginate_queryset(items)
        return self.get_paginated_response(serializer_class(page, many=True).data)


__all__ = ["ERRORS", "ApiView", "OrganisationApiView", "extend_schema", "responses"]

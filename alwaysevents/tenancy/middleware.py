from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from alwaysevents.tenancy.scope import organisation_scope

ORG_PREFIX = "/o/"


class OrganisationMiddleware:
    """Resolve `/o/<org_slug>/...` to the signed-in user's active membership.

    Sets `request.organisation` and `request.membership`, and runs the view and the rendering
    of its response inside that organisation's scope. Anyone who is not an active member of an
    active organisation gets 404, whether or not the organisation exists. Anonymous visitors
    pass through to `LoginRequiredMiddleware`, which sends them to sign in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        slug = self._slug(request.path_info)
        if slug is None or not request.user.is_authenticated:
            return self.get_response(request)

        from programmes.selectors import membership_for_user

        membership = membership_for_user(user=request.user, organisation_slug=slug)
        if membership is None:
            raise Http404("No such organisation.")
        request.organisation = membership.organisation  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        if request.session.get("current_organisation") != slug:
            # Assigning marks the session changed: set only when it is, or every page would
            # write the session (a transaction and an UPDATE) on every request.
            request.session["current_organisation"] = slug
        with organisation_scope(membership.organisation):
            response = self.get_response(request)
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                response = render()
        return response

    @staticmethod
    def _slug(path: str) -> str | None:
        if not path.startswith(ORG_PREFIX):
            return None
        slug = path[len(ORG_PREFIX) :].split("/", 1)[0]
        return slug or None

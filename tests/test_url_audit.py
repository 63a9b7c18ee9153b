"""Every route of ours lives under /o/<org_slug>/ unless it is on this reviewed allow-list."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

ORG_PREFIX = "o/<slug:org_slug>/"

# Reviewed: each is public, programme-wide behind ProgrammeViewMixin, or third-party.
ALLOWED_OUTSIDE_ORG = {
    "": "home: redirects each person to their role's home",
    "healthz": "health check: public, reveals nothing",
    "account/": "each person's own account page: their organisations and settings",
    "programme/": "programme admins (ProgrammeViewMixin)",
    "programme/organisations/new/": "programme admins",
    "programme/organisations/<slug:slug>/edit/": "programme admins",
    "programme/organisations/<slug:slug>/invite-admin/": "programme admins",
    "programme/cohorts/new/": "programme admins",
    "programme/cohorts/<int:pk>/edit/": "programme admins",
    "programme/people/": "programme admins",
    "programme/people/<int:pk>/remove/<str:role>/": "programme admins",
    "programme/dashboard/": "programme admins: aggregates across organisations",
    "programme/dashboard/<slug:table>.csv": "programme admins: the dashboard's tables as CSV",
    "reviews/": "reviewers (ProgrammeViewMixin)",
    "reviews/<int:pk>/": "reviewers (ProgrammeViewMixin; 404 unless assigned to them)",
    "reviews/<int:pk>/evidence/<int:evidence_pk>/": "reviewers (as above; snapshot's files only)",
    "programme/accreditation/": "programme admins",
    "programme/accreditation/submissions/<int:pk>/": "programme admins",
    "programme/accreditation/submissions/<int:pk>/moderate/": "programme admins",
    "verify/": "public: certificate verification form, reveals nothing by itself",
    "verify/<str:code>/": "public: a certificate's title, organisation, decision date, expiry",
    "programme/accreditation/criteria/": "programme admins (ProgrammeViewMixin)",
    "programme/accreditation/criteria/<int:number>/": "programme admins",
    "invitations/<str:token>/": "public: the signed, expiring link in an invitation email",
    "notifications/": "personal: the signed-in person's own notifications (recipient filter)",
    "notifications/preferences/": "personal: the signed-in person's own preferences",
    "notifications/<int:pk>/read/": "personal: 404 unless the notification is the person's",
    "notifications/read-all/": "personal: only the person's own notifications",
    "reports/acknowledge/<str:token>/": "public: the signed, expiring link in a report email; "
    "acknowledges that one report for its sponsor only, once, on a button press",
    "account/tokens/": "each person's own API tokens (signed in; nothing of an organisation)",
    "account/tokens/<int:pk>/revoke/": "revokes only the signed-in person's own token (else 404)",
    "api/schema/": "public: the OpenAPI schema, no data",
    "api/docs/": "public: the API documentation page, no data",
    "api/v1/organisations/": "the caller's own memberships (token or session)",
    "api/v1/programme/organisations/": "programme admins only (IsProgrammeAdmin): aggregates",
}
# The API's organisation resources are scoped in their own path and answer 404 to non-members
# (alwaysevents.api.permissions.membership_for_request), exactly like /o/<org_slug>/.
API_ORG_PREFIX = "api/v1/organisations/<slug:org_slug>/"
THIRD_PARTY_PREFIXES = ("accounts/", "admin/")


def walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def our_routes():
    for route, entry in walk(get_resolver().url_patterns):
        if route.startswith(THIRD_PARTY_PREFIXES):
            continue
        yield route, entry


def test_every_route_is_under_the_organisation_prefix_or_allowed():
    escaped = sorted(
        route
        for route, _ in our_routes()
        if not route.startswith((ORG_PREFIX, API_ORG_PREFIX)) and route not in ALLOWED_OUTSIDE_ORG
    )
    assert escaped == [], f"Routes outside /o/<org_slug>/ and not on the allow-list: {escaped}"


def test_allow_list_has_no_stale_entries():
    routes = {route for route, _ in our_routes()}
    assert set(ALLOWED_OUTSIDE_ORG) - routes == set()


def test_organisation_routes_use_the_organisation_mixin():
    from alwaysevents.tenancy.mixins import OrganisationViewMixin

    for route, entry in our_routes():
        if route.startswith(ORG_PREFIX):
            view_class = getattr(entry.callback, "view_class", None)
            assert view_class is not None and issubclass(view_class, OrganisationViewMixin), route


def test_programme_routes_use_the_programme_mixin():
    from alwaysevents.tenancy.mixins import ProgrammeViewMixin

    for route, entry in our_routes():
        if route.startswith(("programme/", "reviews/")):
            view_class = getattr(entry.callback, "view_class", None)
            assert view_class is not None and issubclass(view_class, ProgrammeViewMixin), route


def test_walk_finds_the_organisation_routes():
    """Guard against an audit that passes because it saw nothing."""
    routes = {route for route, _ in our_routes()}
    assert ORG_PREFIX in routes
    assert f"{ORG_PREFIX}members/" in routes


def test_api_organisation_routes_use_the_organisation_api_view():
    from alwaysevents.api.views.base import OrganisationApiView

    routes = [(r, e) for r, e in our_routes() if r.startswith(API_ORG_PREFIX)]
    assert routes
    for route, entry in routes:
        view_class = getattr(entry.callback, "cls", None)
        assert view_class is not None and issubclass(view_class, OrganisationApiView), route

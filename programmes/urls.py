from django.urls import path

from programmes.views import invitation, organisation, programme

app_name = "programmes"

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    # Inside one organisation (OrganisationMiddleware answers 404 to non-members).
    path(ORG, organisation.OrganisationHomeView.as_view(), name="organisation-home"),
    path(f"{ORG}members/", organisation.MembershipListView.as_view(), name="membership-list"),
    path(
        f"{ORG}members/invite/",
        organisation.InvitationCreateView.as_view(),
        name="invitation-create",
    ),
    path(
        f"{ORG}members/<int:pk>/role/",
        organisation.MembershipRoleUpdateView.as_view(),
        name="membership-role",
    ),
    path(
        f"{ORG}members/<int:pk>/deactivate/",
        organisation.MembershipDeactivateView.as_view(),
        name="membership-deactivate",
    ),
    path(
        f"{ORG}members/<int:pk>/reactivate/",
        organisation.MembershipReactivateView.as_view(),
        name="membership-reactivate",
    ),
    path(
        f"{ORG}invitations/<int:pk>/revoke/",
        organisation.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    # Programme-wide (ProgrammeViewMixin: programme admins only).
    path("programme/", programme.ProgrammeHomeView.as_view(), name="programme-home"),
    path(
        "programme/organisations/new/",
        programme.OrganisationCreateView.as_view(),
        name="organisation-create",
    ),
    path(
        "programme/organisations/<slug:slug>/edit/",
        programme.OrganisationUpdateView.as_view(),
        name="organisation-update",
    ),
    path(
        "programme/organisations/<slug:slug>/invite-admin/",
        programme.OrganisationInviteAdminView.as_view(),
        name="organisation-invite-admin",
    ),
    path("programme/cohorts/new/", programme.CohortCreateView.as_view(), name="cohort-create"),
    path(
        "programme/cohorts/<int:pk>/edit/",
        programme.CohortUpdateView.as_view(),
        name="cohort-update",
    ),
    path("programme/people/", programme.ProgrammePeopleView.as_view(), name="programme-people"),
    path(
        "programme/people/<int:pk>/remove/<str:role>/",
        programme.ProgrammeRoleRemoveView.as_view(),
        name="programme-role-remove",
    ),
    # Public: the emailed link.
    path(
        "invitations/<str:token>/",
        invitation.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
]

from django.urls import path

from programmes.views import event_records, events, exports, invitation, organisation, programme

app_name = "programmes"

ORG = "o/<slug:org_slug>/"

EXPORT_FORMATS = ("csv", "xlsx")  # downloads: the same table as CSV or Excel

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

EVENT = f"{ORG}events/<int:pk>/"

urlpatterns += [
    path(f"{ORG}events/", events.EventListView.as_view(), name="event-list"),
    path(f"{ORG}events/new/", events.EventCreateView.as_view(), name="event-create"),
    path(EVENT, events.EventDetailView.as_view(), name="event-detail"),
    path(f"{EVENT}edit/", events.EventUpdateView.as_view(), name="event-update"),
    path(f"{EVENT}leadership/", events.EventLeadershipView.as_view(), name="event-leadership"),
    path(f"{EVENT}stage/", events.EventStageView.as_view(), name="event-stage"),
    path(f"{EVENT}team/", events.EventTeamView.as_view(), name="event-team"),
    path(
        f"{EVENT}team/<int:member_pk>/remove/",
        events.TeamMemberRemoveView.as_view(),
        name="event-team-remove",
    ),
    path(f"{EVENT}comments/", events.EventCommentView.as_view(), name="event-comment"),
    path(
        f"{EVENT}statements/", event_records.EventStatementsView.as_view(), name="event-statements"
    ),
    path(
        f"{EVENT}statements/vision/", event_records.EventVisionView.as_view(), name="event-vision"
    ),
    path(
        f"{EVENT}statements/sign-off/",
        event_records.VisionSignOffView.as_view(),
        name="event-sign-off",
    ),
    path(f"{EVENT}statements/aim/", event_records.EventAimView.as_view(), name="event-aim"),
    path(
        f"{EVENT}statements/criteria/<slug:kind>/",
        event_records.EventCriterionView.as_view(),
        name="event-criterion",
    ),
    path(f"{EVENT}score/", event_records.ProgressScoreView.as_view(), name="event-score"),
    path(
        f"{EVENT}challenges/", event_records.EventChallengesView.as_view(), name="event-challenges"
    ),
    path(
        f"{EVENT}challenges/<int:challenge_pk>/status/",
        event_records.ChallengeStatusView.as_view(),
        name="event-challenge-status",
    ),
    path(f"{EVENT}impact/", event_records.EventImpactView.as_view(), name="event-impact"),
    path(f"{EVENT}sustain/", event_records.EventSustainView.as_view(), name="event-sustain"),
    path(f"{ORG}staff-rates/", event_records.StaffRateView.as_view(), name="staff-rates"),
]

# --- downloads (CSV or Excel: fmt is csv or xlsx) -------------------------------------------
urlpatterns += [
    *(
        path(
            f"{ORG}events/export.{fmt}",
            exports.EventListExportView.as_view(),
            {"fmt": fmt},
            name="event-export",
        )
        for fmt in EXPORT_FORMATS
    ),
    *(
        path(
            f"{EVENT}challenges/export.{fmt}",
            exports.ChallengesExportView.as_view(),
            {"fmt": fmt},
            name="event-challenges-export",
        )
        for fmt in EXPORT_FORMATS
    ),
]

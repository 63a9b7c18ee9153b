from django.urls import path

from accreditation import programme_views, team_views, views

app_name = "accreditation"

ORG = "o/<slug:org_slug>/"
EVENT = f"{ORG}events/<int:pk>/"
SUBMISSION = f"{EVENT}accreditation/submissions/<int:submission_pk>/"

urlpatterns = [
    path("reviews/", views.ReviewerHomeView.as_view(), name="reviewer-home"),
    # Programme admins: criteria versions (programme_views.py).
    path(
        "programme/accreditation/criteria/",
        programme_views.CriteriaVersionListView.as_view(),
        name="criteria-version-list",
    ),
    path(
        "programme/accreditation/criteria/<int:number>/",
        programme_views.CriteriaVersionDetailView.as_view(),
        name="criteria-version",
    ),
    # The team's pages (team_views.py).
    path(
        f"{EVENT}accreditation/",
        team_views.EventAccreditationView.as_view(),
        name="event-accreditation",
    ),
    path(SUBMISSION, team_views.SubmissionDetailView.as_view(), name="submission-detail"),
    path(
        f"{SUBMISSION}snapshot/",
        team_views.SubmissionSnapshotView.as_view(),
        name="submission-snapshot",
    ),
    path(
        f"{SUBMISSION}self-assessment/",
        team_views.SubmissionAssessView.as_view(),
        name="submission-assess",
    ),
    path(
        f"{ORG}accreditation/evidence/<int:evidence_pk>/",
        team_views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
]

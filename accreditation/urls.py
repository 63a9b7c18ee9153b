from django.urls import path

from accreditation import programme_views, review_views, team_views, views

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
    # The team's side of the review (review_views.py): answers, feedback, the certificate.
    path(f"{SUBMISSION}review/", review_views.TeamReviewView.as_view(), name="submission-review"),
    path(
        f"{SUBMISSION}certificate/",
        review_views.CertificateDownloadView.as_view(),
        name="certificate-download",
    ),
    # Reviewers (ProgrammeViewMixin, reviewers only; 404 for submissions not assigned to them).
    path("reviews/<int:pk>/", review_views.ReviewDetailView.as_view(), name="review-detail"),
    path(
        "reviews/<int:pk>/evidence/<int:evidence_pk>/",
        review_views.ReviewEvidenceView.as_view(),
        name="review-evidence",
    ),
    # The programme team (ProgrammeViewMixin, programme admins).
    path(
        "programme/accreditation/",
        review_views.AccreditationProgrammeView.as_view(),
        name="programme-accreditation",
    ),
    path(
        "programme/accreditation/submissions/<int:pk>/",
        review_views.SubmissionManageView.as_view(),
        name="programme-submission",
    ),
    path(
        "programme/accreditation/submissions/<int:pk>/moderate/",
        review_views.ModerationView.as_view(),
        name="programme-moderate",
    ),
    # Public: anyone holding a certificate's code.
    path("verify/", review_views.VerifyView.as_view(), name="verify"),
    path("verify/<str:code>/", review_views.VerifyView.as_view(), name="verify-code"),
]

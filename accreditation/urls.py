from django.urls import path

from accreditation import review_views

app_name = "accreditation"

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    # Reviewers (ProgrammeViewMixin, reviewers only; 404 for submissions not assigned to them).
    path("reviews/", review_views.ReviewerHomeView.as_view(), name="reviewer-home"),
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
    # The team (inside its organisation).
    path(
        f"{ORG}accreditation/submissions/<int:pk>/review/",
        review_views.TeamReviewView.as_view(),
        name="submission-review",
    ),
    path(
        f"{ORG}accreditation/submissions/<int:pk>/certificate/",
        review_views.CertificateDownloadView.as_view(),
        name="certificate-download",
    ),
    # Public: anyone holding a certificate's code.
    path("verify/", review_views.VerifyView.as_view(), name="verify"),
    path("verify/<str:code>/", review_views.VerifyView.as_view(), name="verify-code"),
]

"""Accreditation pages. The review side lives in `accreditation.review_views`."""

from accreditation.review_views import ReviewerHomeView

__all__ = ["ReviewerHomeView"]

from __future__ import annotations

from django.views.generic import TemplateView

from alwaysevents.tenancy.mixins import ProgrammeViewMixin


class ReviewerHomeView(ProgrammeViewMixin, TemplateView):
    """A reviewer's home: the submissions assigned to them.

    Submissions and assignments arrive with the accreditation issue; until then the page says
    plainly that nothing is assigned.
    """

    allow_programme_admin = False
    allow_reviewer = True
    template_name = "accreditation/reviewer_home.html"

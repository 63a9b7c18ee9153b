"""Pages of the review: reviewers' work, the programme team's handling and moderation, the
team's answers and outcome, the certificate, and the public verification page.

Reviewers reach only submissions assigned to them (404 otherwise), and see nothing of one
until they have declared no conflict of interest; what they see is the frozen snapshot.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from accreditation import programme_selectors as ps
from accreditation import review_permissions as perms
from accreditation import review_selectors as rs
from accreditation.certificates import certificate_filename, certificate_pdf
from accreditation.models import (
    Criterion,
    Evidence,
    InformationRequest,
    ReviewerAssignment,
    Submission,
)
from accreditation.review_forms import (
    AssignReviewerForm,
    ConflictDeclarationForm,
    DecisionForm,
    InformationAnswerForm,
    InformationRequestForm,
    ReleaseReviewerForm,
    ReturnForm,
    ReviewForm,
    VerifyForm,
)
from accreditation.services import decision as decision_services
from accreditation.services import review as review_services
from accreditation.team_views import SubmissionMixin
from alwaysevents.tenancy.mixins import ProgrammeViewMixin
from alwaysevents.tenancy.scope import across_organisations
from alwaysevents.views import ActionPostMixin


def _criteria(submission: Submission) -> list[Criterion]:
    return list(
        Criterion.objects.filter(version_id=submission.criteria_version_id).order_by(
            "position", "code"
        )
    )


def _auto_id(kind: str, pk: Any) -> str:
    """Ids for one of several copies of a form on a page (one a reviewer, one a question), so
    each field's id, and the error summary's link to it, is unique."""
    return f"id_{kind}{pk}_%s" if str(pk).isdigit() else "id_%s"


class _ActionsMixin(ActionPostMixin):
    """`ActionPostMixin` with `perform_<action>(form)` returning (message, url or None)."""

    actions: ClassVar[tuple[str, ...]] = ()

    def run_action(self, name: str, form: Any) -> tuple[str, str | None]:
        return getattr(self, f"perform_{name}")(form)


# --- reviewers ----------------------------------------------------------------------------------


class ReviewerHomeView(ProgrammeViewMixin, TemplateView):
    """A reviewer's home: the submissions assigned to them."""

    allow_programme_admin = False
    allow_reviewer = True
    template_name = "accreditation/reviewer_home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = rs.reviewer_assignment_list(reviewer=self.request.user)  # type: ignore[arg-type]
        return context


class _ReviewerAssignmentMixin(ProgrammeViewMixin):
    allow_programme_admin = False
    allow_reviewer = True
    kwargs: dict[str, Any]

    @cached_property
    def assignment(self) -> ReviewerAssignment:
        try:
            return rs.reviewer_assignment_get(
                reviewer=self.request.user,  # type: ignore[arg-type]
                submission_pk=self.kwargs["pk"],
            )
        except ReviewerAssignment.DoesNotExist as exc:
            raise Http404("No such review.") from exc


class ReviewDetailView(_ReviewerAssignmentMixin, _ActionsMixin, TemplateView):
    """Declare conflicts first; then the snapshot beside the reviewer's own scores."""

    actions = ("declare", "save", "submit", "ask")

    def get_template_names(self) -> list[str]:
        if self.assignment.declared_at is None:
            return ["accreditation/review_declare.html"]
        return ["accreditation/review_detail.html"]

    def bind_action(self, action: str, data: Any) -> forms.Form:
        assignment = self.assignment
        if action == "declare":
            if not perms.can_declare_conflicts(self.request.user, assignment):  # type: ignore[arg-type]
                raise PermissionDenied("You have already declared your conflicts of interest.")
            return ConflictDeclarationForm(data)
        if not perms.can_score(self.request.user, assignment):  # type: ignore[arg-type]
            raise PermissionDenied("Declare your conflicts of interest first.")
        criteria = _criteria(assignment.submission)
        if action == "ask":
            return InformationRequestForm(data, criteria=criteria, prefix="ask")
        return ReviewForm(data, criteria=criteria, submitting=action == "submit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound: dict[str, forms.Form] = kwargs.pop("bound", {})
        context = super().get_context_data(**kwargs)
        assignment = self.assignment
        submission = assignment.submission
        context.update(assignment=assignment, submission=submission)
        if assignment.declared_at is None:
            context["form"] = bound.get("declare") or ConflictDeclarationForm()
            context["title"] = rs.reviewer_assignment_list_title(assignment=assignment)
            return context
        space = rs.review_workspace(submission=submission, assignment=assignment)
        criteria = [row.criterion for row in space.rows]
        review = space.review
        form = bound.get("save") or bound.get("submit")
        if form is None:
            initial: dict[str, Any] = {"version": review.version if review else 1}
            if review is not None:
                initial.update(
                    overall_comment=review.overall_comment, recommendation=review.recommendation
                )
            for row in space.rows:
                if row.mine is not None:
                    initial[f"judgement_{row.criterion.pk}"] = row.mine.judgement
                    initial[f"comment_{row.criterion.pk}"] = row.mine.comment
            form = ReviewForm(initial=initial, criteria=criteria)
        fields = {c.pk: (j, t) for c, j, t in cast(ReviewForm, form).rows()}
        context.update(
            space=space,
            review=review,
            form=form,
            rows=[(row, *fields[row.criterion.pk]) for row in space.rows],
            ask_form=bound.get("ask") or InformationRequestForm(criteria=criteria, prefix="ask"),
            stale=getattr(self, "stale", False),
        )
        return context

    def perform_declare(self, form: ConflictDeclarationForm) -> tuple[str, str | None]:
        has_conflict = form.cleaned_data["has_conflict"]
        review_services.assignment_declare(
            assignment=self.assignment,
            by=self.request.user,  # type: ignore[arg-type]
            has_conflict=has_conflict,
            details=form.cleaned_data["conflict_details"],
        )
        if has_conflict:
            return (
                "Thank you. You have been released from this review; the programme team will "
                "assign someone else.",
                reverse("accreditation:reviewer-home"),
            )
        return "Thank you. You can now read the submission and score it.", None

    def _save(self, form: ReviewForm, *, submit: bool) -> tuple[str, str | None]:
        review = self.assignment.review
        try:
            review_services.review_save(
                review=review,
                by=self.request.user,  # type: ignore[arg-type]
                version=form.cleaned_data["version"],
                scores=form.judgements(),
                overall_comment=form.cleaned_data["overall_comment"],
                recommendation=form.cleaned_data["recommendation"] or "",
                submit=submit,
            )
        except review_services.StaleReviewError:
            self.stale = True
            raise
        if submit:
            return "Your review has been submitted. Thank you.", None
        return "Your scores have been saved. You can come back to them.", None

    def perform_save(self, form: ReviewForm) -> tuple[str, str | None]:
        return self._save(form, submit=False)

    def perform_submit(self, form: ReviewForm) -> tuple[str, str | None]:
        return self._save(form, submit=True)

    def perform_ask(self, form: InformationRequestForm) -> tuple[str, str | None]:
        review_services.information_request_create(
            submission=self.assignment.submission,
            by=self.request.user,  # type: ignore[arg-type]
            question=form.cleaned_data["question"],
            criterion=form.cleaned_data["criterion"],
        )
        return "Your question has been sent to the team. The deadline is paused.", None

    def action_of(self, request: HttpRequest) -> str:
        # Submitting uses the same form as saving, with another button.
        action = super().action_of(request)
        return "submit" if action == "save" and "submit" in request.POST else action


class ReviewEvidenceView(_ReviewerAssignmentMixin, View):
    """An evidence file listed in the snapshot the reviewer sees (and no other)."""

    def get(self, request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
        assignment = self.assignment
        if not perms.can_see_snapshot(request.user, assignment):  # type: ignore[arg-type]
            raise Http404("Declare your conflicts of interest first.")
        if not rs.reviewer_evidence_allowed(assignment=assignment, evidence_id=evidence_pk):
            raise Http404("No such evidence in this submission.")
        with across_organisations():
            evidence = Evidence.objects.filter(
                pk=evidence_pk, submission_id=assignment.submission_id, kind=Evidence.Kind.FILE
            ).first()
        if evidence is None or not evidence.file:
            raise Http404("No such file.")
        return FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=(evidence.file.name or "evidence").rsplit("/", 1)[-1],
            content_type=evidence.content_type or "application/octet-stream",
        )


# --- the programme team --------------------------------------------------------------------------


class AccreditationProgrammeView(ProgrammeViewMixin, TemplateView):
    """The programme view: what needs doing, the funnel, time in states, workload, criteria."""

    template_name = "accreditation/programme_accreditation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            queue=rs.submission_queue(),
            funnel=ps.accreditation_funnel(),
            times=ps.time_in_states(),
            workload=ps.reviewer_workload(),
            not_met=ps.criteria_most_often_not_met(),
            decided=ps.decided_submissions(),
        )
        return context


class _ProgrammeSubmissionMixin(ProgrammeViewMixin):
    kwargs: dict[str, Any]

    @cached_property
    def submission(self) -> Submission:
        try:
            return rs.programme_submission_get(pk=self.kwargs["pk"])
        except Submission.DoesNotExist as exc:
            raise Http404("No such submission.") from exc


class SubmissionManageView(_ProgrammeSubmissionMixin, _ActionsMixin, TemplateView):
    """One submission for the programme team: reviewers, requests, audit trail."""

    template_name = "accreditation/programme_submission.html"
    actions = ("assign", "release", "ask", "return")

    def bind_action(self, action: str, data: Any) -> forms.Form:
        if action == "return":
            return ReturnForm(data, prefix="return")
        if action == "assign":
            return AssignReviewerForm(
                data, options=rs.reviewer_options(submission=self.submission), prefix="assign"
            )
        if action == "release":
            return ReleaseReviewerForm(
                data,
                prefix="release",
                auto_id=_auto_id("release", data.get("release-assignment", "")),
            )
        return InformationRequestForm(data, criteria=_criteria(self.submission), prefix="ask")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound: dict[str, forms.Form] = kwargs.pop("bound", {})
        context = super().get_context_data(**kwargs)
        submission = self.submission
        options = rs.reviewer_options(submission=submission)
        overview = rs.submission_overview(submission=submission)
        failed_release = bound.get("release")
        release_rows: list[tuple[ReviewerAssignment, forms.Form | None]] = []
        for assignment in overview.assignments:
            form: forms.Form | None = None
            review = getattr(assignment, "review", None)  # none until it is created
            if not (review is not None and review.is_submitted):
                form = ReleaseReviewerForm(
                    initial={"assignment": assignment.pk},
                    prefix="release",
                    auto_id=_auto_id("release", assignment.pk),
                )
                if failed_release is not None and str(
                    failed_release.data.get("release-assignment")
                ) == str(assignment.pk):
                    form = failed_release
            release_rows.append((assignment, form))
        context.update(
            submission=submission,
            overview=overview,
            release_rows=release_rows,
            space=rs.review_workspace(submission=submission),
            options=options,
            assign_form=bound.get("assign") or AssignReviewerForm(options=options, prefix="assign"),
            release_form=bound.get("release"),
            ask_form=bound.get("ask")
            or InformationRequestForm(criteria=_criteria(submission), prefix="ask"),
            return_form=bound.get("return") or ReturnForm(prefix="return"),
        )
        return context

    def perform_return(self, form: ReturnForm) -> tuple[str, str | None]:
        review_services.submission_return_incomplete(
            submission=self.submission,
            by=self.request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
        return "The submission has been returned to the team as incomplete.", None

    def perform_assign(self, form: AssignReviewerForm) -> tuple[str, str | None]:
        reviewer = form.cleaned_data["reviewer"]
        review_services.reviewer_assign(
            submission=self.submission,
            reviewer=reviewer,
            by=self.request.user,  # type: ignore[arg-type]
            lived_experience=form.cleaned_data["lived_experience"],
        )
        return f"{reviewer.display_name} has been assigned.", None

    def perform_release(self, form: ReleaseReviewerForm) -> tuple[str, str | None]:
        with across_organisations():
            assignment = ReviewerAssignment.objects.filter(
                pk=form.cleaned_data["assignment"], submission=self.submission
            ).first()
        if assignment is None:
            raise Http404("No such assignment.")
        review_services.assignment_release(
            assignment=assignment,
            by=self.request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
        return "The reviewer has been released.", None

    def perform_ask(self, form: InformationRequestForm) -> tuple[str, str | None]:
        review_services.information_request_create(
            submission=self.submission,
            by=self.request.user,  # type: ignore[arg-type]
            question=form.cleaned_data["question"],
            criterion=form.cleaned_data["criterion"],
        )
        return "Your question has been sent to the team. The deadline is paused.", None


class ModerationView(_ProgrammeSubmissionMixin, _ActionsMixin, TemplateView):
    """Both reviews side by side, disagreements highlighted; the decision with feedback."""

    template_name = "accreditation/programme_moderate.html"
    actions = ("decide",)

    def bind_action(self, action: str, data: Any) -> forms.Form:
        return DecisionForm(data, criteria=_criteria(self.submission))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound: dict[str, forms.Form] = kwargs.pop("bound", {})
        context = super().get_context_data(**kwargs)
        submission = self.submission
        space = rs.review_workspace(submission=submission)
        form = bound.get("decide")
        if form is None:
            initial: dict[str, Any] = {}
            for row in space.rows:
                judgements = {cell.judgement for cell in row.others}
                if len(judgements) == 1:  # the reviewers agree: a starting point
                    initial[f"judgement_{row.criterion.pk}"] = judgements.pop()
            form = DecisionForm(initial=initial, criteria=[row.criterion for row in space.rows])
        fields = {c.pk: (j, t) for c, j, t in cast(DecisionForm, form).rows()}
        context.update(
            submission=submission,
            overview=rs.submission_overview(submission=submission),
            space=space,
            form=form,
            rows=[(row, *fields[row.criterion.pk]) for row in space.rows],
            can_decide=submission.state == Submission.State.MODERATION,
        )
        return context

    def perform_decide(self, form: DecisionForm) -> tuple[str, str | None]:
        decision = decision_services.decision_record(
            submission=self.submission,
            by=self.request.user,  # type: ignore[arg-type]
            outcome=form.cleaned_data["outcome"],
            summary=form.cleaned_data["summary"],
            feedback=form.judgements(),
        )
        url = reverse("accreditation:programme-submission", kwargs={"pk": self.submission.pk})
        if decision.outcome == decision.Outcome.ACCREDITED:
            return "Decision recorded: accredited. The certificate has been issued.", url
        return "Decision recorded: not yet accredited. The team can see your feedback.", url


# --- the team ------------------------------------------------------------------------------------


class TeamReviewView(SubmissionMixin, _ActionsMixin, TemplateView):
    """The team's view of the review: questions to answer, the decision and its feedback,
    the certificate, and the audit trail."""

    template_name = "accreditation/submission_review.html"
    actions = ("answer",)

    def bind_action(self, action: str, data: Any) -> forms.Form:
        if not perms.can_answer_information(self.membership, self.submission):
            raise PermissionDenied("Only the team lead or organisation admin can answer.")
        return InformationAnswerForm(data, auto_id=_auto_id("answer", data.get("request", "")))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound: dict[str, forms.Form] = kwargs.pop("bound", {})
        context = super().get_context_data(**kwargs)
        view = rs.team_review_view(submission=self.submission)
        can_answer = perms.can_answer_information(self.membership, self.submission)
        answer_forms = {}
        if can_answer:
            failed = bound.get("answer")
            for request in view.open_requests:
                if failed is not None and str(failed.data.get("request")) == str(request.pk):
                    answer_forms[request.pk] = failed
                else:
                    answer_forms[request.pk] = InformationAnswerForm(
                        initial={"request": request.pk}, auto_id=_auto_id("answer", request.pk)
                    )
        context.update(
            view=view,
            request_rows=[(r, answer_forms.get(r.pk)) for r in view.requests],
            can_answer=can_answer,
        )
        return context

    def perform_answer(self, form: InformationAnswerForm) -> tuple[str, str | None]:
        request = InformationRequest.objects.filter(
            submission=self.submission, pk=form.cleaned_data["request"]
        ).first()
        if request is None:
            raise Http404("No such request.")
        review_services.information_request_answer(
            request=request,
            by=self.actor,
            answer=form.cleaned_data["answer"],
        )
        return "Thank you. Your answer has been sent to the reviewers.", None


class CertificateDownloadView(SubmissionMixin, View):
    """The certificate as a PDF, for everyone in the organisation."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        submission = self.submission
        certificate = rs.certificate_for(submission=submission)
        if certificate is None:
            raise Http404("This submission has no certificate.")
        response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{certificate_filename(certificate)}"'
        )
        return response


# --- the public ----------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class VerifyView(TemplateView):
    """Public: look up a certificate by its code. Reveals the event's title, the organisation,
    the decision date and the expiry; nothing else."""

    template_name = "accreditation/verify.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        code = self.kwargs.get("code") or self.request.GET.get("code", "")
        context["form"] = VerifyForm(initial={"code": code})
        if code:
            context["code"] = rs.normalise_code(code)
            context["result"] = rs.certificate_verify(code=code)
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = request.GET.get("code", "").strip()
        if code and not kwargs.get("code"):
            return redirect("accreditation:verify-code", code=rs.normalise_code(code))
        response = super().get(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

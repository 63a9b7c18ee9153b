"""The team's accreditation pages, under the event: readiness, a submission, self-assessments,
and the private download of evidence files.

(Kept apart from `accreditation/views.py`, which holds the programme side: reviewers and
programme admins.)
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from accreditation import permissions, selectors, services
from accreditation.forms import (
    EmptyForm,
    EvidenceFileForm,
    EvidenceRecordForm,
    EvidenceRemoveForm,
    ReasonForm,
    SelfAssessmentForm,
)
from accreditation.models import Criterion, Evidence, Submission
from alwaysevents.exceptions import DomainError
from alwaysevents.files import private_download
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from alwaysevents.views import add_domain_error
from programmes.models import AlwaysEvent, Membership
from programmes.views.event_base import ActionFormsView, EventMixin

TAB = "accreditation:event-accreditation"


def can_prepare(membership: Membership, event: AlwaysEvent) -> bool:
    return permissions.can_prepare_submission(membership, event)


def is_events_sponsor(membership: Membership, event: AlwaysEvent) -> bool:
    """The attest button: `permissions.can_attest` for this event's submissions."""
    return (
        membership.is_active
        and membership.organisation_id == event.organisation_id
        and event.executive_sponsor_id == membership.user_id
    )


def can_send_back(membership: Membership, event: AlwaysEvent) -> bool:
    return can_prepare(membership, event) or is_events_sponsor(membership, event)


class EventAccreditationView(ActionFormsView):
    """Readiness: every criterion's automatic check and the current submission."""

    template_name = "accreditation/event_accreditation.html"
    tab = TAB
    view_permission = (permissions.can_see_readiness,)
    actions = {"start": (EmptyForm, can_prepare)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        readiness = selectors.event_readiness(event=self.event)
        submission = readiness.submission
        context.update(
            readiness=readiness,
            submission=submission,
            can_start=(
                can_prepare(self.membership, self.event)
                and readiness.version is not None
                and (submission is None or not submission.is_open)
            ),
            past=[s for s in selectors.submission_list(event=self.event) if s != submission],
        )
        return context

    def perform_start(self, form: EmptyForm) -> str:
        submission = services.submission_create(event=self.event, by=self.actor)
        self.next_url = submission_url(self.organisation.slug, submission)
        return "A draft submission is started. Write a self-assessment for each criterion."


def submission_url(org_slug: str, submission: Submission, name: str = "submission-detail") -> str:
    return reverse(
        f"accreditation:{name}",
        kwargs={"org_slug": org_slug, "pk": submission.event_id, "submission_pk": submission.pk},
    )


class SubmissionMixin(EventMixin):
    tab = TAB
    kwargs: dict[str, Any]
    view_permission = (permissions.can_see_readiness,)

    @cached_property
    def submission(self) -> Submission:
        try:
            return selectors.submission_get(event=self.event, pk=self.kwargs["submission_pk"])
        except Submission.DoesNotExist as exc:
            raise Http404("No such submission.") from exc

    @cached_property
    def criteria(self) -> list[Criterion]:
        return selectors.criteria_of(version=self.submission.criteria_version)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["submission"] = self.submission
        return context


class SubmissionDetailView(SubmissionMixin, ActionFormsView):
    """A submission: state, self-assessments, evidence, sign-off and the audit trail."""

    template_name = "accreditation/submission_detail.html"
    actions = {
        "evidence_file": (EvidenceFileForm, can_prepare),
        "evidence_record": (EvidenceRecordForm, can_prepare),
        "remove_evidence": (EvidenceRemoveForm, can_prepare),
        "send": (EmptyForm, can_prepare),
        "take_back": (ReasonForm, can_send_back),
        "reopen": (EmptyForm, can_prepare),
        "withdraw": (ReasonForm, can_prepare),
        "attest": (EmptyForm, is_events_sponsor),
    }
    # Forms that only make sense in some states.
    state_actions = {
        "evidence_file": Submission.EDITABLE_STATES,
        "evidence_record": Submission.EDITABLE_STATES,
        "remove_evidence": Submission.EDITABLE_STATES,
        "send": (Submission.State.DRAFT,),
        "take_back": (Submission.State.AWAITING_SIGN_OFF,),
        "reopen": (Submission.State.RETURNED,),
        "withdraw": (Submission.State.DRAFT, Submission.State.SUBMITTED),
        "attest": (Submission.State.AWAITING_SIGN_OFF,),
    }

    def form_kwargs(self, name: str) -> dict[str, Any]:
        if name in {"evidence_file", "evidence_record"}:
            kwargs: dict[str, Any] = {"criteria": self.criteria}
            if name == "evidence_record":
                kwargs["records"] = selectors.record_options(event=self.event)
            return kwargs
        return {}

    def evidence_url(self, item: Evidence) -> str:
        """Where an evidence item opens: the private download, or the linked record's page."""
        slug, event_pk = self.organisation.slug, self.event.pk
        if item.kind == Evidence.Kind.FILE:
            return reverse(
                "accreditation:evidence-download", kwargs={"org_slug": slug, "evidence_pk": item.pk}
            )
        kwargs = {"org_slug": slug, "pk": event_pk}
        T = Evidence.RecordType
        if item.record_type == T.MEASURE:
            return reverse(
                "measurement:measure-detail", kwargs=kwargs | {"measure_pk": item.record_id}
            )
        if item.record_type == T.PDSA_CYCLE:
            return reverse(
                "measurement:pdsa-cycle-detail", kwargs=kwargs | {"cycle_pk": item.record_id}
            )
        names: dict[str, str] = {
            T.ACTIVITY: "coproduction:event-coproduction",
            T.IMPACT: "programmes:event-impact",
            T.SUSTAIN_PLAN: "programmes:event-sustain",
        }
        return reverse(names.get(item.record_type, "programmes:event-detail"), kwargs=kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        state = self.submission.state
        context["forms"] = {
            name: form
            for name, form in context["forms"].items()
            if state in self.state_actions.get(name, ())
        }
        detail = selectors.submission_detail(submission=self.submission)
        context.update(
            detail=detail,
            rows=[
                (row, [(item, self.evidence_url(item)) for item in row.evidence])
                for row in detail.rows
            ],
            general_evidence=[(item, self.evidence_url(item)) for item in detail.general_evidence],
            attestation_statement=services.ATTESTATION_STATEMENT,
            can_edit_submission=(
                can_prepare(self.membership, self.event) and self.submission.is_editable
            ),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = request.POST.get("action", "")
        if name in self.state_actions and self.submission.state not in self.state_actions[name]:
            messages.error(
                request,
                f"The submission is {self.submission.get_state_display().lower()}; "
                "that is no longer possible.",
            )
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def perform_evidence_file(self, form: EvidenceFileForm) -> str:
        item = services.evidence_add_file(
            submission=self.submission,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            criterion=form.chosen_criterion(),
            by=self.actor,
        )
        return f"“{item.title}” is attached."

    def perform_evidence_record(self, form: EvidenceRecordForm) -> str:
        record = form.chosen_record()
        item = services.evidence_add_record(
            submission=self.submission,
            title=form.cleaned_data["title"] or record.label,
            record_type=record.record_type,
            record_id=record.record_id,
            criterion=form.chosen_criterion(),
            by=self.actor,
        )
        return f"“{item.title}” is linked as evidence."

    def perform_remove_evidence(self, form: EvidenceRemoveForm) -> str:
        try:
            item = selectors.evidence_get(
                organisation=self.organisation, pk=form.cleaned_data["evidence"]
            )
        except Evidence.DoesNotExist as exc:
            raise Http404("No such evidence.") from exc
        if item.submission_id != self.submission.pk:
            raise Http404("No such evidence.")
        services.evidence_remove(evidence=item, by=self.actor)
        return f"“{item.title}” is removed."

    def perform_send(self, form: EmptyForm) -> str:
        services.submission_send_for_sign_off(submission=self.submission, by=self.actor)
        sponsor = self.event.executive_sponsor
        who = sponsor.display_name if sponsor else "the executive sponsor"
        return f"Sent to {who} to sign off."

    def perform_take_back(self, form: ReasonForm) -> str:
        if not permissions.can_send_back(self.membership, self.submission):
            raise PermissionDenied("Only the team lead or the sponsor can take it back.")
        services.submission_take_back(
            submission=self.submission, by=self.actor, reason=form.cleaned_data["reason"]
        )
        return "The submission is back in draft."

    def perform_reopen(self, form: EmptyForm) -> str:
        services.submission_reopen(submission=self.submission, by=self.actor)
        return "The submission is back in draft: complete it and send it again."

    def perform_withdraw(self, form: ReasonForm) -> str:
        services.submission_withdraw(
            submission=self.submission, by=self.actor, reason=form.cleaned_data["reason"]
        )
        return "The submission is withdrawn."

    def perform_attest(self, form: EmptyForm) -> str:
        if not permissions.can_attest(self.membership, self.submission):
            raise PermissionDenied("Only the event's executive sponsor signs the submission off.")
        services.submission_attest(submission=self.submission, by=self.actor)
        return "Signed off and submitted. The evidence is frozen as it is today for the reviewers."


class SubmissionSnapshotView(SubmissionMixin, TemplateView):
    """The evidence as frozen at submission: what the reviewers see."""

    template_name = "accreditation/submission_snapshot.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["snapshot"] = selectors.snapshot_latest(submission=self.submission)
        return context


class SubmissionAssessView(SubmissionMixin, FormView):
    """The team lead writes the self-assessment of every criterion on one page."""

    template_name = "accreditation/submission_assess.html"
    form_class = SelfAssessmentForm

    def _allowed(self) -> None:
        self.check(can_prepare, "write the self-assessment")
        if not self.submission.is_editable:
            raise PermissionDenied(
                f"The submission is {self.submission.get_state_display().lower()}, so its "
                "self-assessments cannot change."
            )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._allowed()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._allowed()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = FormView.get_form_kwargs(self)
        kwargs["criteria"] = self.criteria
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        detail = selectors.submission_detail(submission=self.submission)
        return {f"c{row.criterion.pk}": row.self_assessment for row in detail.rows}

    def form_valid(self, form: SelfAssessmentForm) -> HttpResponse:
        initial = self.get_initial()
        saved = 0
        try:
            for criterion, text in form.texts():
                if text.strip() != (initial.get(f"c{criterion.pk}") or "").strip():
                    services.self_assessment_save(
                        submission=self.submission, criterion=criterion, text=text, by=self.actor
                    )
                    saved += 1
        except DomainError as error:
            add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{saved} self-assessment{'s' if saved != 1 else ''} saved."
            if saved
            else "Nothing had changed.",
        )
        return redirect(submission_url(self.organisation.slug, self.submission))


class EvidenceDownloadView(OrganisationViewMixin, View):
    """An evidence file, to members of the organisation that owns it (404 for anyone else)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            item = selectors.evidence_get(organisation=self.organisation, pk=kwargs["evidence_pk"])
        except Evidence.DoesNotExist as exc:
            raise Http404("No such evidence.") from exc
        if not item.file or not permissions.can_download_evidence(self.membership, item):
            raise Http404("No such evidence file.")
        try:
            handle = item.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The file is missing.") from exc
        stored = item.file.name or ""
        suffix = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
        safe_title = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in item.title)
        return private_download(
            handle,
            filename=f"{safe_title.strip() or 'evidence'}.{suffix}",
            content_type=item.content_type or "application/octet-stream",
        )

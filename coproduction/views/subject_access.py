"""A partner's rights: the subject access export (organisation admins, and the partner for their
own) and the record of who opened their personal details (organisation admins)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from alwaysevents.files import private_download
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from coproduction import permissions as cp_permissions
from coproduction.models import Partner
from coproduction.selectors.access_records import partner_access_record_list
from coproduction.selectors.partners import partner_get
from coproduction.services.subject_access import partner_subject_access_export
from coproduction.views.partner_pages import PartnerPageMixin
from programmes.models import Role

ADMINS = frozenset({Role.ORGANISATION_ADMIN})
RECORDS_PER_PAGE = 50


def _zip_response(handle: Any, partner: Partner) -> FileResponse:
    return private_download(
        handle,
        filename=f"everything-held-{slugify(partner.pseudonym)}.zip",
        content_type="application/zip",
    )


class _PartnerOfOrganisationMixin(OrganisationViewMixin):
    """Organisation admins only; the partner named in the URL, one of this organisation's."""

    allowed_roles = ADMINS
    kwargs: dict[str, Any]

    def load_partner(self) -> Partner:
        try:
            partner = partner_get(organisation=self.organisation, pk=self.kwargs["partner_pk"])
        except Partner.DoesNotExist as exc:
            raise Http404("No such partner.") from exc
        if not cp_permissions.can_export_partner(self.membership, partner):
            raise PermissionDenied("Only the organisation admin can see this.")
        return partner


class PartnerExportView(_PartnerOfOrganisationMixin, View):
    """Everything held about one partner, as a ZIP (recorded in the audit log)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        partner = self.load_partner()
        handle = partner_subject_access_export(partner=partner, by=self.actor)
        return _zip_response(handle, partner)


class PartnerOwnExportView(PartnerPageMixin, View):
    """The signed-in partner's own export, from their details page."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        handle = partner_subject_access_export(partner=self.partner, by=self.actor, own=True)
        return _zip_response(handle, self.partner)


class PartnerAccessRecordView(_PartnerOfOrganisationMixin, TemplateView):
    """Who opened this partner's contact, access-need or payment details, newest first."""

    template_name = "coproduction/partner_access_record.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner = self.load_partner()
        page = Paginator(partner_access_record_list(partner=partner), RECORDS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            partner=partner,
            page_obj=page,
            records=list(page.object_list),
            retention_days=settings.PARTNER_ACCESS_RECORD_DAYS,
            retention_years=round(settings.PARTNER_ACCESS_RECORD_DAYS / 365.25),
        )
        return context

"""Measures of an event: the list, one measure's chart and data, the data grid and imports."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any, ClassVar

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import FormView, TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.exports import table_response
from alwaysevents.page_cache import (
    TOKEN_PLACEHOLDER,
    cache_key,
    release_fingerprint,
    with_csrf_token,
)
from alwaysevents.views import ServiceFormMixin, add_domain_error
from measurement import exports
from measurement.forms.measures import (
    ExcludeForm,
    GridPointForm,
    ImportForm,
    KeepLimitsForm,
    MeasureForm,
    PhaseForm,
    PointForm,
)
from measurement.models import DataPoint, Measure
from measurement.selectors import measures as selectors
from measurement.services import measures as services
from programmes import permissions
from programmes.views.event_base import ActionFormsView, EventMixin

GRID_PERIODS = {Measure.Frequency.WEEKLY: 26, Measure.Frequency.MONTHLY: 24}
#: Stands for a point's id in the "leave out" form drawn once for every row.
POINT_PLACEHOLDER = "ae-point-placeholder"


class MeasureMixin(EventMixin):
    tab = "measurement:measure-list"
    measure: Measure

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self._measure_pk = kwargs.get("measure_pk")
        return super().dispatch(request, *args, **kwargs)

    def load_measure(self) -> None:
        try:
            self.measure = selectors.measure_get(event=self.event, pk=self._measure_pk)  # type: ignore[arg-type]
        except Measure.DoesNotExist as exc:
            raise Http404("No such measure.") from exc

    def measure_url(self, name: str = "measurement:measure-detail") -> str:
        return reverse(
            name,
            kwargs={
                "org_slug": self.organisation.slug,
                "pk": self.event.pk,
                "measure_pk": self.measure.pk,
            },
        )


class MeasureListView(ActionFormsView):
    template_name = "measurement/measure_list.html"
    tab = "measurement:measure-list"
    actions = {"measure": (MeasureForm, permissions.can_edit_event)}

    def form_kwargs(self, name: str) -> dict[str, Any]:
        return {"organisation": self.organisation}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["measures"] = selectors.measure_list(event=self.event)
        context["imports"] = selectors.data_import_list(event=self.event)
        return context

    def perform_measure(self, form: MeasureForm) -> str:
        measure = services.measure_create(event=self.event, by=self.actor, **form.cleaned_data)
        return f"{measure.name} is added. Enter its baseline data next."


class MeasureDetailView(MeasureMixin, ActionFormsView):
    template_name = "measurement/measure_detail.html"
    actions = {
        "point": (PointForm, permissions.can_edit_event),
        "exclude": (ExcludeForm, permissions.can_edit_event),
        "include": (forms.Form, permissions.can_edit_event),
        "phase": (PhaseForm, permissions.can_change_stage),
        # A suggested recalculation, decided by a team lead: a new phase, or keep the limits.
        "recalculate": (PhaseForm, permissions.can_change_stage),
        "keep": (KeepLimitsForm, permissions.can_change_stage),
    }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_measure()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_measure()
        return super().post(request, *args, **kwargs)

    def chart(self) -> dict[str, Any]:
        """The points, phases, chart and reading of the measure, worked out once a request."""
        if not hasattr(self, "_chart"):
            points = selectors.measure_points(measure=self.measure)
            phases = selectors.measure_phases(measure=self.measure)
            self._chart = {
                "points": points,
                "phases": phases,
                **chart_context(self.measure, points, phases),
            }
        return self._chart

    def form_kwargs(self, name: str) -> dict[str, Any]:
        if name == "point":  # a value, or a numerator and denominator: what the measure counts
            return {"proportion": self.measure.is_proportion}
        return {}

    def initial(self, name: str) -> dict[str, Any]:
        if name == "point":
            return {"period": timezone.localdate()}
        suggested = self.chart().get("suggestion")
        if name == "recalculate" and suggested is not None:
            return {"start_period": suggested["start_period"], "reason": suggested["reason"]}
        if name == "keep" and suggested is not None:
            return {"start_period": suggested["start_period"]}
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        failed = kwargs.get("bound", {}).get("exclude")
        context = super().get_context_data(**kwargs)
        context.update(measure=self.measure, **self.chart())
        rows = self.rows(context["table"], "exclude" in context["forms"], failed)
        context["data_table"] = data_table(
            self.request,
            measure=self.measure,
            rows=rows,
            can_edit=context["can_edit"],
            cached=failed is None,
        )
        context["exclude_failed"] = failed is not None
        if context["chart"] is not None:
            context["chart"].downloads = [
                ("the chart (SVG)", self.measure_url("measurement:measure-svg")),
                ("the chart (PNG)", self.measure_url("measurement:measure-png")),
                ("the data (CSV)", self.measure_url("measurement:measure-csv")),
                ("the data (Excel)", self.measure_url("measurement:measure-xlsx")),
            ]
        return context

    def rows(
        self, table: list[Any], can_exclude: bool, failed: forms.BaseForm | None
    ) -> list[tuple[Any, forms.BaseForm | SafeString | None]]:
        """The data table's rows, each with its own "leave out" form (ids of its own); a
        refused one is the posted form, shown again under its row.

        The empty form is the same on every row but for the point's id: it is drawn once and
        the id put into each copy (drawing a form a row was most of the page's time with a
        few years of weekly data)."""
        failed_pk = failed.data.get("exclude-point") if failed is not None else None
        blank: str | None = None
        rows: list[tuple[Any, forms.BaseForm | SafeString | None]] = []
        for row in table:
            form: forms.BaseForm | SafeString | None = None
            if can_exclude and not row.point.excluded:
                if failed is not None and str(row.point.pk) == failed_pk:
                    form = failed
                else:
                    if blank is None:
                        blank = as_crispy_form(
                            ExcludeForm(
                                prefix="exclude",
                                initial={"point": POINT_PLACEHOLDER},
                                auto_id=f"id_%s_{POINT_PLACEHOLDER}",
                            )
                        )
                    # Drawn by the template engine, which escaped what needed escaping.
                    form = mark_safe(blank.replace(POINT_PLACEHOLDER, str(int(row.point.pk))))  # noqa: S308
            rows.append((row, form))
        return rows

    def perform_point(self, form: PointForm) -> str:
        data = form.cleaned_data
        period = self.measure.normalise_period(data.pop("period"))
        point = services.data_point_save(measure=self.measure, period=period, by=self.actor, **data)
        return f"Saved the value for {point.period:%d %b %Y}."

    def _point(self, pk: Any) -> DataPoint:
        return get_object_or_404(
            DataPoint.objects.with_scope(organisation=self.organisation.pk),
            measure=self.measure,
            pk=pk,
        )

    def perform_exclude(self, form: ExcludeForm) -> str:
        point = services.data_point_exclude(
            point=self._point(form.cleaned_data["point"]),
            reason=form.cleaned_data["reason"],
            by=self.actor,
        )
        return f"{point.period:%d %b %Y} is left out of the analysis, and still shown."

    def perform_include(self, form: forms.Form) -> str:
        point = services.data_point_include(
            point=self._point(self.request.POST.get("point")), by=self.actor
        )
        return f"{point.period:%d %b %Y} is back in the analysis."

    def perform_phase(self, form: PhaseForm) -> str:
        phase = services.phase_add(measure=self.measure, by=self.actor, **form.cleaned_data)
        return (
            f"A new phase starts at {phase.start_period:%d %b %Y}: "
            "its limits are worked out afresh."
        )

    def perform_recalculate(self, form: PhaseForm) -> str:
        return self.perform_phase(form)

    def perform_keep(self, form: KeepLimitsForm) -> str:
        services.limits_keep(measure=self.measure, by=self.actor, **form.cleaned_data)
        return (
            f"The limits are kept. The run from {form.cleaned_data['start_period']:%d %b %Y} "
            "will not be suggested again."
        )


DATA_TABLE = "measurement/_data_table.html"
#: A table is found again only under what it shows: this bounds how long an old one is kept.
DATA_TABLE_SECONDS = 6 * 60 * 60


def _row_facts(row: Any, form: Any) -> tuple[Any, ...]:
    """Everything the table shows of a row (and its "leave out" form, drawn already)."""
    point = row.point
    return (
        point.pk,
        point.period,
        point.numerator,
        point.denominator,
        point.plotted,
        point.excluded,
        point.excluded_reason,
        point.note,
        row.label,
        tuple(row.annotations),
        None if form is None else str(form),
    )


def data_table(
    request: HttpRequest,
    *,
    measure: Measure,
    rows: list[tuple[Any, Any]],
    can_edit: bool,
    cached: bool = True,
) -> SafeString:
    """The measure's data table, every period's row (a few years of weekly data is most of the
    page's drawing): kept in the cache under a digest of exactly what it shows and the release
    (`alwaysevents.page_cache`), so a changed value, note, label or form draws it again and an
    unchanged one is read back whatever changed elsewhere; with this request's CSRF token put
    into its forms. `cached=False` (a refused form shown again under its row) draws it for this
    response only."""
    context = {"rows": rows, "measure": measure, "can_edit": can_edit}
    if not cached:
        return render_to_string(DATA_TABLE, context, request=request)
    key = cache_key(
        "measurement:data-table",
        release_fingerprint(),
        measure.is_proportion,
        can_edit,
        [_row_facts(row, form) for row, form in rows],
    )
    html = cache.get(key)
    if html is None:
        html = str(render_to_string(DATA_TABLE, {**context, "csrf_token": TOKEN_PLACEHOLDER}))
        cache.set(key, html, DATA_TABLE_SECONDS)
    # Drawn by the template engine, which escaped what needed escaping.
    return mark_safe(with_csrf_token(html, request))  # noqa: S308


def chart_context(measure: Measure, points: list[DataPoint], phases: list[Any]) -> dict[str, Any]:
    """The chart, its analysis in words and the data table, with PDSA cycles and notes marked,
    and a suggested recalculation with what happened around the run's start."""
    from measurement import charts
    from measurement.selectors.testing import pdsa_annotations

    notes = [(p.period, f"Note: {p.note}") for p in points if p.note]
    annotations = [*pdsa_annotations(measure), *notes]
    context = charts.measure_chart_context(measure, points, phases, annotations=annotations)
    analysis = context["analysis"]
    suggestion = analysis.reading.suggestion if analysis and analysis.reading else None
    context["suggestion"] = None
    if suggestion is not None:
        start = points[suggestion.start].period
        near = [
            text
            for day, text in sorted(annotations, key=lambda a: a[0])
            if abs((measure.normalise_period(day) - start).days) <= NEAR_DAYS[measure.frequency]
        ]
        centre = "median" if measure.chart_type == Measure.ChartType.RUN else "average"
        reason = (
            f"The process changed from {start:%d %b %Y}: {suggestion.points} points in a row "
            f"{suggestion.side} the {centre}"
        )
        reason += f", after: {'; '.join(near)}." if near else "."
        context["suggestion"] = {
            "start_period": start,
            "end_period": points[suggestion.stop].period,
            "points": suggestion.points,
            "side": suggestion.side,
            "centre": centre,
            "nature": suggestion.nature,
            "near": near,
            "reason": reason[:2000],
        }
    return context


#: What is "around the start" of a run: the PDSA cycles and notes this close to it.
NEAR_DAYS: dict[str, int] = {Measure.Frequency.WEEKLY: 14, Measure.Frequency.MONTHLY: 45}


class MeasureUpdateView(MeasureMixin, ServiceFormMixin, FormView):
    view_permission = (permissions.can_edit_event,)
    form_class = MeasureForm
    template_name = "measurement/measure_form.html"
    success_message = "The measure is saved."

    # The measure is loaded before anything of the page is built (the form's instance, the
    # context), on GET and POST alike, as the other measure pages do.
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_measure()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_measure()
        self.check(permissions.can_edit_event, "change measures")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        # The form edits a copy (ServiceFormMixin): the service compares the change with the
        # measure as it is (the frequency cannot change once data is entered).
        kwargs["instance"] = self.measure
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(measure=self.measure, **kwargs)

    def perform(self, form: MeasureForm) -> Measure:
        return services.measure_update(measure=self.measure, by=self.actor, **form.cleaned_data)

    def get_success_url(self) -> str:
        return self.measure_url()


class DataGridView(MeasureMixin, TemplateView):
    """Enter or correct many periods at once, newest first."""

    template_name = "measurement/measure_grid.html"
    view_permission: ClassVar[tuple[Any, ...]] = (permissions.can_edit_event,)

    def periods(self) -> list[dt.date]:
        today = self.measure.normalise_period(timezone.localdate())
        count = GRID_PERIODS[self.measure.frequency]  # type: ignore[index]
        periods = [today]
        while len(periods) < count:
            previous = periods[-1] - dt.timedelta(days=1)
            periods.append(self.measure.normalise_period(previous))
        return periods

    def formset(self, data: Any = None) -> Any:
        existing = {p.period: p for p in selectors.measure_points(measure=self.measure)}
        initial = []
        for period in self.periods():
            point = existing.get(period)
            initial.append(
                {
                    "period": period,
                    "value": point.value if point else None,
                    "numerator": point.numerator if point else None,
                    "denominator": point.denominator if point else None,
                    "note": point.note if point else "",
                }
            )
        formset_class = forms.formset_factory(GridPointForm, extra=0)
        return formset_class(
            data=data,
            initial=initial,
            prefix="grid",
            form_kwargs={"proportion": self.measure.is_proportion},
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_measure()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["measure"] = self.measure
        context["formset"] = kwargs.get("formset") or self.formset()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_measure()
        self.check(permissions.can_edit_event, "enter data")
        formset = self.formset(request.POST)
        if formset.is_valid():
            rows = [
                services.GridRow(
                    period=self.measure.normalise_period(f.cleaned_data["period"]),
                    value=f.cleaned_data.get("value"),
                    numerator=f.cleaned_data.get("numerator"),
                    denominator=f.cleaned_data.get("denominator"),
                    note=f.cleaned_data.get("note", ""),
                )
                for f in formset.forms
                if f.has_changed()
            ]
            try:
                saved = services.data_points_save_grid(
                    measure=self.measure, rows=rows, by=self.actor
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Saved {saved} period{'s' if saved != 1 else ''}.")
                return redirect(self.measure_url())
        return self.render_to_response(self.get_context_data(formset=formset))


def _import_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class DataImportView(EventMixin, TemplateView):
    """Upload, see every problem before anything is written, then apply the whole file."""

    template_name = "measurement/data_import.html"
    tab = "measurement:measure-list"
    view_permission: ClassVar[tuple[Any, ...]] = (permissions.can_edit_event,)
    session_key = "measurement_import"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        context["max_mb"] = settings.MEASUREMENT_IMPORT_MAX_BYTES // (1024 * 1024)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check(permissions.can_edit_event, "import data")
        if request.POST.get("action") == "apply":
            return self.apply(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        if upload.size > settings.MEASUREMENT_IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                f"The file is larger than {self.get_context_data()['max_mb']} MB.",
            )
            return self.render_to_response(self.get_context_data(form=form))
        content = upload.read()
        try:
            result = services.data_import_check(
                event=self.event, filename=upload.name, content=content
            )
        except DomainError as error:
            add_domain_error(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        context: dict[str, Any] = {"form": form, "result": result, "filename": upload.name}
        if result.ok:
            token = secrets.token_urlsafe(16)
            (_import_dir() / token).write_bytes(content)
            request.session[self.session_key] = {
                "token": token,
                "filename": upload.name,
                "event": self.event.pk,
            }
            context["token"] = token
        return self.render_to_response(self.get_context_data(**context))

    def apply(self, request: HttpRequest) -> HttpResponse:
        stash = request.session.get(self.session_key) or {}
        token = request.POST.get("token", "")
        if not token or stash.get("token") != token or stash.get("event") != self.event.pk:
            messages.error(request, "That preview has expired. Upload the file again.")
            return redirect(self.event_url("measurement:data-import"))
        path = _import_dir() / token
        try:
            content = path.read_bytes()
            record = services.data_import_apply(
                event=self.event, filename=stash["filename"], content=content, by=self.actor
            )
        except FileNotFoundError:
            messages.error(request, "That preview has expired. Upload the file again.")
            return redirect(self.event_url("measurement:data-import"))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(self.event_url("measurement:data-import"))
        finally:
            path.unlink(missing_ok=True)
            request.session.pop(self.session_key, None)
        messages.success(
            request,
            f"Imported {record.rows} rows from {record.filename}: "
            f"{record.created} new, {record.updated} corrected.",
        )
        return redirect(self.event_url("measurement:measure-list"))


class ImportTemplateView(EventMixin, TemplateView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(
            services.import_template_csv(event=self.event), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="measures-{self.event.pk}-template.csv"'
        )
        return response


class MeasureExportView(MeasureMixin, TemplateView):
    """The chart as an SVG or PNG file, or the data (with what each point shows) as CSV."""

    fmt: ClassVar[str] = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_measure()
        points = selectors.measure_points(measure=self.measure)
        context = chart_context(
            self.measure, points, selectors.measure_phases(measure=self.measure)
        )
        slug = f"measure-{self.measure.pk}"
        if self.fmt in ("svg", "png"):
            if context["chart"] is None:
                raise Http404("No data to draw yet.")
            svg = context["chart"].svg
            if self.fmt == "png":
                import cairosvg

                png = cairosvg.svg2png(bytestring=svg.encode(), output_width=1600)
                response = HttpResponse(png, content_type="image/png")
            else:
                response = HttpResponse(svg, content_type="image/svg+xml")
            response["Content-Disposition"] = f'attachment; filename="{slug}.{self.fmt}"'
            return response
        # The same table as the Excel download, formula-like text neutralised.
        table = exports.data_points_table(title=self.measure.name, table_rows=context["table"])
        return table_response(table, "csv", slug)

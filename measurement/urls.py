from django.urls import path

from measurement.views import exports, measures, testing

app_name = "measurement"

EVENT = "o/<slug:org_slug>/events/<int:pk>/"

# --- measures, data, phases, imports and charts ---------------------------------------------
MEASURE = f"{EVENT}measures/<int:measure_pk>/"

EXPORT_FORMATS = ("csv", "xlsx")  # downloads: the same table as CSV or Excel

urlpatterns = [
    path(f"{EVENT}measures/", measures.MeasureListView.as_view(), name="measure-list"),
    path(f"{EVENT}measures/import/", measures.DataImportView.as_view(), name="data-import"),
    path(
        f"{EVENT}measures/import/template.csv",
        measures.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path(MEASURE, measures.MeasureDetailView.as_view(), name="measure-detail"),
    path(f"{MEASURE}edit/", measures.MeasureUpdateView.as_view(), name="measure-update"),
    path(f"{MEASURE}data/", measures.DataGridView.as_view(), name="measure-grid"),
    path(f"{MEASURE}chart.svg", measures.MeasureExportView.as_view(fmt="svg"), name="measure-svg"),
    path(f"{MEASURE}chart.png", measures.MeasureExportView.as_view(fmt="png"), name="measure-png"),
    path(f"{MEASURE}data.csv", measures.MeasureExportView.as_view(fmt="csv"), name="measure-csv"),
]

# --- testing changes: the driver diagram, change ideas and PDSA cycles -------------------------
urlpatterns += [
    path(f"{EVENT}testing/", testing.DriverDiagramView.as_view(), name="driver-diagram"),
    path(
        f"{EVENT}testing/ideas/<int:idea_pk>/",
        testing.ChangeIdeaRampView.as_view(),
        name="change-idea-ramp",
    ),
    path(
        f"{EVENT}testing/ideas/<int:idea_pk>/cycles/new/",
        testing.PdsaCycleCreateView.as_view(),
        name="pdsa-cycle-create",
    ),
    path(
        f"{EVENT}testing/cycles/<int:cycle_pk>/",
        testing.PdsaCycleDetailView.as_view(),
        name="pdsa-cycle-detail",
    ),
]

# --- downloads (CSV or Excel) -----------------------------------------------------------------
urlpatterns += [
    path(
        f"{MEASURE}data.xlsx",
        exports.DataPointsExportView.as_view(),
        {"fmt": "xlsx"},
        name="measure-xlsx",
    ),
    *(
        path(
            f"{EVENT}testing/cycles/export.{fmt}",
            exports.PdsaCyclesExportView.as_view(),
            {"fmt": fmt},
            name="pdsa-cycle-export",
        )
        for fmt in EXPORT_FORMATS
    ),
]

"""Measure pages: who may see and do what, the grid, the import preview and apply."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import DataPoint, Phase
from measurement.services import measures as services
from tests.factories import AlwaysEventFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor)


@pytest.fixture
def measure(event):
    return services.measure_create(
        event=event, by=None, name="Waiting time", type="outcome", definition="Minutes to be seen."
    )


def url(name, event, **kwargs):
    return reverse(
        f"measurement:{name}",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, **kwargs},
    )


# Every page of an event's measures that answers GET, and whether only the content editors
# (organisation admins, team leads, team members) may open it: sponsors read, they do not enter.
MEASURE_PAGES = {
    "measure-list": False,
    "measure-detail": False,
    "measure-svg": False,
    "measure-png": False,
    "measure-csv": False,
    "measure-xlsx": False,
    "import-template": False,
    "measure-update": True,
    "measure-grid": True,
    "data-import": True,
}


@pytest.mark.parametrize("name", MEASURE_PAGES)
def test_every_member_opens_every_measure_page_their_role_allows(
    name, event, measure, client_for, org_admin, editor, viewer, sponsor
):
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(5), by=None)
    kwargs = (
        {}
        if name in ("measure-list", "data-import", "import-template")
        else {"measure_pk": measure.pk}
    )
    path = url(name, event, **kwargs)
    for user in (org_admin, editor, viewer):
        assert client_for(user).get(path).status_code == 200, user.email
    assert client_for(sponsor).get(path).status_code == (403 if MEASURE_PAGES[name] else 200)


def test_outsiders_get_404(event, measure, client_for, outsider):
    client = client_for(outsider)
    for path in (
        url("measure-list", event),
        url("measure-detail", event, measure_pk=measure.pk),
        url("measure-grid", event, measure_pk=measure.pk),
        url("data-import", event),
        url("import-template", event),
    ):
        assert client.get(path).status_code == 404


def test_a_measure_of_another_event_is_404_here(event, measure, organisation, client_for, viewer):
    other = AlwaysEventFactory(organisation=organisation)
    assert (
        client_for(viewer).get(url("measure-detail", other, measure_pk=measure.pk)).status_code
        == 404
    )


def test_team_members_add_measures_and_enter_data_sponsors_do_not(
    event, client_for, viewer, sponsor
):
    data = {
        "action": "measure",
        "measure-name": "Falls",
        "measure-type": "balancing",
        "measure-definition": "Falls on the ward",
        "measure-value_kind": "value",
        "measure-frequency": "weekly",
        "measure-direction": "lower",
        "measure-chart_type": "xmr",
    }
    assert client_for(sponsor).post(url("measure-list", event), data).status_code == 403
    response = client_for(viewer).post(url("measure-list", event), data)
    assert response.status_code == 302
    assert "Falls" in client_for(sponsor).get(url("measure-list", event)).content.decode()


def test_only_team_leads_add_phases(event, measure, client_for, viewer, editor):
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(5), by=None)
    data = {"action": "phase", "phase-start_period": "2026-03-16", "phase-reason": "New triage"}
    assert (
        client_for(viewer)
        .post(url("measure-detail", event, measure_pk=measure.pk), data)
        .status_code
        == 403
    )
    assert (
        client_for(editor)
        .post(url("measure-detail", event, measure_pk=measure.pk), data)
        .status_code
        == 302
    )
    with organisation_scope(event.organisation):
        assert Phase.objects.get().reason == "New triage"


def test_point_exclude_and_include_through_the_page(event, measure, client_for, viewer):
    point = services.data_point_save(measure=measure, period=MONDAY, value=Decimal(5), by=None)
    client = client_for(viewer)
    path = url("measure-detail", event, measure_pk=measure.pk)
    client.post(
        path, {"action": "exclude", "exclude-point": point.pk, "exclude-reason": "Ward closed"}
    )
    point.refresh_from_db()
    assert point.excluded and point.excluded_reason == "Ward closed"
    assert "Left out: Ward closed" in client.get(path).content.decode()
    client.post(path, {"action": "include", "point": point.pk})
    point.refresh_from_db()
    assert not point.excluded


def test_a_refused_leave_out_opens_again_under_its_row(event, measure, client_for, viewer):
    points = [
        services.data_point_save(
            measure=measure, period=MONDAY + dt.timedelta(weeks=n), value=Decimal(5), by=None
        )
        for n in range(3)
    ]
    client = client_for(viewer)
    path = url("measure-detail", event, measure_pk=measure.pk)
    page = client.get(path).content.decode()
    # Every row has its own form, with ids of its own.
    for point in points:
        assert page.count(f'id="id_exclude-reason_{point.pk}"') == 1
    response = client.post(
        path, {"action": "exclude", "exclude-point": points[1].pk, "exclude-reason": ""}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert '<a href="#id_exclude-reason">' in content, "the summary links to the field"
    assert '<details class="nhsuk-details ae-data-details" open>' in content
    assert content.count('<details class="nhsuk-details ae-row-details" open>') == 1
    opened = content[content.index('<details class="nhsuk-details ae-row-details" open>') :]
    assert f'value="{points[1].pk}"' in opened[: opened.index("</details>")]
    assert 'id="id_exclude-reason"' in opened[: opened.index("</details>")]


def test_the_measure_page_reads_as_few_queries_for_many_points_and_each_row_has_its_form(
    event, measure, client_for, editor, django_assert_max_num_queries
):
    def enter(weeks):
        for week in weeks:
            services.data_point_save(
                measure=measure,
                period=MONDAY - dt.timedelta(weeks=week),
                by=editor,
                value=Decimal(10 + week % 4),
            )

    enter(range(3))
    client = client_for(editor)
    page = url("measure-detail", event, measure_pk=measure.pk)
    client.get(page)  # warm (session, content types)
    with django_assert_max_num_queries(15) as few:
        assert client.get(page).status_code == 200
    enter(range(3, 60))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(page).content.decode()
    # The "leave out" form is drawn once and given each row's point.
    with organisation_scope(event.organisation):
        points = list(DataPoint.objects.filter(measure=measure))
    assert len(points) == 60
    for point in points:
        assert f'value="{point.pk}" id="id_exclude-point_{point.pk}"' in html
        assert f'id="id_exclude-reason_{point.pk}"' in html
    assert "placeholder" not in html.replace('placeholder="', "")


def test_grid_saves_many_periods(event, measure, client_for, viewer):
    client = client_for(viewer)
    page = client.get(url("measure-grid", event, measure_pk=measure.pk))
    formset = page.context["formset"]
    data = {
        "grid-TOTAL_FORMS": str(len(formset.forms)),
        "grid-INITIAL_FORMS": str(len(formset.forms)),
    }
    for i, form in enumerate(formset.forms):
        data[f"grid-{i}-period"] = form.initial["period"].isoformat()
        data[f"grid-{i}-value"] = str(10 + i) if i < 3 else ""
        data[f"grid-{i}-note"] = ""
    response = client.post(url("measure-grid", event, measure_pk=measure.pk), data)
    assert response.status_code == 302
    with organisation_scope(event.organisation):
        assert DataPoint.objects.filter(measure=measure).count() == 3


def grid_data(formset, **cells):
    """The grid as posted: every period, empty, then `cells` ("<row>-<field>": value)."""
    data = {
        "grid-TOTAL_FORMS": str(len(formset.forms)),
        "grid-INITIAL_FORMS": str(len(formset.forms)),
    }
    for i, form in enumerate(formset.forms):
        data[f"grid-{i}-period"] = form.initial["period"].isoformat()
        data[f"grid-{i}-value"] = ""
        data[f"grid-{i}-note"] = ""
    return {**data, **{f"grid-{cell}": value for cell, value in cells.items()}}


def test_grid_marks_the_row_and_the_cell_in_error_and_the_summary_links_to_it(
    event, measure, client_for, viewer
):
    client = client_for(viewer)
    path = url("measure-grid", event, measure_pk=measure.pk)
    formset = client.get(path).context["formset"]
    period = formset.forms[2].initial["period"]
    day = f"{period.day} {period:%b %Y}"
    response = client.post(
        path, grid_data(formset, **{"0-value": "12", "2-value": "twelve", "2-note": "Kept"})
    )
    assert response.status_code == 200
    content = response.content.decode()
    message = f"Value for {day}: Value must be a number, like 12 or 12.5"
    # The summary at the top links to the cell's input.
    summary = content[content.index('data-module="nhsuk-error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert f'<a href="#id_grid-2-value">{message}</a>' in summary
    # The row is marked, and only that row.
    start = content.rindex("<tr", 0, content.index('id="row-grid-2"'))
    row = content[start : content.index("</tr>", start)]
    assert "ae-row-error" in row[: row.index(">")]
    assert content.count("ae-row-error") == 1
    # In the cell: the message above the input, which is in error and described by it.
    cell = row[row.index(f"Value, {day}</label>") :]
    error = cell.index('<span class="nhsuk-error-message" id="id_grid-2-value_error">')
    field = cell.index("<input")
    assert error < field and message in cell[error:field]
    input_tag = cell[field : cell.index(">", field)]
    assert 'id="id_grid-2-value"' in input_tag and 'value="twelve"' in input_tag
    assert "nhsuk-input nhsuk-input--width-5 nhsuk-input--error" in input_tag
    assert 'aria-describedby="id_grid-2-value_error"' in input_tag
    assert 'aria-invalid="true"' in input_tag
    # The other rows keep what was typed, without marks; nothing is saved.
    assert 'value="Kept"' in row and 'value="12"' in content
    assert content.count("nhsuk-input--error") == 1
    with organisation_scope(event.organisation):
        assert not DataPoint.objects.filter(measure=measure).exists()


def test_grid_shows_stored_values_as_written_and_saves_only_changed_rows(
    event, measure, client_for, viewer
):
    """18.0000 in the database is 18 in its box, and posting the grid back unchanged changes
    nothing."""
    client = client_for(viewer)
    path = url("measure-grid", event, measure_pk=measure.pk)
    formset = client.get(path).context["formset"]
    periods = [form.initial["period"] for form in formset.forms]
    services.data_point_save(measure=measure, period=periods[0], value=Decimal(18), by=None)
    services.data_point_save(measure=measure, period=periods[1], value=Decimal("2.5"), by=None)
    page = client.get(path)
    content = page.content.decode()
    assert 'value="18"' in content and 'value="2.5"' in content
    assert "18.0000" not in content and "2.5000" not in content
    posted = grid_data(page.context["formset"], **{"0-value": "18.0", "1-value": "2.50"})
    response = client.post(path, posted)
    assert response.status_code == 302
    assert "Saved 0 periods." in client.get(response["Location"]).content.decode()


def test_import_preview_names_problems_and_writes_nothing_then_applies(
    event, measure, client_for, viewer
):
    client = client_for(viewer)
    bad = b"measure,period,value\nWaiting time,2026-03-03,5\nWaiting time,2026-03-09,six\n"
    response = client.post(
        url("data-import", event), {"file": SimpleUploadedFile("w.csv", bad, "text/csv")}
    )
    content = response.content.decode()
    assert "Nothing has been imported." in content
    assert "is not a Monday" in content and "&#x27;six&#x27; is not a number" in content
    with organisation_scope(event.organisation):
        assert not DataPoint.objects.exists()
    good = b"measure,period,value\nWaiting time,2026-03-02,5\nWaiting time,2026-03-09,6\n"
    response = client.post(
        url("data-import", event), {"file": SimpleUploadedFile("w.csv", good, "text/csv")}
    )
    token = response.context["token"]
    assert "Import 2 rows" in response.content.decode()
    with organisation_scope(event.organisation):
        assert not DataPoint.objects.exists(), "the preview writes nothing"
    response = client.post(url("data-import", event), {"action": "apply", "token": token})
    assert response.status_code == 302
    with organisation_scope(event.organisation):
        assert DataPoint.objects.count() == 2
    again = client.post(url("data-import", event), {"action": "apply", "token": token}, follow=True)
    assert "That preview has expired" in again.content.decode()


def test_import_check_page_says_which_sheet_of_a_workbook_it_read(
    event, measure, client_for, viewer
):
    from tests.measurement.test_imports_meaning import workbook_bytes

    def build(workbook):
        workbook.active.title = "Archive"
        workbook.active.sheet_state = "hidden"
        sheet = workbook.create_sheet("Week 10")
        sheet.append(["Measure", "Period", "Value", "Comments"])
        sheet.append(["Waiting time", "2026-03-02", 5, "Short-staffed"])

    upload = SimpleUploadedFile("w.xlsx", workbook_bytes(build), "application/octet-stream")
    response = client_for(viewer).post(url("data-import", event), {"file": upload})
    content = response.content.decode()
    assert "Read the sheet \u201cWeek 10\u201d (the first visible sheet); hidden sheets" in content
    assert "Import 1 row" in content


def test_import_refuses_other_file_types(event, measure, client_for, viewer):
    response = client_for(viewer).post(
        url("data-import", event),
        {"file": SimpleUploadedFile("w.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert "Choose a CSV (.csv) or Excel (.xlsx) file." in response.content.decode()


def test_template_download(event, measure, client_for, sponsor):
    response = client_for(sponsor).get(url("import-template", event))
    assert response["Content-Type"].startswith("text/csv")
    assert b"Waiting time" in response.content


def test_exports(event, measure, client_for, sponsor):
    client = client_for(sponsor)
    assert client.get(url("measure-svg", event, measure_pk=measure.pk)).status_code == 404
    services.data_point_save(
        measure=measure, period=MONDAY, value=Decimal(5), note="first", by=None
    )
    svg = client.get(url("measure-svg", event, measure_pk=measure.pk))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b'<title id="chart-title">Waiting time' in svg.content
    png = client.get(url("measure-png", event, measure_pk=measure.pk))
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    data = client.get(url("measure-csv", event, measure_pk=measure.pk)).content.decode()
    assert data.splitlines()[1].startswith("2026-03-02,5")
    assert "first" in data


def measure_form_data(measure, **changes):
    data = {
        "name": measure.name,
        "type": measure.type,
        "definition": measure.definition,
        "value_kind": measure.value_kind,
        "frequency": measure.frequency,
        "direction": measure.direction,
        "chart_type": measure.chart_type,
        "fix_limits_after": "",
    }
    return {**data, **changes}


def test_the_edit_page_opens_for_every_editor_and_sponsors_are_refused(
    event, measure, client_for, org_admin, editor, viewer, sponsor
):
    """It answered 500 to everyone: the page read the measure before the form loaded it."""
    path = url("measure-update", event, measure_pk=measure.pk)
    for user in (editor, viewer, org_admin):
        response = client_for(user).get(path)
        assert response.status_code == 200, user.email
        assert response.context["measure"] == measure
        assert response.context["form"].instance.pk == measure.pk
        assert "Edit Waiting time" in response.content.decode()
    assert client_for(sponsor).get(path).status_code == 403


def test_the_edit_page_saves_and_a_refused_change_leaves_the_measure_as_it_was(
    event, measure, client_for, editor
):
    client = client_for(editor)
    path = url("measure-update", event, measure_pk=measure.pk)
    response = client.post(path, measure_form_data(measure, name="Minutes waiting"))
    assert response.status_code == 302
    assert response["Location"] == url("measure-detail", event, measure_pk=measure.pk)
    measure.refresh_from_db()
    assert measure.name == "Minutes waiting"

    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(5), by=None)
    response = client.post(path, measure_form_data(measure, name="Renamed", frequency="monthly"))
    assert response.status_code == 200
    assert "The frequency cannot change once data is entered." in response.content.decode()
    assert "Edit Minutes waiting" in response.content.decode()
    measure.refresh_from_db()
    assert (measure.name, measure.frequency) == ("Minutes waiting", "weekly")


def test_a_missing_measure_is_404_on_the_edit_page(event, client_for, editor):
    path = url("measure-update", event, measure_pk=999999)
    assert client_for(editor).get(path).status_code == 404
    assert client_for(editor).post(path, {}).status_code == 404


def test_the_data_table_is_kept_and_drawn_again_only_when_what_it_shows_changes(
    event, measure, client_for, viewer, sponsor, monkeypatch
):
    """The table (most of the page's drawing) is kept under a digest of what it shows: a repeat
    view reads it back, a changed value, a note or a reader who may not edit draws it again."""
    from django.core.cache import cache

    from measurement.views import measures as module

    cache.clear()
    for n in range(3):
        services.data_point_save(
            measure=measure, period=MONDAY + dt.timedelta(weeks=n), value=Decimal(5), by=None
        )
    drawn = []
    render = module.render_to_string

    def recorded(name, *args, **kwargs):
        if name == module.DATA_TABLE:
            drawn.append(name)
        return render(name, *args, **kwargs)

    monkeypatch.setattr(module, "render_to_string", recorded)
    path = url("measure-detail", event, measure_pk=measure.pk)
    editor_client = client_for(viewer)
    first = editor_client.get(path).content.decode()
    assert drawn == [module.DATA_TABLE]
    assert _untokened(editor_client.get(path).content.decode()) == _untokened(first)
    assert drawn == [module.DATA_TABLE]  # read back twice, drawn once
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(7), by=None)
    assert "7</td>" in editor_client.get(path).content.decode()
    assert len(drawn) == 2
    # A reader who may not edit gets the table without its forms, drawn for them.
    sponsor_page = client_for(sponsor).get(path).content.decode()
    assert len(drawn) == 3 and "exclude-reason" not in sponsor_page
    assert "exclude-reason" in editor_client.get(path).content.decode()
    assert len(drawn) == 3


def _untokened(page: str) -> str:
    """The page without its CSRF tokens (each response has its own)."""
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_a_cached_data_table_carries_each_requests_own_working_csrf_token(event, measure, viewer):
    """The kept table's forms hold a placeholder for the token: each response gets its own,
    and leaving a point out from a form of the kept table passes Django's CSRF check."""
    import re

    from allauth.account.models import EmailAddress
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    point = services.data_point_save(measure=measure, period=MONDAY, value=Decimal(5), by=None)
    EmailAddress.objects.get_or_create(
        user=viewer, email=viewer.email, defaults={"verified": True, "primary": True}
    )
    path = url("measure-detail", event, measure_pk=measure.pk)
    warm = Client(enforce_csrf_checks=True)
    warm.force_login(viewer)
    warm.get(path)  # kept now, drawn for another session
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    page = client.get(path).content.decode()
    assert "ae-csrf-token-placeholder" not in page
    form = page[page.index('value="exclude"') - 400 : page.index('value="exclude"')]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(
        path,
        {
            "csrfmiddlewaretoken": token,
            "action": "exclude",
            "exclude-point": point.pk,
            "exclude-reason": "Ward closed",
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.excluded and point.excluded_reason == "Ward closed"

"""Testing changes pages: who may see and do what, what the forms say, and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import ChangeIdea, Driver, Measure, PdsaCycle
from measurement.services import testing as services
from programmes import services as programme_services
from programmes.models import Stage
from tests.factories import AlwaysEventFactory

pytestmark = pytest.mark.django_db

State = PdsaCycle.State
QUESTIONS = [{"question": "Will staff use it?", "prediction": "Most days"}]


@pytest.fixture
def event(organisation, editor, sponsor, org_admin):
    return programme_services.event_create(
        organisation=organisation,
        title="Plan for the day",
        service="Ward 7",
        by=editor,
        team_lead=editor,
        executive_sponsor=sponsor,
    )


@pytest.fixture
def secondary(event, editor):
    primary = services.driver_add(event=event, text="Staff know the plan", by=editor)
    return services.driver_add(event=event, text="Morning huddle", parent=primary, by=editor)


@pytest.fixture
def idea(event, secondary, editor):
    return services.change_idea_add(
        event=event, text="Huddle script", kind="relational", driver=secondary, by=editor
    )


@pytest.fixture
def cycle(idea, editor):
    return services.pdsa_cycle_create(
        change_idea=idea,
        objective="Try the script",
        planned_start=dt.date(2025, 3, 3),
        questions=QUESTIONS,
        by=editor,
    )


def url(name, event, **kwargs):
    return reverse(
        f"measurement:{name}",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, **kwargs},
    )


def pages(event, idea, cycle):
    return [
        url("driver-diagram", event),
        url("change-idea-ramp", event, idea_pk=idea.pk),
        url("pdsa-cycle-detail", event, cycle_pk=cycle.pk),
    ]


def reload(obj):
    return type(obj).objects.with_scope(organisation=obj.organisation_id).get(pk=obj.pk)


def test_every_member_reads_every_page(
    event, idea, cycle, client_for, org_admin, editor, viewer, sponsor
):
    for user in (org_admin, editor, viewer, sponsor):
        client = client_for(user)
        for path in pages(event, idea, cycle):
            response = client.get(path)
            assert response.status_code == 200, (path, user.email)
    content = client_for(viewer).get(url("driver-diagram", event)).content.decode()
    assert "Add a primary driver" in content and "Change or remove" in content


def test_templates_used(event, idea, cycle, client_for, viewer):
    client = client_for(viewer)
    expected = [
        "measurement/driver_diagram.html",
        "measurement/pdsa_ramp.html",
        "measurement/pdsa_cycle_detail.html",
    ]
    for path, template in zip(pages(event, idea, cycle), expected, strict=True):
        assert template in [t.name for t in client.get(path).templates]
    create = client.get(url("pdsa-cycle-create", event, idea_pk=idea.pk))
    assert "measurement/pdsa_cycle_form.html" in [t.name for t in create.templates]


def test_sponsor_reads_but_cannot_change(event, idea, cycle, client_for, sponsor):
    client = client_for(sponsor)
    content = client.get(url("driver-diagram", event)).content.decode()
    assert "Huddle script" in content
    assert "Add a primary driver" not in content and "Change or remove" not in content
    assert "read the driver diagram" in content
    posts = [
        (url("driver-diagram", event), {"action": "primary", "primary-text": "X"}),
        (
            url("driver-diagram", event),
            {"action": "remove_idea", "remove_idea-target": idea.pk},
        ),
        (url("pdsa-cycle-create", event, idea_pk=idea.pk), {"action": "plan"}),
        (url("pdsa-cycle-detail", event, cycle_pk=cycle.pk), {"action": "start"}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    assert client.get(url("pdsa-cycle-create", event, idea_pk=idea.pk)).status_code == 403
    assert reload(cycle).state == State.PLANNED
    cycle_page = client.get(url("pdsa-cycle-detail", event, cycle_pk=cycle.pk)).content.decode()
    assert "Start doing it" not in cycle_page and "Will staff use it?" in cycle_page


def test_closed_events_are_read_only(event, idea, cycle, client_for, viewer, editor):
    event.stage = Stage.CLOSED
    event.save(update_fields=["stage"])
    client = client_for(viewer)
    content = client.get(url("driver-diagram", event)).content.decode()
    assert "closed, so its driver diagram is kept" in content
    response = client.post(url("driver-diagram", event), {"action": "primary", "primary-text": "X"})
    assert response.status_code == 403
    response = client.post(url("pdsa-cycle-detail", event, cycle_pk=cycle.pk), {"action": "start"})
    assert response.status_code == 403


def test_outsider_gets_404_everywhere(event, idea, cycle, client_for, outsider, other_organisation):
    client = client_for(outsider)
    for path in pages(event, idea, cycle):
        assert client.get(path).status_code == 404
        assert client.post(path, {"action": "start"}).status_code == 404
    assert client.get(url("pdsa-cycle-create", event, idea_pk=idea.pk)).status_code == 404
    # Not through their own organisation's address either.
    path = reverse(
        "measurement:driver-diagram", kwargs={"org_slug": other_organisation.slug, "pk": event.pk}
    )
    assert client.get(path).status_code == 404


def test_ideas_and_cycles_of_another_event_are_404(
    event, organisation, idea, cycle, client_for, viewer, editor
):
    other = AlwaysEventFactory(organisation=organisation)
    client = client_for(viewer)
    assert client.get(url("change-idea-ramp", other, idea_pk=idea.pk)).status_code == 404
    assert client.get(url("pdsa-cycle-detail", other, cycle_pk=cycle.pk)).status_code == 404
    assert client.get(url("pdsa-cycle-create", other, idea_pk=idea.pk)).status_code == 404


# --- the driver diagram ------------------------------------------------------------------------


def test_aim_or_a_prompt_to_write_it(event, client_for, viewer, editor):
    client = client_for(viewer)
    content = client.get(url("driver-diagram", event)).content.decode()
    assert "No aim yet" in content and "Vision and aim" in content
    programme_services.event_set_aim(
        event=event,
        aim_measure="know the plan for their day",
        aim_target_percent=90,
        aim_deadline=dt.date(2026, 3, 31),
        aim_population="patients on Ward 7",
        aim_review_frequency="monthly",
        by=editor,
    )
    event.refresh_from_db()
    content = client.get(url("driver-diagram", event)).content.decode()
    assert event.aim_sentence and event.aim_sentence.split(".")[0] in content


def test_team_member_builds_the_diagram(event, client_for, viewer):
    client = client_for(viewer)
    path = url("driver-diagram", event)
    response = client.post(path, {"action": "primary", "primary-text": "Staff know the plan"})
    assert response.status_code == 302
    primary = Driver.objects.with_scope(organisation=event.organisation_id).get()
    response = client.post(
        path,
        {"action": "secondary", "secondary-parent": primary.pk, "secondary-text": "Huddle"},
    )
    assert response.status_code == 302
    secondary = Driver.objects.with_scope(organisation=event.organisation_id).get(parent=primary)
    response = client.post(
        path,
        {
            "action": "idea",
            "idea-text": "Script",
            "idea-kind": "relational",
            "idea-driver": secondary.pk,
        },
    )
    assert response.status_code == 302
    content = client.get(path).content.decode()
    assert "Primary driver “Staff know the plan” added." in content
    for text in ("Staff know the plan", "Huddle", "Script"):
        assert text in content
    assert "1 of 1 (100%)" in content
    assert "Most of your change ideas are relational" in content


def test_add_idea_shows_plain_errors_and_keeps_input(event, secondary, client_for, viewer):
    response = client_for(viewer).post(
        url("driver-diagram", event),
        {"action": "idea", "idea-text": "A clock by each bed", "idea-kind": ""},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Say whether the change is relational" in content
    assert 'value="A clock by each bed"' in content
    assert not ChangeIdea.objects.with_scope(organisation=event.organisation_id).exists()


def test_secondary_driver_must_be_under_a_primary_of_this_event(
    event, secondary, client_for, viewer
):
    response = client_for(viewer).post(
        url("driver-diagram", event),
        {"action": "secondary", "secondary-parent": secondary.pk, "secondary-text": "Deep"},
    )
    assert response.status_code == 200
    assert "Choose one of this event&#x27;s primary drivers" in response.content.decode()


def test_rename_and_remove_drivers(event, secondary, idea, client_for, viewer):
    client = client_for(viewer)
    path = url("driver-diagram", event)
    primary = secondary.parent
    response = client.post(
        path,
        {"action": "rename_driver", "rename_driver-target": primary.pk, "rename_driver-text": ""},
    )
    assert response.status_code == 200
    assert "Enter the new wording" in response.content.decode()
    response = client.post(
        path,
        {
            "action": "rename_driver",
            "rename_driver-target": primary.pk,
            "rename_driver-text": "New",
        },
    )
    assert response.status_code == 302
    assert reload(primary).text == "New"
    # With children: refused until confirmed; the message is shown under the driver.
    response = client.post(path, {"action": "remove_driver", "remove_driver-target": primary.pk})
    assert response.status_code == 200
    content = response.content.decode()
    assert "has 1 secondary driver and 1 change idea under it" in content
    under_it = content[content.index(f'id="driver-{primary.pk}"') :]
    opened = under_it[: under_it.index("</details>")]
    assert '<details class="nhsuk-details ae-item-edit" open>' in opened
    assert "has 1 secondary driver and 1 change idea under it" in opened, "by its box"
    assert 'class="nhsuk-checkboxes__input"' in opened and "its secondary drivers" in opened
    response = client.post(
        path,
        {
            "action": "remove_driver",
            "remove_driver-target": primary.pk,
            "remove_driver-confirm": "on",
        },
    )
    assert response.status_code == 302
    assert not Driver.objects.with_scope(organisation=event.organisation_id).exists()
    content = client.get(path).content.decode()
    assert "Change ideas not yet placed under a driver" in content and "Huddle script" in content


def test_remove_driver_of_another_event_is_refused(event, organisation, client_for, viewer, editor):
    other = AlwaysEventFactory(organisation=organisation)
    theirs = services.driver_add(event=other, text="Theirs", by=editor)
    response = client_for(viewer).post(
        url("driver-diagram", event), {"action": "remove_driver", "remove_driver-target": theirs.pk}
    )
    assert response.status_code == 200
    assert "no longer on the diagram" in response.content.decode()
    assert Driver.objects.with_scope(organisation=organisation.pk).filter(pk=theirs.pk).exists()


def test_edit_and_remove_change_ideas(event, secondary, idea, cycle, client_for, viewer, editor):
    client = client_for(viewer)
    path = url("driver-diagram", event)
    response = client.post(
        path,
        {
            "action": "edit_idea",
            "edit_idea-target": idea.pk,
            "edit_idea-text": "Huddle script v2",
            "edit_idea-kind": "transactional",
            "edit_idea-driver": "",
        },
    )
    assert response.status_code == 302
    idea = reload(idea)
    assert (idea.text, idea.kind, idea.driver_id) == ("Huddle script v2", "transactional", None)
    response = client.post(path, {"action": "remove_idea", "remove_idea-target": idea.pk})
    assert response.status_code == 200
    assert "has 1 PDSA cycle" in response.content.decode()
    untested = services.change_idea_add(event=event, text="Untested", kind="relational", by=editor)
    response = client.post(path, {"action": "remove_idea", "remove_idea-target": untested.pk})
    assert response.status_code == 302
    assert (
        not ChangeIdea.objects.with_scope(organisation=event.organisation_id)
        .filter(pk=untested.pk)
        .exists()
    )


def test_unknown_action_is_a_bad_request(event, client_for, viewer):
    assert client_for(viewer).post(url("driver-diagram", event), {"action": "x"}).status_code == 400


def test_driver_diagram_query_count_is_constant(
    event, client_for, viewer, editor, django_assert_max_num_queries
):
    client = client_for(viewer)
    path = url("driver-diagram", event)
    primary = services.driver_add(event=event, text="P", by=editor)
    secondary = services.driver_add(event=event, text="S", parent=primary, by=editor)
    services.change_idea_add(event=event, text="I", kind="relational", driver=secondary, by=editor)
    client.get(path)
    with django_assert_max_num_queries(60) as few:
        client.get(path)
    for p in range(4):
        primary = services.driver_add(event=event, text=f"P{p}", by=editor)
        for s in range(3):
            secondary = services.driver_add(event=event, text=f"S{s}", parent=primary, by=editor)
            for i in range(2):
                idea = services.change_idea_add(
                    event=event, text=f"I{i}", kind="transactional", driver=secondary, by=editor
                )
                for _ in range(2):
                    services.pdsa_cycle_create(
                        change_idea=idea,
                        objective="x",
                        planned_start=dt.date(2025, 1, 6),
                        by=editor,
                    )
    services.change_idea_add(event=event, text="Loose", kind="relational", by=editor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)
    assert response.content.decode().count("PDSA cycles<span") == 26


# --- PDSA cycles -------------------------------------------------------------------------------


def plan_data(**extra):
    data = {
        "action": "plan",
        "plan-purpose": "test",
        "plan-objective": "Try the script at the huddle",
        "plan-plan_who": "Day staff",
        "plan-plan_what": "Read the script",
        "plan-plan_where": "Ward 7",
        "plan-planned_start": "2025-03-03",
        "plan-data_collection_plan": "Tally",
        "plan-question_1": "Will staff use it?",
        "plan-prediction_1": "",
    }
    data.update(extra)
    return data


def test_plan_a_cycle_from_the_ramp(event, idea, client_for, viewer):
    client = client_for(viewer)
    ramp = client.get(url("change-idea-ramp", event, idea_pk=idea.pk)).content.decode()
    assert "No cycles yet" in ramp and "Plan a PDSA cycle" in ramp
    with organisation_scope(event.organisation):
        measure = Measure.objects.create(
            organisation=event.organisation,
            event=event,
            name="Know the plan",
            type="process",
            definition="Asked",
        )
    response = client.post(
        url("pdsa-cycle-create", event, idea_pk=idea.pk), plan_data(**{"plan-measures": measure.pk})
    )
    assert response.status_code == 302
    cycle = PdsaCycle.objects.with_scope(organisation=event.organisation_id).get()
    assert response["Location"] == url("pdsa-cycle-detail", event, cycle_pk=cycle.pk)
    assert cycle.questions == [{"question": "Will staff use it?", "prediction": ""}]
    assert cycle.number == 1 and cycle.created_by is not None
    ramp = client.get(url("change-idea-ramp", event, idea_pk=idea.pk)).content.decode()
    assert "Cycle 1" in ramp and "Try the script at the huddle" in ramp and "Know the plan" in ramp


def test_plan_form_keeps_input_and_refuses_other_events_measures(
    event, organisation, idea, client_for, viewer, editor
):
    other = AlwaysEventFactory(organisation=organisation)
    with organisation_scope(organisation):
        theirs = Measure.objects.create(
            organisation=organisation, event=other, name="Theirs", type="process", definition="x"
        )
        Measure.objects.create(
            organisation=organisation, event=event, name="Ours", type="process", definition="x"
        )
    client = client_for(viewer)
    path = url("pdsa-cycle-create", event, idea_pk=idea.pk)
    response = client.post(path, plan_data(**{"plan-objective": ""}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Say what this cycle is for: its objective." in content
    assert 'value="Will staff use it?"' in content and 'value="Day staff"' in content
    response = client.post(path, plan_data(**{"plan-measures": theirs.pk}))
    assert response.status_code == 200
    assert "Choose only measures of this Always Event" in response.content.decode()
    assert not PdsaCycle.objects.with_scope(organisation=organisation.pk).exists()


def test_cycle_moves_through_its_states(event, idea, client_for, viewer):
    client = client_for(viewer)
    client.post(url("pdsa-cycle-create", event, idea_pk=idea.pk), plan_data())
    cycle = PdsaCycle.objects.with_scope(organisation=event.organisation_id).get()
    path = url("pdsa-cycle-detail", event, cycle_pk=cycle.pk)

    # Refused Doing without a prediction, with the reason.
    response = client.post(path, {"action": "start"})
    assert response.status_code == 200
    assert "Write a prediction for every question" in response.content.decode()
    assert reload(cycle).state == State.PLANNED
    assert client.post(path, plan_data(**{"plan-prediction_1": "Most days"})).status_code == 302
    assert client.post(path, {"action": "start"}).status_code == 302
    assert reload(cycle).state == State.DOING

    # Do: the form keeps what was typed when the answer is missing.
    response = client.post(path, {"action": "do", "do-observations": "Used on 4 days"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Say whether the test was carried out as planned." in content
    assert "Used on 4 days" in content
    response = client.post(
        path,
        {"action": "do", "do-carried_out_as_planned": "yes", "do-observations": "Used on 4 days"},
    )
    assert response.status_code == 302
    assert reload(cycle).state == State.STUDYING

    # Study: the comparison is needed before deciding.
    response = client.post(path, {"action": "decide", "decide-decision": "adapt"})
    assert response.status_code == 200
    assert "Compare what happened with your predictions" in response.content.decode()
    response = client.post(
        path,
        {
            "action": "decide",
            "decide-comparison": "Predicted most days; it was 4 of 5",
            "decide-learning": "Nights need a shorter one",
            "decide-decision": "adapt",
        },
    )
    assert response.status_code == 302
    cycle = reload(cycle)
    assert (cycle.state, cycle.decision) == (State.DECIDED, "adapt")

    page = client.get(path).content.decode()
    assert "Start the next cycle" in page and "Close this cycle" in page

    # Next cycle, pre-filled.
    response = client.post(path, {"action": "next"})
    second = PdsaCycle.objects.with_scope(organisation=event.organisation_id).get(number=2)
    assert response["Location"] == url("pdsa-cycle-detail", event, cycle_pk=second.pk)
    assert second.previous_id == cycle.pk and second.questions == cycle.questions
    page = client.get(response["Location"]).content.decode()
    assert "copied from cycle 1" in page
    assert 'value="Try the script at the huddle"' not in page  # a textarea, not an input
    assert "Try the script at the huddle" in page and 'value="Most days"' in page
    assert reload(cycle).state == State.CLOSED
    first_page = client.get(path).content.decode()
    assert "Start the next cycle" not in first_page and "follows this one" in first_page
    ramp = client.get(url("change-idea-ramp", event, idea_pk=idea.pk)).content.decode()
    assert ramp.index("Cycle 1") < ramp.index("Cycle 2")
    assert "Decision: Adapt" in ramp and "follows cycle 1" in ramp


def test_adopt_offers_close_but_not_a_next_cycle(event, cycle, client_for, viewer, editor):
    services.pdsa_cycle_start(cycle=cycle, by=editor)
    services.pdsa_cycle_study(cycle=cycle, carried_out_as_planned=True, observations="x", by=editor)
    services.pdsa_cycle_decide(cycle=cycle, comparison="x", decision="adopt", by=editor)
    client = client_for(viewer)
    path = url("pdsa-cycle-detail", event, cycle_pk=cycle.pk)
    page = client.get(path).content.decode()
    assert "Start the next cycle" not in page and "Close this cycle" in page
    response = client.post(path, {"action": "next"})
    assert response.status_code == 200
    assert "follows a decision to adapt or expand" in response.content.decode()
    assert client.post(path, {"action": "close"}).status_code == 302
    assert reload(cycle).state == State.CLOSED
    page = client.get(path).content.decode()
    assert "Close this cycle" not in page and "Start doing it" not in page


def test_skipping_a_state_is_refused_plainly(event, cycle, client_for, viewer):
    response = client_for(viewer).post(
        url("pdsa-cycle-detail", event, cycle_pk=cycle.pk), {"action": "close"}
    )
    assert response.status_code == 200
    assert "one step at a time" in response.content.decode()

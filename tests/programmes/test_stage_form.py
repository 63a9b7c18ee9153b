"""The stage form asks only what the chosen move needs (programmes.forms.StageForm and
lifecycle.move_needs): what each kind of move requires, what it ignores, that the rules are the
service's own, and the stage page for the roles that change the stage and the outsider."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from programmes import readiness, services
from programmes.forms import StageForm
from programmes.models import AlwaysEvent, Stage, StageTransition
from programmes.services import lifecycle
from tests.factories import AlwaysEventFactory

S = Stage
UNMET = ["Oversight group named", "QI support contact named"]
IGNORED = {"reason": "", "override": False, "closed_reason": ""}


def form(data, *, from_stage=S.SET_UP, unmet=(), paused_from=""):
    event = AlwaysEvent(stage=from_stage, paused_from=paused_from)
    return StageForm(
        data,
        moves=services.allowed_moves(event),
        from_stage=from_stage,
        unmet=list(unmet),
    )


def answered(f):
    return {name: f.cleaned_data[name] for name in IGNORED}


# --- what each move asks ------------------------------------------------------------------------


def test_moving_forward_with_everything_ready_asks_nothing_and_ignores_the_rest():
    f = form({"to_stage": S.DISCOVERING})
    assert f.is_valid(), f.errors
    f = form(
        {
            "to_stage": S.DISCOVERING,
            "reason": "Typed before changing my mind",
            "override": "on",
            "closed_reason": "completed",
        }
    )
    assert f.is_valid(), f.errors
    assert answered(f) == IGNORED


def test_moving_forward_before_everything_is_done_asks_the_reason_and_the_tick():
    f = form({"to_stage": S.DISCOVERING}, unmet=UNMET)
    assert not f.is_valid()
    assert f.errors["override"] == [
        "Not ready for Discovering yet. Still to do: Oversight group named; QI support contact "
        "named. To move on anyway, give the reason and tick “Move on anyway”."
    ]
    assert f.errors["reason"] == ["Say why you are moving on before these are done."]
    assert "closed_reason" not in f.errors

    f = form({"to_stage": S.DISCOVERING, "override": "on", "reason": "  "}, unmet=UNMET)
    assert list(f.errors) == ["reason"]

    f = form(
        {
            "to_stage": S.DISCOVERING,
            "override": "on",
            "reason": "The board asked us to start",
            "closed_reason": "stopped",
        },
        unmet=UNMET,
    )
    assert f.is_valid(), f.errors
    assert answered(f) == {
        "reason": "The board asked us to start",
        "override": True,
        "closed_reason": "",
    }


@pytest.mark.parametrize(
    ("to_stage", "words"),
    [(S.PROPOSED, "going back a stage"), (S.PAUSED, "pausing")],
)
def test_moving_back_or_pausing_asks_the_reason_only(to_stage, words):
    f = form({"to_stage": to_stage, "override": "on", "closed_reason": "merged"}, unmet=UNMET)
    assert f.errors == {"reason": [f"Say why you are {words}."]}
    f = form({"to_stage": to_stage, "reason": "Ward refurbishment", "override": "on"}, unmet=UNMET)
    assert f.is_valid(), f.errors
    assert answered(f) == {**IGNORED, "reason": "Ward refurbishment"}


def test_closing_asks_the_reason_and_why_it_is_closing():
    f = form({"to_stage": S.CLOSED, "override": "on"})
    assert f.errors == {
        "reason": ["Say why you are closing."],
        "closed_reason": ["Choose why it is closing: completed, stopped or merged."],
    }
    f = form(
        {
            "to_stage": S.CLOSED,
            "reason": "Merged with the discharge work",
            "override": "on",
            "closed_reason": "merged",
        }
    )
    assert f.is_valid(), f.errors
    assert answered(f) == {
        "reason": "Merged with the discharge work",
        "override": False,
        "closed_reason": "merged",
    }


def test_resuming_a_paused_event_asks_nothing_and_closing_it_asks_both():
    f = form(
        {"to_stage": S.TESTING, "reason": "Back on", "closed_reason": "completed"},
        from_stage=S.PAUSED,
        paused_from=S.TESTING,
    )
    assert f.is_valid(), f.errors
    assert answered(f) == IGNORED
    f = form({"to_stage": S.CLOSED}, from_stage=S.PAUSED, paused_from=S.TESTING)
    assert set(f.errors) == {"reason", "closed_reason"}


def test_each_offered_move_tells_the_page_which_questions_it_asks():
    html = str(form(None, unmet=UNMET)["to_stage"])
    needs = dict(re.findall(r'value="(\w+)" data-needs="([\w ]*)"', html))
    assert needs == {
        S.PROPOSED: "reason",
        S.DISCOVERING: "override reason",
        S.PAUSED: "reason",
        S.CLOSED: "closed_reason reason",
    }
    assert "data-stage-move" in html


@given(
    to_stage=st.sampled_from([*Stage.values, "", "nonsense"]),
    reason=st.text(max_size=50),
    override=st.sampled_from(["", "on", "false", "x"]),
    closed_reason=st.text(max_size=12),
    unmet=st.lists(st.text(min_size=1, max_size=10), max_size=2),
)
def test_any_posted_move_is_taken_with_what_it_needs_or_refused(
    to_stage, reason, override, closed_reason, unmet
):
    data = {"to_stage": to_stage, "reason": reason, "override": override}
    data["closed_reason"] = closed_reason
    f = form(data, unmet=unmet)
    if not f.is_valid():
        return
    needs = f.needs_for(f.cleaned_data["to_stage"])
    for name, nothing in IGNORED.items():
        if name in needs:
            assert f.cleaned_data[name] not in ("", False)
        else:
            assert f.cleaned_data[name] == nothing
    if "reason" in needs:
        assert f.cleaned_data["reason"].strip()


# --- the form's rules are the service's ---------------------------------------------------------


@pytest.fixture
def _only_programmes_checks(monkeypatch):
    mine = {key: check for key, check in readiness._registry.items() if check.app == "programmes"}
    monkeypatch.setattr(readiness, "_registry", mine)


ANSWERS = {"reason": "Because", "override": True, "closed_reason": "completed"}


@pytest.mark.django_db
@pytest.mark.usefixtures("_only_programmes_checks")
@pytest.mark.parametrize(
    ("from_stage", "paused_from"),
    [(S.PROPOSED, ""), (S.SET_UP, ""), (S.TESTING, ""), (S.SPREADING, ""), (S.PAUSED, S.TESTING)],
)
def test_the_service_takes_a_move_with_exactly_what_move_needs_asks(
    organisation, editor, sponsor, from_stage, paused_from
):
    shape = AlwaysEvent(stage=from_stage, paused_from=paused_from)
    for to_stage in services.allowed_moves(shape):
        event = AlwaysEventFactory(
            organisation=organisation,
            team_lead=editor,
            executive_sponsor=sponsor,
            stage=from_stage,
            paused_from=paused_from,
        )
        forward = lifecycle.next_stage(from_stage)
        with organisation_scope(organisation):
            ready = forward is None or all(r.met for r in readiness.evaluate(event, forward))
        needs = lifecycle.move_needs(from_stage=from_stage, to_stage=to_stage, ready=ready)
        for missing in needs:
            given = {name: ANSWERS[name] for name in needs if name != missing}
            with pytest.raises(DomainError):
                services.event_transition(event=event, to_stage=to_stage, by=editor, **given)
        services.event_transition(
            event=event, to_stage=to_stage, by=editor, **{name: ANSWERS[name] for name in needs}
        )
        assert event.stage == to_stage


# --- the page ----------------------------------------------------------------------------------


def stage_url(event, **query):
    url = reverse(
        "programmes:event-stage", kwargs={"org_slug": event.organisation.slug, "pk": event.pk}
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def event(organisation, editor, sponsor):
    """Proposed, with its lead and sponsor named: ready for Set-up."""
    return AlwaysEventFactory(
        organisation=organisation, team_lead=editor, executive_sponsor=sponsor
    )


def shown(page, name):
    """Whether the page shows the question (its block is not hidden)."""
    found = re.search(rf'<div data-stage-question="{name}"( hidden)?>', page)
    assert found, name
    return found.group(1) is None


@pytest.mark.django_db
def test_the_page_shows_only_the_questions_of_the_move_it_is_about(event, editor, client_for):
    client = client_for(editor)
    page = client.get(stage_url(event)).content.decode()
    assert [shown(page, q) for q in ("reason", "closed_reason", "override")] == [False] * 3
    assert "Nothing more to answer for this move." in page
    page = client.get(stage_url(event, to=S.CLOSED)).content.decode()
    assert [shown(page, q) for q in ("reason", "closed_reason", "override")] == [True, True, False]
    page = client.get(stage_url(event, to=S.PAUSED)).content.decode()
    assert [shown(page, q) for q in ("reason", "closed_reason", "override")] == [True, False, False]


@pytest.mark.django_db
def test_team_lead_and_admin_open_and_use_the_stage_page(event, editor, org_admin, client_for):
    for user in (editor, org_admin):
        assert client_for(user).get(stage_url(event)).status_code == 200
    response = client_for(editor).post(stage_url(event), {"to_stage": S.SET_UP})
    assert response.status_code == 302
    client = client_for(org_admin)
    response = client.post(stage_url(event), {"to_stage": S.CLOSED, "reason": "Merged"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose why it is closing: completed, stopped or merged." in page
    assert shown(page, "closed_reason")  # the question missing is now on the page
    response = client.post(
        stage_url(event), {"to_stage": S.CLOSED, "reason": "Merged", "closed_reason": "merged"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.stage, event.closed_reason) == (S.CLOSED, "merged")


@pytest.mark.django_db
def test_moving_on_when_ready_keeps_no_reason_typed_for_another_move(event, editor, client_for):
    client_for(editor).post(
        stage_url(event), {"to_stage": S.SET_UP, "reason": "Left over", "override": "on"}
    )
    transition = StageTransition.objects.with_scope(organisation=event.organisation_id).get()
    assert (transition.to_stage, transition.reason, transition.overridden) == (S.SET_UP, "", [])


@pytest.mark.django_db
def test_the_outsider_finds_no_stage_page(event, outsider, client_for):
    client = client_for(outsider)
    assert client.get(stage_url(event)).status_code == 404
    assert client.post(stage_url(event), {"to_stage": S.SET_UP}).status_code == 404
    event.refresh_from_db()
    assert event.stage == S.PROPOSED

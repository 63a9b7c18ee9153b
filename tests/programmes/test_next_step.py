"""The overview's "What to do next": the first unmet item of the readiness checklist, with
where to go to meet it, so it never contradicts the checklist beside it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from programmes import readiness, services
from programmes.models import Stage

pytestmark = pytest.mark.django_db


def test_every_readiness_check_names_where_to_meet_it():
    keys = [check.key for stage in Stage.values for check in readiness.checks_for(stage)]
    assert len(keys) > 15
    for key in keys:
        action = readiness.action_for(key)
        assert action is not None, f"{key} has no action"
        reverse(action.url_name, kwargs={"org_slug": "northfield", "pk": 1})
        assert action.text[:1].isupper()


def test_an_action_is_found_by_the_start_of_its_key():
    readiness.register_action("tests.thing", "programmes:event-team", "Do the thing")
    try:
        assert readiness.action_for("tests.thing.set_up").text == "Do the thing"
        assert readiness.action_for("tests.other") is None
    finally:
        readiness._actions.pop("tests.thing")


def _next_step(client, event):
    url = reverse(
        "programmes:event-detail", kwargs={"org_slug": event.organisation.slug, "pk": event.pk}
    )
    html = client.get(url).content.decode()
    block = re.search(r'<div[^>]*id="next-step">(.*?)</div>', html, re.S) or re.search(
        r'<p[^>]*id="next-step">(.*?)</p>', html, re.S
    )
    assert block, "no next step on the overview"
    return " ".join(re.sub(r"<[^>]+>", " ", block.group(1)).split()), html


def test_what_to_do_next_is_the_first_unmet_item_with_its_link(organisation, editor, client_for):
    event = services.event_create(
        organisation=organisation, title="Plan for the day", service="Ward 7", by=editor
    )
    client = client_for(editor)
    text, html = _next_step(client, event)
    first_unmet = next(r for r in readiness.evaluate(event, Stage.SET_UP) if not r.met)
    assert first_unmet.action is not None
    assert f"What to do next: {first_unmet.action.text}" in text
    assert first_unmet.label in text
    link = reverse(
        first_unmet.action.url_name, kwargs={"org_slug": organisation.slug, "pk": event.pk}
    )
    assert f'href="{link}">{first_unmet.action.text}</a>' in html


def test_when_the_checklist_is_done_it_says_so(organisation, editor, sponsor, client_for):
    event = services.event_create(
        organisation=organisation,
        title="Plan for the day",
        service="Ward 7",
        by=editor,
        team_lead=editor,
        executive_sponsor=sponsor,
    )
    assert all(r.met for r in readiness.evaluate(event, Stage.SET_UP))
    text, _ = _next_step(client_for(editor), event)
    assert text == (
        "What to do next: everything on the checklist for Set-up is done: move to Set-up when "
        "the team is ready."
    )


def test_the_link_is_for_people_who_may_do_it_there(organisation, editor, viewer, client_for):
    """A team member may not name the team lead: they read the step, without a link that
    would answer 403 (found by the persona crawl)."""
    event = services.event_create(
        organisation=organisation, title="Plan for the day", service="Ward 7", by=editor
    )
    leadership = reverse(
        "programmes:event-leadership", kwargs={"org_slug": organisation.slug, "pk": event.pk}
    )
    text, html = _next_step(client_for(viewer), event)
    assert "What to do next: Name the team lead" in text
    assert f'href="{leadership}"' not in html.split('id="next-step"')[1].split("</div>")[0]
    _, lead_html = _next_step(client_for(editor), event)
    assert f'href="{leadership}">Name the team lead</a>' in lead_html

"""Forms of the programmes pages refuse control characters and numbers their column cannot hold
(ADR 5): the error sits on the field and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Challenge, Impact

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def url(name, event):
    return reverse(
        f"programmes:{name}", kwargs={"org_slug": event.organisation.slug, "pk": event.pk}
    )


def challenge(text):
    return {
        "action": "challenge",
        "challenge-kind": "challenge",
        "challenge-area": "staff_time",
        "challenge-text": text,
        "challenge-noted_on": TODAY.isoformat(),
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [("No cover\x07", "U+0007"), ("No cover\x00", "U+0000"), ("\x1b[2J", "U+001B")],
)
def test_a_challenge_with_a_control_character_is_refused_on_its_field(
    event, client_for, editor, text, code
):
    response = client_for(editor).post(url("event-challenges", event), challenge(text))
    assert response.status_code == 200
    errors = response.context["forms"]["challenge"].errors["text"]
    message = f"Remove the invisible control character ({code}) from this text."
    assert message in errors
    assert message in response.content.decode()
    with organisation_scope(event.organisation):
        assert not Challenge.objects.exists()


def test_a_challenge_over_several_lines_is_kept(event, client_for, editor):
    response = client_for(editor).post(
        url("event-challenges", event), challenge("No cover\r\nfor huddles")
    )
    assert response.status_code == 302
    with organisation_scope(event.organisation):
        assert Challenge.objects.get().text == "No cover\r\nfor huddles"


def test_an_impact_estimate_too_large_for_its_column_is_refused_in_words(event, client_for, editor):
    data = {
        "action": "impact",
        "impact-kind": "efficiency",
        "impact-description": "Fewer calls to the ward",
        "impact-money_estimate": "81234567890",
        "impact-hours_estimate": "12.25",
        "impact-noted_on": TODAY.isoformat(),
    }
    response = client_for(editor).post(url("event-impact", event), data)
    assert response.status_code == 200
    errors = response.context["forms"]["impact"].errors
    assert errors["money_estimate"] == [
        "81234567890 is too large: the largest value allowed is 9,999,999,999.99."
    ]
    assert errors["hours_estimate"] == [
        "12.25 has too many decimal places: at most 1 decimal place is allowed."
    ]
    with organisation_scope(event.organisation):
        assert not Impact.objects.exists()

"""The partner's voice: "What would you change?" (saved, shown to the team, in the digest), and
feedback on activities one at a time on the partner's event page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alwaysevents.exceptions import DomainError
from alwaysevents.reporting.digest import event_successes, partner_suggestion_lines
from coproduction.models import Attendance, PartnerSuggestion
from coproduction.selectors import suggestions as selectors
from coproduction.services import partner_access as access_services
from coproduction.services import partners as partner_services
from coproduction.services.suggestions import (
    SUGGESTION_MAX_LENGTH,
    partner_suggestion_make,
    suggestion_text_refusal,
)
from programmes import services as programme_services
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    ConsentFactory,
    EventPartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

IDEA = "Please write the plan on the board before visiting starts."


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(
        organisation=organisation, team_lead=editor, stage="co_designing", title="Plan for the day"
    )


@pytest.fixture
def other_event(organisation, org_admin):
    return AlwaysEventFactory(organisation=organisation, team_lead=org_admin, title="Ward rounds")


def signed_in_partner(event, name, email, by):
    """A partner of `event` who can sign in: (partner, their user)."""
    partner = EventPartnerFactory(
        event=event, partner__display_name=name, partner__email=email
    ).partner
    ConsentFactory(partner=partner, purpose="contact")
    invitation = access_services.partner_invite(partner=partner, by=by)
    user = UserFactory(email=email, full_name=name)
    programme_services.invitation_accept(invitation=invitation, user=user)
    return partner, user


@pytest.fixture
def pat_and_partner(event, editor):
    return signed_in_partner(event, "Pat Fictional", "pat@example.org", editor)


@pytest.fixture
def partner(pat_and_partner):
    return pat_and_partner[0]


@pytest.fixture
def pat(pat_and_partner):
    return pat_and_partner[1]


@pytest.fixture
def robin(other_event, org_admin):
    """A partner of the same organisation who signs in, but takes part only in the other event."""
    return signed_in_partner(other_event, "Robin Otherperson", "robin@example.org", org_admin)


def scoped(model, organisation):
    return model.objects.with_scope(organisation=organisation.pk).all()


def page_url(event):
    return reverse(
        "coproduction:partner-event", kwargs={"org_slug": event.organisation.slug, "pk": event.pk}
    )


def tab_url(event):
    return reverse(
        "coproduction:event-coproduction",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk},
    )


def suggest(client, event, text):
    return client.post(page_url(event), {"action": "suggestion", "suggestion-text": text})


# --- the service --------------------------------------------------------------------------------


def test_partner_suggests_a_change_for_their_event(organisation, event, partner, pat):
    suggestion = partner_suggestion_make(partner=partner, event=event, text=f"  {IDEA}\n", by=pat)
    assert suggestion.text == IDEA
    assert suggestion.organisation_id == organisation.pk
    assert suggestion.event_id == event.pk and suggestion.partner_id == partner.pk
    assert suggestion.created_at == scoped(PartnerSuggestion, organisation).get().created_at


def test_staff_cannot_suggest_as_a_partner(organisation, event, partner, pat, editor, org_admin):
    for user in (editor, org_admin):
        with pytest.raises(DomainError, match="only change your own"):
            partner_suggestion_make(partner=partner, event=event, text=IDEA, by=user)
    assert not scoped(PartnerSuggestion, organisation).exists()


def test_another_partner_cannot_suggest_as_them(organisation, event, partner, pat, robin):
    with pytest.raises(DomainError, match="only change your own"):
        partner_suggestion_make(partner=partner, event=event, text=IDEA, by=robin[1])
    assert not scoped(PartnerSuggestion, organisation).exists()


def test_only_a_partner_taking_part_now_may_suggest(
    organisation, event, other_event, partner, pat, robin, editor
):
    robin_partner, robin_user = robin
    with pytest.raises(DomainError, match="not taking part in Plan for the day"):
        partner_suggestion_make(partner=robin_partner, event=event, text=IDEA, by=robin_user)
    partner_services.partner_leave_event(
        partner=partner, event=event, left_on=timezone.localdate(), by=editor
    )
    with pytest.raises(DomainError, match="not taking part"):
        partner_suggestion_make(partner=partner, event=event, text=IDEA, by=pat)
    assert not scoped(PartnerSuggestion, organisation).exists()


def test_an_event_of_another_organisation_is_refused(partner, pat, outsider, other_organisation):
    theirs = AlwaysEventFactory(organisation=other_organisation)
    with pytest.raises(DomainError, match="your own Always Events"):
        partner_suggestion_make(partner=partner, event=theirs, text=IDEA, by=pat)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write what you would change"),
        (" \n\t ", "Write what you would change"),
        ("x" * (SUGGESTION_MAX_LENGTH + 1), "2000 characters or fewer"),
        ("My number is 943 476 5919", "looks like an NHS number"),
        ("Bell\x07", "invisible control character"),
    ],
)
def test_blank_long_or_identifying_text_is_refused_and_nothing_saved(
    organisation, event, partner, pat, text, message
):
    with pytest.raises(DomainError, match=message) as refused:
        partner_suggestion_make(partner=partner, event=event, text=text, by=pat)
    assert refused.value.field == "text"
    assert not scoped(PartnerSuggestion, organisation).exists()


def test_the_longest_text_allowed_is_saved(event, partner, pat):
    text = "y" * SUGGESTION_MAX_LENGTH
    assert partner_suggestion_make(partner=partner, event=event, text=text, by=pat).text == text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=SUGGESTION_MAX_LENGTH + 20))
def test_any_text_is_either_saved_stripped_or_refused_with_nothing_saved(
    organisation, event, partner, pat, text
):
    before = scoped(PartnerSuggestion, organisation).count()
    refusal = suggestion_text_refusal(text)
    try:
        saved = partner_suggestion_make(partner=partner, event=event, text=text, by=pat)
    except DomainError as error:
        assert refusal and error.message == refusal
        assert scoped(PartnerSuggestion, organisation).count() == before
    else:
        assert not refusal
        assert saved.text == text.strip() and saved.text
        assert len(saved.text) <= SUGGESTION_MAX_LENGTH
        saved.refresh_from_db()
        assert saved.text == text.strip()


# --- the partner's page -------------------------------------------------------------------------


def test_partner_sends_what_they_would_change_and_sees_it(
    organisation, event, partner, pat, client_for
):
    client = client_for(pat)
    content = client.get(page_url(event)).content.decode()
    assert "What would you change?" in content
    assert 'name="suggestion-text"' in content
    assert "You told the team" not in content

    response = suggest(client, event, IDEA)
    assert response.status_code == 302 and response["Location"] == page_url(event)
    content = client.get(page_url(event)).content.decode()
    assert "Thank you. The team can now read what you would change." in content
    assert "You told the team" in content and IDEA in content
    assert scoped(PartnerSuggestion, organisation).get().partner == partner


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Write what you would change in the box."),
        ("z" * (SUGGESTION_MAX_LENGTH + 1), "Keep what you would change to 2000 characters"),
        ("NHS 943 476 5919", "looks like an NHS number"),
    ],
)
def test_an_empty_or_too_long_suggestion_shows_the_error_summary(
    organisation, event, partner, pat, client_for, text, message
):
    response = suggest(client_for(pat), event, text)
    assert response.status_code == 200
    content = response.content.decode()
    summary = content.split('class="nhsuk-error-summary"')[1].split("</ul>")[0]
    assert message in summary
    assert 'href="#id_suggestion-text"' in summary
    assert not scoped(PartnerSuggestion, organisation).exists()


def test_a_partner_of_another_event_gets_404(organisation, event, robin, client_for):
    client = client_for(robin[1])
    assert client.get(page_url(event)).status_code == 404
    assert suggest(client, event, IDEA).status_code == 404
    assert not scoped(PartnerSuggestion, organisation).exists()


def test_staff_cannot_post_as_a_partner_and_outsiders_get_404(
    organisation, event, partner, pat, editor, viewer, org_admin, sponsor, outsider, client_for
):
    for user in (editor, viewer, org_admin, sponsor):
        assert suggest(client_for(user), event, IDEA).status_code == 403
    assert client_for(outsider).get(page_url(event)).status_code == 404
    assert suggest(client_for(outsider), event, IDEA).status_code == 404
    assert not scoped(PartnerSuggestion, organisation).exists()


def test_a_partner_who_left_sees_what_they_said_but_no_form(
    organisation, event, partner, pat, editor, client_for
):
    partner_suggestion_make(partner=partner, event=event, text=IDEA, by=pat)
    partner_services.partner_leave_event(
        partner=partner, event=event, left_on=timezone.localdate(), by=editor
    )
    client = client_for(pat)
    content = client.get(page_url(event)).content.decode()
    assert IDEA in content and 'name="suggestion-text"' not in content
    response = suggest(client, event, "One more thing")
    assert "You are not taking part in Plan for the day" in response.content.decode()
    assert scoped(PartnerSuggestion, organisation).count() == 1


def test_partner_sees_only_their_own_suggestions(
    organisation, event, partner, pat, editor, client_for
):
    robin, robin_user = signed_in_partner(event, "Robin Otherperson", "robin@example.org", editor)
    partner_suggestion_make(partner=robin, event=event, text="Robin's idea", by=robin_user)
    partner_suggestion_make(partner=partner, event=event, text=IDEA, by=pat)
    content = client_for(pat).get(page_url(event)).content.decode()
    assert IDEA in content
    assert "Otherperson" not in content and "Robin's" not in content


# --- the team's view ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "named"),
    [("editor", True), ("viewer", True), ("org_admin", True), ("sponsor", False)],
)
def test_staff_see_what_partners_would_change_on_the_coproduction_tab(
    request, organisation, event, partner, pat, client_for, persona, named
):
    partner_suggestion_make(partner=partner, event=event, text=IDEA, by=pat)
    response = client_for(request.getfixturevalue(persona)).get(tab_url(event))
    assert response.status_code == 200
    content = response.content.decode()
    section = content.split('id="partner-suggestions"')[1].split("</section>")[0]
    assert "What partners would change" in section
    assert IDEA in section
    assert "16 Nov 2026" in section
    assert ("Pat Fictional" in section) is named
    assert ("A partner" in section) is not named


def test_the_tab_lists_newest_first_and_says_when_there_are_none(
    organisation, event, partner, pat, editor, client_for
):
    content = client_for(editor).get(tab_url(event)).content.decode()
    assert "No suggestions yet." in content
    partner_suggestion_make(partner=partner, event=event, text="First idea", by=pat)
    partner_suggestion_make(partner=partner, event=event, text="Second idea", by=pat)
    content = client_for(editor).get(tab_url(event)).content.decode()
    assert content.index("Second idea") < content.index("First idea")


def test_an_anonymised_partner_is_shown_by_pseudonym(
    organisation, event, partner, pat, editor, client_for
):
    partner_suggestion_make(partner=partner, event=event, text=IDEA, by=pat)
    partner_services.partner_anonymise(partner=partner, by=editor)
    section = (
        client_for(editor)
        .get(tab_url(event))
        .content.decode()
        .split('id="partner-suggestions"')[1]
        .split("</section>")[0]
    )
    partner.refresh_from_db()
    assert partner.pseudonym in section and "Pat Fictional" not in section


def test_suggestions_of_other_events_and_outsiders(
    organisation, event, other_event, partner, pat, robin, outsider, client_for, editor
):
    partner_suggestion_make(
        partner=robin[0], event=other_event, text="About ward rounds", by=robin[1]
    )
    content = client_for(editor).get(tab_url(event)).content.decode()
    assert "About ward rounds" not in content
    assert client_for(outsider).get(tab_url(event)).status_code == 404


def test_the_tab_and_the_selector_read_in_a_constant_number_of_queries(
    organisation, event, partner, pat, editor, client_for, django_assert_num_queries
):
    client = client_for(editor)
    client.get(tab_url(event))  # the first visit notes the organisation in the session
    partner_suggestion_make(partner=partner, event=event, text="One", by=pat)
    with CaptureQueriesContext(connection) as one:
        assert client.get(tab_url(event)).status_code == 200
    for n in range(5):
        partner_suggestion_make(partner=partner, event=event, text=f"More {n}", by=pat)
    with CaptureQueriesContext(connection) as six:
        assert client.get(tab_url(event)).status_code == 200
    assert len(six.captured_queries) == len(one.captured_queries)
    with django_assert_num_queries(1):
        rows = selectors.partner_suggestion_list(event=event)
    assert [row.text for row in rows][-1] == "One" and len(rows) == 6


# --- the staff digest ---------------------------------------------------------------------------


def _at(suggestion, when):
    scoped(PartnerSuggestion, suggestion.organisation).filter(pk=suggestion.pk).update(
        created_at=when
    )


def test_the_digest_quotes_new_suggestions_without_names(organisation, event, partner, pat):
    until = timezone.now()
    since = until - dt.timedelta(days=7)
    old = partner_suggestion_make(partner=partner, event=event, text="Last month's idea", by=pat)
    _at(old, since - dt.timedelta(minutes=1))
    first = partner_suggestion_make(partner=partner, event=event, text=IDEA, by=pat)
    _at(first, since + dt.timedelta(days=1))
    long_text = "Please " + "ask families what they think " * 10
    second = partner_suggestion_make(partner=partner, event=event, text=long_text, by=pat)
    _at(second, since + dt.timedelta(days=2))
    later = partner_suggestion_make(partner=partner, event=event, text="Next week's idea", by=pat)
    _at(later, until)

    lines = partner_suggestion_lines(organisation, since, until)
    assert list(lines) == [event.pk]
    [line] = lines[event.pk]
    assert line.startswith(f"Partners suggested 2 changes: “{IDEA}”; “Please ask families")
    assert line.endswith("…”. Read them on the Co-production tab.")
    quoted = re.findall(r"“([^”]*)”", line)
    assert len(quoted) == 2 and len(quoted[1]) <= 101
    assert "Last month" not in line and "Next week" not in line
    assert "Pat" not in line

    [successes] = event_successes(organisation=organisation, since=since, until=until)
    assert successes.event_id == event.pk and line in successes.news


def test_the_digest_says_a_partner_for_one_suggestion(organisation, event, partner, pat):
    until = timezone.now() + dt.timedelta(minutes=1)
    partner_suggestion_make(partner=partner, event=event, text=IDEA, by=pat)
    lines = partner_suggestion_lines(organisation, until - dt.timedelta(days=7), until)
    assert lines == {
        event.pk: [f"A partner suggested a change: “{IDEA}”. Read them on the Co-production tab."]
    }


def test_the_digest_line_needs_one_query(
    organisation, event, partner, pat, django_assert_num_queries
):
    until = timezone.now() + dt.timedelta(minutes=1)
    for n in range(3):
        partner_suggestion_make(partner=partner, event=event, text=f"Idea {n}", by=pat)
    with django_assert_num_queries(1):
        lines = partner_suggestion_lines(organisation, until - dt.timedelta(days=7), until)
    assert lines[event.pk][0].startswith("Partners suggested 3 changes")


# --- feedback on activities, one at a time ------------------------------------------------------


@pytest.fixture
def three_activities(event, partner):
    """Three activities Pat took part in, newest first as the page lists them."""
    days = [dt.date(2026, 11, 10), dt.date(2026, 10, 10), dt.date(2026, 9, 10)]
    titles = ["Testing session", "Co-design workshop", "First conversation"]
    for title, day in zip(titles, days, strict=True):
        ActivityFactory(event=event, title=title, held_on=day, partners=[partner])
    return titles


def attendance_of(organisation, title):
    return scoped(Attendance, organisation).get(activity__title=title)


def feedback(client, event, attendance, text):
    return client.post(
        page_url(event),
        {
            "action": "feedback",
            "attendance_id": attendance.pk,
            f"feedback-{attendance.pk}-attendance": attendance.pk,
            f"feedback-{attendance.pk}-text": text,
        },
    )


def shown(content):
    """The title of the activity whose feedback form the page shows, and how many forms."""
    forms = content.count('name="action" value="feedback"')
    heading = re.search(r'<h3 id="activity-\d+-heading"[^>]*>([^<]+)</h3>', content)
    return (heading.group(1) if heading else None), forms


def test_one_activity_at_a_time_the_first_waiting(
    organisation, event, partner, pat, three_activities, client_for
):
    content = client_for(pat).get(page_url(event)).content.decode()
    assert shown(content) == ("Testing session", 1)
    assert "Activity 1 of 3 · 3 waiting for your feedback" in content
    second = attendance_of(organisation, "Co-design workshop")
    assert f'href="?activity={second.pk}#feedback" id="feedback-skip"' in content
    assert "Choose another activity" in content
    for title in three_activities:
        assert title in content  # in the list to choose from


def test_choosing_another_activity(organisation, event, partner, pat, three_activities, client_for):
    third = attendance_of(organisation, "First conversation")
    content = client_for(pat).get(f"{page_url(event)}?activity={third.pk}").content.decode()
    assert shown(content) == ("First conversation", 1)
    assert "Activity 3 of 3" in content
    first = attendance_of(organisation, "Testing session")
    assert f'href="?activity={first.pk}#feedback" id="feedback-skip"' in content  # wraps round


@pytest.mark.parametrize("asked", ["nonsense", "999999", "other"])
def test_an_unknown_or_someone_elses_activity_falls_back_to_the_first_waiting(
    organisation, event, partner, pat, three_activities, editor, client_for, asked
):
    if asked == "other":
        robin, _ = signed_in_partner(event, "Robin Otherperson", "robin@example.org", editor)
        ActivityFactory(event=event, title="Robin's session", partners=[robin])
        asked = str(attendance_of(organisation, "Robin's session").pk)
    content = client_for(pat).get(f"{page_url(event)}?activity={asked}").content.decode()
    assert shown(content) == ("Testing session", 1)
    assert "Otherperson" not in content and "Robin's" not in content


def test_after_sending_feedback_the_next_waiting_activity_is_shown(
    organisation, event, partner, pat, three_activities, client_for
):
    client = client_for(pat)
    first = attendance_of(organisation, "Testing session")
    response = feedback(client, event, first, "Good session.")
    assert response.status_code == 302 and response["Location"] == page_url(event)
    content = client.get(page_url(event)).content.decode()
    assert "Thank you. The team can now read your feedback." in content
    assert shown(content) == ("Co-design workshop", 1)
    assert "Activity 2 of 3 · 2 waiting for your feedback" in content
    first.refresh_from_db()
    assert first.feedback == "Good session."


def test_when_all_are_done_the_page_thanks_them_and_lets_them_change_any(
    organisation, event, partner, pat, three_activities, client_for
):
    client = client_for(pat)
    for title in three_activities:
        assert (
            feedback(client, event, attendance_of(organisation, title), "Fine.").status_code == 302
        )
    content = client.get(page_url(event)).content.decode()
    assert "you have given feedback on every activity" in content
    assert shown(content) == (None, 0)
    assert content.count("feedback sent") == 3
    assert content.count("Your feedback: “Fine.”") == 3
    chosen = attendance_of(organisation, "Co-design workshop")
    content = client.get(f"{page_url(event)}?activity={chosen.pk}").content.decode()
    assert shown(content) == ("Co-design workshop", 1)
    assert "Change your feedback" in content


def test_empty_feedback_comes_back_on_the_same_activity_with_the_error(
    organisation, event, partner, pat, three_activities, client_for
):
    second = attendance_of(organisation, "Co-design workshop")
    response = feedback(client_for(pat), event, second, "  ")
    assert response.status_code == 200
    content = response.content.decode()
    assert shown(content) == ("Co-design workshop", 1)
    assert "There is a problem" in content
    second.refresh_from_db()
    assert second.feedback == ""


def test_the_partner_page_reads_in_a_constant_number_of_queries(
    organisation, event, partner, pat, three_activities, client_for
):
    client = client_for(pat)
    client.get(page_url(event))  # the first visit notes the organisation in the session
    partner_suggestion_make(partner=partner, event=event, text="One", by=pat)
    with CaptureQueriesContext(connection) as before:
        assert client.get(page_url(event)).status_code == 200
    for n in range(4):
        ActivityFactory(event=event, title=f"More {n}", partners=[partner])
        partner_suggestion_make(partner=partner, event=event, text=f"More {n}", by=pat)
    with CaptureQueriesContext(connection) as after:
        assert client.get(page_url(event)).status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)

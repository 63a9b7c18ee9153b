"""The notification list, marking read, the preferences page and the navigation count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alwaysevents.reporting.models import (
    Channel,
    Notification,
    NotificationKind,
    NotificationPreference,
)

pytestmark = pytest.mark.django_db

LIST = reverse("reporting:notification-list")
PREFERENCES = reverse("reporting:notification-preferences")


def notify(user, n=1, **extra):
    return Notification.objects.create(
        recipient=user,
        kind=extra.pop("kind", NotificationKind.PDSA_OVERDUE),
        period=extra.pop("period", f"p-{n}"),
        subject=extra.pop("subject", f"Cycle {n} is past its date"),
        body="Start it or change its date.",
        url=extra.pop("url", "/o/northfield/"),
        **extra,
    )


def test_list_shows_only_my_in_app_notifications(client_for, editor, sponsor):
    notify(editor, 1)
    notify(editor, 2, channel=Channel.EMAIL)  # email only: not in the app
    notify(sponsor, 3)
    response = client_for(editor).get(LIST)
    assert response.status_code == 200
    assert "reporting/notification_list.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Cycle 1 is past its date" in page
    assert "Cycle 2" not in page and "Cycle 3" not in page


def test_navigation_shows_the_unread_count(client_for, editor):
    notify(editor, 1)
    notify(editor, 2)
    page = client_for(editor).get(LIST).content.decode()
    assert '2<span class="nhsuk-u-visually-hidden"> unread</span>' in page


def test_unread_count_is_one_query(editor, rf, django_assert_num_queries):
    from alwaysevents.reporting.context_processors import notifications

    notify(editor, 1)
    request = rf.get("/")
    request.user = editor
    context = notifications(request)
    with django_assert_num_queries(1):
        assert context["unread_notification_count"]() == 1
        assert context["unread_notification_count"]() == 1


def test_mark_read_and_open(client_for, editor):
    notification = notify(editor, 1, url="/o/northfield/events/")
    client = client_for(editor)
    response = client.post(
        reverse("reporting:notification-read", kwargs={"pk": notification.pk}), {"next": "open"}
    )
    assert response.status_code == 302 and response.url == "/o/northfield/events/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read(client_for, editor):
    notify(editor, 1)
    notify(editor, 2)
    response = client_for(editor).post(reverse("reporting:notification-read-all"), follow=True)
    assert "Marked 2 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=editor, read_at__isnull=True).exists()


def test_outsider_cannot_read_or_mark_someone_elses_notification(client_for, editor, outsider):
    notification = notify(editor, 1, subject="Private to the lead")
    client = client_for(outsider)
    response = client.post(reverse("reporting:notification-read", kwargs={"pk": notification.pk}))
    assert response.status_code == 404
    assert "Private to the lead" not in client.get(LIST).content.decode()
    client.post(reverse("reporting:notification-read-all"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_pages_need_sign_in(client):
    assert client.get(LIST).status_code == 302
    assert client.get(PREFERENCES).status_code == 302


def test_preferences_page_shows_defaults_and_saves(client_for, editor):
    client = client_for(editor)
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Staff digest of successes" in page and "How often should the staff digest come?" in page
    data = dict.fromkeys(NotificationKind.values, Channel.BOTH)
    data[NotificationKind.PDSA_OVERDUE] = Channel.IN_APP
    data[NotificationKind.STAFF_DIGEST] = Channel.EMAIL
    data["digest_frequency"] = "monthly"
    response = client.post(PREFERENCES, data, follow=True)
    assert "Your notification preferences are saved." in response.content.decode()
    preference = NotificationPreference.objects.get(user=editor, kind=NotificationKind.PDSA_OVERDUE)
    assert preference.channel == Channel.IN_APP
    digest = NotificationPreference.objects.get(user=editor, kind=NotificationKind.STAFF_DIGEST)
    assert (digest.channel, digest.digest_frequency) == (Channel.EMAIL, "monthly")
    # Shown again as saved.
    assert 'value="monthly" selected' in client.get(PREFERENCES).content.decode()


def test_preferences_reject_an_unknown_channel(client_for, editor):
    data = dict.fromkeys(NotificationKind.values, Channel.BOTH)
    data[NotificationKind.PDSA_OVERDUE] = "pigeon"
    data["digest_frequency"] = "weekly"
    response = client_for(editor).post(PREFERENCES, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select one of the choices offered for PDSA cycle past its planned date" in page
    assert not NotificationPreference.objects.filter(user=editor).exists()


def test_preferences_are_per_person(client_for, editor, outsider):
    NotificationPreference.objects.create(
        user=editor, kind=NotificationKind.PDSA_OVERDUE, channel=Channel.NONE
    )
    page = client_for(outsider).get(PREFERENCES).content.decode()
    assert 'value="none" selected' not in page


def test_list_runs_a_constant_number_of_queries(client_for, editor, django_assert_max_num_queries):
    client = client_for(editor)
    notify(editor, 1)
    with django_assert_max_num_queries(15) as few:
        client.get(LIST)
    for n in range(2, 12):
        notify(editor, n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_the_monthly_report_and_its_escalation_cannot_be_turned_off(client_for, sponsor):
    client = client_for(sponsor)
    page = client.get(PREFERENCES).content.decode()
    assert page.count("It cannot be turned off: choose how it reaches you.") == 2
    data = dict.fromkeys(NotificationKind.values, Channel.NONE)
    data["digest_frequency"] = "weekly"
    response = client.post(PREFERENCES, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select one of the choices offered for monthly progress report" in page
    assert not NotificationPreference.objects.filter(user=sponsor).exists()
    data[NotificationKind.MONTHLY_REPORT] = Channel.IN_APP
    data[NotificationKind.REPORT_ESCALATION] = Channel.EMAIL
    assert client.post(PREFERENCES, data).status_code == 302
    chosen = dict(
        NotificationPreference.objects.filter(user=sponsor).values_list("kind", "channel")
    )
    assert chosen[NotificationKind.MONTHLY_REPORT] == Channel.IN_APP
    assert chosen[NotificationKind.PDSA_OVERDUE] == Channel.NONE  # the rest can be turned off


def test_a_long_list_is_paged_with_the_nhs_pagination(client_for, editor):
    """The shared `_partials/pagination.html`: its label, its words and its links both ways."""
    for n in range(30):  # 25 a page
        notify(editor, n)
    client = client_for(editor)
    first = client.get(LIST).content.decode()
    assert (
        '<nav class="nhsuk-pagination" role="navigation" aria-label="Pages of notifications">'
        in (first)
    )
    assert 'href="?page=2" rel="next"' in first and "Page 2 of 2" in first
    assert 'rel="prev"' not in first
    second = client.get(LIST + "?page=2").content.decode()
    assert 'href="?page=1" rel="prev"' in second and ">Newer<" in second
    assert 'rel="next"' not in second
    notifications = Notification.objects.filter(recipient=editor)
    notifications.filter(pk__in=list(notifications.values_list("pk", flat=True)[:5])).delete()
    assert "nhsuk-pagination" not in client.get(LIST).content.decode()  # one page: no links

"""Writes of what partners told the team (insights) and the activities they took part in.

Every created row takes its organisation from the event. Free text that looks like an NHS number
is refused: insights and activity notes are meant to be anonymised.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import Attendance, EventPartner, Insight, InvolvementActivity, Partner
from programmes.models import MAIN_PATH, STAFF_ROLES, AlwaysEvent, Membership, Stage

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

THEME_MAX_LENGTH = 120
TITLE_MAX_LENGTH = 200
MAX_ACTIVITY_HOURS = Decimal("999.99")

# Ten digits, either run together or spaced 3-3-4 (with spaces or hyphens used the same way),
# not part of a longer number. A gentle check: it does not test the NHS number's check digit,
# because anything that looks like one should not be in an anonymised note.
NHS_NUMBER = re.compile(r"(?<!\d)\d{3}([ -]?)\d{3}\1\d{4}(?!\d)")


def looks_like_nhs_number(text: str) -> bool:
    return bool(NHS_NUMBER.search(text))


def _refuse_nhs_number(text: str, *, field: str, what: str) -> None:
    if looks_like_nhs_number(text):
        raise DomainError(
            f"The {what} contains a 10-digit number that looks like an NHS number. "
            "Take it out: notes here must not identify anyone.",
            field=field,
        )


def _require_open(event: AlwaysEvent, what: str) -> None:
    if event.stage == Stage.CLOSED:
        raise DomainError(
            f"{event.title} is closed, so no {what} can be recorded: a closed Always Event "
            "is kept as it was."
        )


def _not_in_future(day: dt.date, *, field: str) -> None:
    if day > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field=field)


# --- insights -----------------------------------------------------------------------------------


def _clean_theme(theme: str) -> str:
    return " ".join(theme.split())


@transaction.atomic
def insight_record(
    *,
    event: AlwaysEvent,
    source: str,
    gathered_on: dt.date,
    theme: str,
    quote: str,
    by: User | None,
) -> Insight:
    """Record something people said matters to them ("What matters to you?"), anonymised."""
    _require_open(event, "insights")
    if source not in Insight.Source.values:
        raise DomainError("Choose where the insight came from.", field="source")
    _not_in_future(gathered_on, field="gathered_on")
    theme = _clean_theme(theme)
    if not theme:
        raise DomainError("Give the insight a theme, in a few words.", field="theme")
    if len(theme) > THEME_MAX_LENGTH:
        raise DomainError(
            f"Keep the theme to a few words (at most {THEME_MAX_LENGTH} characters).",
            field="theme",
        )
    quote = quote.strip()
    if not quote:
        raise DomainError("Write down what was said, without names.", field="quote")
    _refuse_nhs_number(theme, field="theme", what="theme")
    _refuse_nhs_number(quote, field="quote", what="quote")
    with organisation_scope(event.organisation):
        return Insight.objects.create(
            organisation=event.organisation,
            event=event,
            source=source,
            gathered_on=gathered_on,
            theme=theme,
            quote=quote,
            recorded_by=by,
        )


# --- involvement activities ---------------------------------------------------------------------


def _clean_staff(event: AlwaysEvent, staff: Iterable[User]) -> list[int]:
    """The ids of the staff, each an active member of the event's organisation."""
    people = {person.pk: person for person in staff}
    if not people:
        return []
    active = set(
        Membership.objects.filter(
            user_id__in=people, is_active=True, role__in=STAFF_ROLES
        ).values_list("user_id", flat=True)
    )
    missing = [people[pk] for pk in people if pk not in active]
    if missing:
        names = ", ".join(str(p) for p in missing)
        are = "is not an active member" if len(missing) == 1 else "are not active members"
        raise DomainError(f"{names} {are} of {event.organisation.name}.", field="staff")
    return list(people)


def _clean_partners(
    event: AlwaysEvent, partners: Iterable[Partner], already: Iterable[int] = ()
) -> list[int]:
    """The ids of the partners, each a partner of the event's organisation.

    An anonymised partner cannot be newly recorded as attending (their identity is gone, so
    nobody can say they were there); attendance recorded before the erasure (`already`) stays.
    """
    chosen = {partner.pk: partner for partner in partners}
    if not chosen:
        return []
    # Compare the rows' own organisation: a partner of another organisation is named by no one.
    if any(p.organisation_id != event.organisation_id for p in chosen.values()):
        raise DomainError(
            f"Someone chosen is not a partner of {event.organisation.name}.", field="partners"
        )
    # The database's word on who is anonymised, not the (possibly stale) objects given.
    known = dict(Partner.objects.filter(pk__in=chosen).values_list("pk", "anonymised_at"))
    if len(known) != len(chosen):
        raise DomainError(
            f"Someone chosen is not a partner of {event.organisation.name}.", field="partners"
        )
    kept = set(already)
    erased = [p for pk, p in chosen.items() if pk not in kept and known[pk] is not None]
    if erased:
        names = ", ".join(p.pseudonym for p in erased)
        raise DomainError(
            f"{names} has been anonymised, so cannot be recorded as attending. "
            "Add them as a new partner if they take part again.",
            field="partners",
        )
    return list(chosen)


def _set_attendance(
    activity: InvolvementActivity, staff_ids: list[int], partner_ids: list[int]
) -> None:
    activity.staff.set(staff_ids)
    Attendance.objects.filter(activity=activity).exclude(partner_id__in=partner_ids).delete()
    present = set(Attendance.objects.filter(activity=activity).values_list("partner_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(organisation_id=activity.organisation_id, activity=activity, partner_id=pk)
        for pk in partner_ids
        if pk not in present
    )
    _link_to_event(activity, partner_ids)


def _link_to_event(activity: InvolvementActivity, partner_ids: list[int]) -> None:
    """Partners who attend an activity take part in its event: link those not linked yet,
    from the day of the activity. A partner who left the event keeps their old link."""
    linked = set(
        EventPartner.objects.filter(
            event_id=activity.event_id, partner_id__in=partner_ids
        ).values_list("partner_id", flat=True)
    )
    EventPartner.objects.bulk_create(
        EventPartner(
            organisation_id=activity.organisation_id,
            event_id=activity.event_id,
            partner_id=pk,
            joined_on=activity.held_on,
        )
        for pk in partner_ids
        if pk not in linked
    )


def _clean_hours(hours: Decimal | int | str) -> Decimal:
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise DomainError("Give the hours as a number, like 1.5.", field="hours") from None
    if not value.is_finite() or value < 0 or value > MAX_ACTIVITY_HOURS:
        raise DomainError("Hours are a number from 0 to 999.", field="hours")
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _clean_rung(rung: int) -> int:
    if isinstance(rung, bool) or not isinstance(rung, int) or rung not in range(1, 8):
        raise DomainError(
            "Choose a rung of the ladder from 1 (coercion) to 7 (co-production).", field="rung"
        )
    return rung


@transaction.atomic
def activity_record(
    *,
    event: AlwaysEvent,
    title: str,
    type: str,
    held_on: dt.date,
    stage: str,
    rung: int,
    hours: Decimal | int | str,
    by: User | None,
    staff: Iterable[User] = (),
    partners: Iterable[Partner] = (),
    decisions_influenced: str = "",
    partner_feedback: str = "",
) -> InvolvementActivity:
    """Record an involvement activity with who attended.

    Partners must be partners of the event's organisation, not anonymised; those not yet linked
    to the event are linked from the day of the activity. Staff must be active members of it.
    The rung is judged jointly by staff and partners. A closed event takes no new activities.
    """
    title = " ".join(title.split())
    if not title:
        raise DomainError("Give the activity a short title.", field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise DomainError(
            f"Keep the title short (at most {TITLE_MAX_LENGTH} characters).", field="title"
        )
    if type not in InvolvementActivity.Type.values:
        raise DomainError("Choose what kind of activity it was.", field="type")
    _not_in_future(held_on, field="held_on")
    if stage not in MAIN_PATH:
        raise DomainError(
            "Choose the stage the event was at, from Proposed to Spreading.", field="stage"
        )
    _require_open(event, "activities")
    rung = _clean_rung(rung)
    value = _clean_hours(hours)
    decisions_influenced = decisions_influenced.strip()
    partner_feedback = partner_feedback.strip()
    _refuse_nhs_number(title, field="title", what="title")
    _refuse_nhs_number(decisions_influenced, field="decisions_influenced", what="note of decisions")
    _refuse_nhs_number(partner_feedback, field="partner_feedback", what="partner feedback")
    with organisation_scope(event.organisation):
        staff_ids = _clean_staff(event, staff)
        partner_ids = _clean_partners(event, partners)
        activity = InvolvementActivity.objects.create(
            organisation=event.organisation,
            event=event,
            title=title,
            type=type,
            held_on=held_on,
            stage=Stage(stage),
            rung=rung,
            hours=value,
            decisions_influenced=decisions_influenced,
            partner_feedback=partner_feedback,
            recorded_by=by,
        )
        _set_attendance(activity, staff_ids, partner_ids)
    return activity


@transaction.atomic
def activity_update_attendance(
    *,
    activity: InvolvementActivity,
    staff: Iterable[User],
    partners: Iterable[Partner],
    by: User | None,
) -> InvolvementActivity:
    """Replace who attended an activity (staff and partners), with the same rules as recording."""
    event = activity.event
    _require_open(event, "attendance")
    with organisation_scope(event.organisation):
        staff_ids = _clean_staff(event, staff)
        present = Attendance.objects.filter(activity=activity).values_list("partner_id", flat=True)
        partner_ids = _clean_partners(event, partners, already=list(present))
        _set_attendance(activity, staff_ids, partner_ids)
    return activity

"""The staff digest: successes of each event team over a week (or a month).

Successes are facts from the domain apps, read through their selectors:

- improvement signals (`measurement.spc.improvement_signals`) completed by data entered in the
  window;
- changes adopted (PDSA cycles decided "adopt", last changed in the window);
- partners who joined the event in the window (a count: no personal details in a digest);
- what partners would change, suggested in the window (how many, and the start of each in
  their words, never who wrote it: `partner_suggestion_lines`);
- accreditation news (`accreditation.selectors.accreditation_news`): submitted, information
  requested by the reviewers, accredited (with the certificate's expiry).

`CONTRIBUTORS` is the slot for more kinds of news: a function
`(organisation, since, until) -> {event id: [lines]}` added there appears in each event's
section under "Other news".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from accreditation.selectors import accreditation_news
from coproduction.selectors.organisation import (
    event_partner_counts_joined,
    event_suggestion_texts,
)
from measurement import spc
from measurement.charts import analyse_points, period_label, read_points
from measurement.selectors.batch import measure_data_for_events
from measurement.selectors.measures import measure_phases, measure_points
from measurement.selectors.organisation import measure_list_with_new_data, pdsa_cycle_list_adopted
from programmes.models import Stage
from programmes.selectors import event_list, event_team

if TYPE_CHECKING:
    from programmes.models import Organisation

Contributor = Callable[["Organisation", dt.datetime, dt.datetime], dict[int, list[str]]]


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def accreditation_news_lines(
    organisation: Organisation, since: dt.datetime, until: dt.datetime
) -> dict[int, list[str]]:
    """One line per accreditation step of each event in the window. One query."""
    news = accreditation_news(organisation=organisation, since=since, until=until)
    accredited = {item.submission_id for item in news if item.action == "accredit"}
    found: dict[int, list[str]] = defaultdict(list)
    for item in news:
        on = _day(timezone.localtime(item.at).date())
        if item.action == "attest":
            line = f"Submitted for accreditation on {on}, signed off by the executive sponsor."
        elif item.action == "information_requested":
            line = (
                f"On {on} the accreditation reviewers asked the team for more information; "
                "the review continues once the team answers."
            )
        elif item.action == "accredit":
            line = f"Accredited on {on}. Congratulations to everyone involved!"
            if item.expires_on:
                line = (
                    f"Accredited on {on}, with a certificate valid until "
                    f"{_day(item.expires_on)}. Congratulations to everyone involved!"
                )
        elif item.action == "certificate_issued" and item.submission_id not in accredited:
            valid = f", valid until {_day(item.expires_on)}" if item.expires_on else ""
            line = f"Accreditation certificate issued on {on}{valid}."
        else:
            continue
        found[item.event_id].append(line)
    return found


#: Extra news per event (see the module docstring).
def limits_to_recalculate_lines(
    organisation: Organisation, since: dt.datetime, until: dt.datetime
) -> dict[int, list[str]]:
    """One line per measure whose process has changed and whose limits wait for the team lead's
    decision (the suggestion of measurement.md, section 2). Four queries."""
    events = [e for e in event_list(organisation=organisation) if e.stage != Stage.CLOSED]
    data = measure_data_for_events(organisation=organisation, event_ids=[e.pk for e in events])
    found: dict[int, list[str]] = defaultdict(list)
    for event_id, measures in data.items():
        for item in measures:
            if not item.points:
                continue
            analysis, _ = analyse_points(item.measure, item.points, item.phases)
            suggestion = read_points(item.measure, item.points, analysis).suggestion
            if suggestion is not None:
                start = item.points[suggestion.start].period
                found[event_id].append(
                    f"Waiting for the team lead: “{item.measure.name}” has changed since "
                    f"{_day(start)} ({suggestion.points} results in a row {suggestion.side} the "
                    f"{'median' if item.measure.chart_type == 'run' else 'average'}). "
                    "Recalculate its limits from the change, or keep them, on the measure's page."
                )
    return found


QUOTE_LENGTH = 100


def _start_of(text: str, length: int = QUOTE_LENGTH) -> str:
    """The first `length` characters or so of `text` on one line, cut at a word, with "…"."""
    words = " ".join(text.split())
    if len(words) <= length:
        return words
    cut = words[:length].rsplit(" ", 1)[0] if " " in words[:length] else words[:length]
    return cut.rstrip(" ,.;:") + "…"


def partner_suggestion_lines(
    organisation: Organisation, since: dt.datetime, until: dt.datetime
) -> dict[int, list[str]]:
    """One line per event whose partners suggested changes in the window: how many, and the
    start of each in their words (no names: no personal details in a digest). One query."""
    found: dict[int, list[str]] = {}
    for event_id, texts in event_suggestion_texts(
        organisation=organisation, since=since, until=until
    ).items():
        quotes = "; ".join(f"“{_start_of(text)}”" for text in texts)
        said = (
            "A partner suggested a change"
            if len(texts) == 1
            else f"Partners suggested {len(texts)} changes"
        )
        found[event_id] = [f"{said}: {quotes}. Read them on the Co-production tab."]
    return found


CONTRIBUTORS: list[Contributor] = [
    accreditation_news_lines,
    limits_to_recalculate_lines,
    partner_suggestion_lines,
]


@dataclass
class EventSuccesses:
    event_id: int
    title: str
    url: str
    signals: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    new_partners: int = 0
    news: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.signals or self.adopted or self.new_partners or self.news)

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "title": self.title,
            "url": self.url,
            "signals": self.signals,
            "adopted": self.adopted,
            "new_partners": self.new_partners,
            "news": self.news,
        }


def _signal_words(signal: spc.Signal, labels: list[str]) -> str:
    """The signal in plain words for an email (the measure page has the full SPC wording)."""
    first, last = labels[min(signal.indices)], labels[max(signal.indices)]
    count = len(signal.indices)
    side = "higher" if signal.side == spc.Side.HIGH else "lower"
    when = f"from {first} to {last}"
    if signal.rule == "outside_limits":
        if count == 1:
            return f"The result for {last} was {side} than the usual range."
        return f"{count} results {when} were {side} than the usual range."
    if signal.rule == "shift":
        return f"{count} results in a row, {when}, were {side} than the average."
    if signal.rule == "trend":
        return f"{count} results in a row, {when}, each improved on the one before."
    return f"Results {when} came close to the {side} edge of the usual range."


def _signals(
    organisation: Organisation, since: dt.datetime, until: dt.datetime
) -> dict[int, list[str]]:
    """One line per measure whose latest improvement signal was completed in the window."""
    found: dict[int, list[str]] = defaultdict(list)
    for measure in measure_list_with_new_data(organisation=organisation, since=since):
        points = measure_points(measure=measure)
        if not points:
            continue
        analysis, _labels = analyse_points(measure, points, measure_phases(measure=measure))
        new = [
            signal
            for signal in spc.improvement_signals(analysis)
            if since <= points[max(signal.indices)].updated_at < until
        ]
        if new:
            latest = new[-1]
            found[measure.event_id].append(
                f"{measure.name}: a signal of improvement. "
                + _signal_words(latest, [period_label(measure, p.period) for p in points])
            )
    return found


def _adopted(
    organisation: Organisation, since: dt.datetime, until: dt.datetime
) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for cycle in pdsa_cycle_list_adopted(organisation=organisation, since=since):
        if cycle.updated_at >= until:
            continue
        found[cycle.change_idea.event_id].append(
            f"“{cycle.change_idea.text}” was adopted after PDSA cycle {cycle.number}."
        )
    return found


def event_successes(
    *, organisation: Organisation, since: dt.datetime, until: dt.datetime
) -> list[EventSuccesses]:
    """The successes of each live event in [since, until), events with none left out."""
    signals = _signals(organisation, since, until)
    adopted = _adopted(organisation, since, until)
    partners = event_partner_counts_joined(
        organisation=organisation, since=since.date(), until=until.date()
    )
    news: dict[int, list[str]] = defaultdict(list)
    for contributor in CONTRIBUTORS:
        for event_id, lines in contributor(organisation, since, until).items():
            news[event_id].extend(lines)
    results = []
    for event in event_list(organisation=organisation):
        if event.stage == Stage.CLOSED:
            continue
        successes = EventSuccesses(
            event_id=event.pk,
            title=event.title,
            url=reverse(
                "programmes:event-detail", kwargs={"org_slug": organisation.slug, "pk": event.pk}
            ),
            signals=signals.get(event.pk, []),
            adopted=adopted.get(event.pk, []),
            new_partners=partners.get(event.pk, 0),
            news=news.get(event.pk, []),
        )
        if successes.any:
            results.append(successes)
    return results


def digest_audience(
    *, organisation: Organisation, successes: list[EventSuccesses]
) -> dict[int, list[EventSuccesses]]:
    """{user id: the successes of the events whose team they are on (the lead included)}.

    One query per event with successes (the team), which stays small for a weekly task.
    """
    from programmes.selectors import event_get

    audience: dict[int, list[EventSuccesses]] = defaultdict(list)
    for item in successes:
        event = event_get(organisation=organisation, pk=item.event_id)
        people = {member.user_id for member in event_team(event=event)}
        if event.team_lead_id:
            people.add(event.team_lead_id)
        for user_id in people:
            audience[user_id].append(item)
    return dict(audience)

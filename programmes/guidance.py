"""What each stage is for, what good looks like and what to do next, in plain words.

The method is hard to explain (the programme's evaluation says so), so the app explains it
on every event's page.
"""

from __future__ import annotations

from dataclasses import dataclass

from programmes.models import Stage


@dataclass(frozen=True)
class StageGuidance:
    purpose: str
    good: str
    next_steps: tuple[str, ...]


GUIDANCE: dict[str, StageGuidance] = {
    Stage.PROPOSED: StageGuidance(
        purpose="An idea for something that should happen for patients every time.",
        good="A team lead and an executive sponsor agree to take it on.",
        next_steps=(
            "Name the team lead and the executive sponsor.",
            "Add the people who will do the work.",
        ),
    ),
    Stage.SET_UP: StageGuidance(
        purpose="Getting ready: the people, the time and the support the team needs.",
        good=(
            "Everyone on the team has protected time agreed, a QI support contact is named, "
            "the work "
            "reports to an oversight group and links to the organisation's quality strategy."
        ),
        next_steps=(
            "Agree protected time for each team member.",
            'Ask staff "What matters to you at work?" and note what they said.',
            "Name the oversight group and the QI support contact.",
        ),
    ),
    Stage.DISCOVERING: StageGuidance(
        purpose='Finding out what matters to patients, families and carers: "What matters to you?"',
        good=(
            "You have heard from people who use the service, in their own words, and some "
            "of them "
            "have agreed to work with you as partners."
        ),
        next_steps=(
            "Gather insights from conversations, surveys, complaints and Friends and "
            "Family Test comments.",
            "Invite partners through existing groups and forums.",
        ),
    ),
    Stage.CO_DESIGNING: StageGuidance(
        purpose="Designing the Always Event together with partners, as equals.",
        good=(
            "A vision statement in patients' own words that partners have signed off, "
            "an aim with a "
            "target and a date, and the four criteria confirmed with evidence."
        ),
        next_steps=(
            'Write the vision statement together: "We will always …".',
            "Set the aim: what will happen, for whom, how much and by when.",
            "Check the four criteria: important, evidence-based, measurable, and "
            "affordable and sustainable.",
        ),
    ),
    Stage.TESTING: StageGuidance(
        purpose="Trying changes on a small scale and measuring whether they help.",
        good=(
            "Each change is tested in a short Plan-Do-Study-Act cycle with a prediction, and the "
            "measures show what happened."
        ),
        next_steps=(
            "Agree an outcome, a process and a balancing measure.",
            "Run small tests of change and record what you learn.",
        ),
    ),
    Stage.IMPLEMENTING: StageGuidance(
        purpose="Making the changes that worked part of everyday care.",
        good="The process measure is reliably at target, week after week.",
        next_steps=("Write the standard way of working.", "Plan how new staff will learn it."),
    ),
    Stage.SUSTAINING: StageGuidance(
        purpose="Keeping it happening every time, after the project energy fades.",
        good="An owner checks the measure regularly and acts when it slips.",
        next_steps=("Keep reviewing the measure.", "Decide where it could spread next."),
    ),
    Stage.SPREADING: StageGuidance(
        purpose="Helping other teams adopt the Always Event in their own way.",
        good="Other teams start their own version, with their own patients and partners.",
        next_steps=("Start a linked Always Event for each team it spreads to.",),
    ),
    Stage.PAUSED: StageGuidance(
        purpose="The work is on hold.",
        good="The reason is recorded and there is a plan to return to it.",
        next_steps=("Resume when the team is ready, or close it with a reason.",),
    ),
    Stage.CLOSED: StageGuidance(
        purpose="The work has ended.",
        good="What was learned is recorded for others.",
        next_steps=(),
    ),
}


def guidance_for(stage: str) -> StageGuidance:
    return GUIDANCE[stage]

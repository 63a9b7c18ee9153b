"""The programmes app's own readiness checks (see `programmes.readiness`).

Registered from `ProgrammesConfig.ready()`. Each answers from recorded data only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from programmes import permissions, readiness
from programmes.formatting import format_hours
from programmes.models import Stage
from programmes.readiness import register

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent, Membership


def _named(value: str, what: str) -> tuple[bool, str]:
    return (True, value) if value.strip() else (False, f"No {what} recorded yet.")


Permission = Callable[["Membership", "AlwaysEvent"], bool]
EDIT = permissions.can_edit_event
#: Where to go to meet each check of this app, and who may do it there.
ACTIONS: dict[str, tuple[str, str, Permission]] = {
    "programmes.team_lead": (
        "programmes:event-leadership",
        "Name the team lead",
        permissions.can_change_stage,
    ),
    "programmes.sponsor": (
        "programmes:event-leadership",
        "Name the executive sponsor",
        permissions.can_change_stage,
    ),
    "programmes.oversight_group": ("programmes:event-update", "Name the oversight group", EDIT),
    "programmes.protected_time": (
        "programmes:event-team",
        "Agree protected time for each team member",
        permissions.can_manage_team,
    ),
    "programmes.qi_support": ("programmes:event-update", "Name a QI support contact", EDIT),
    "programmes.staff_engagement": ("programmes:event-update", "Record the staff engagement", EDIT),
    "programmes.qi_strategy": ("programmes:event-update", "Link it to the QI strategy", EDIT),
    "programmes.position": (
        "programmes:event-update",
        "Record the department or directorate",
        EDIT,
    ),
    "programmes.vision": ("programmes:event-vision", "Write the vision statement", EDIT),
    "programmes.vision_sign_off": (
        "programmes:event-sign-off",
        "Record a partner's sign-off",
        EDIT,
    ),
    "programmes.aim": ("programmes:event-aim", "Complete the aim statement", EDIT),
    "programmes.criteria": ("programmes:event-statements", "Confirm the four criteria", EDIT),
    "programmes.sustain_plan": ("programmes:event-sustain", "Complete the sustain plan", EDIT),
    "programmes.spread_targets": (
        "programmes:event-sustain",
        "Name where it will spread",
        permissions.can_change_stage,
    ),
}


def register_all() -> None:
    for key, (url_name, text, who) in ACTIONS.items():
        readiness.register_action(key, url_name, text, who)
    # --- entering Set-up: the two people who make it happen ----------------------------------
    for stage in (Stage.SET_UP, Stage.DISCOVERING):

        @register(stage=stage, key=f"programmes.team_lead.{stage}", label="Team lead named")
        def team_lead(event: AlwaysEvent) -> tuple[bool, str]:
            if event.team_lead_id is None:
                return False, "No team lead named yet."
            return True, event.team_lead.display_name  # type: ignore[union-attr]

        @register(stage=stage, key=f"programmes.sponsor.{stage}", label="Executive sponsor named")
        def sponsor(event: AlwaysEvent) -> tuple[bool, str]:
            if event.executive_sponsor_id is None:
                return False, "No executive sponsor named yet."
            return True, event.executive_sponsor.display_name  # type: ignore[union-attr]

    # --- entering Discovering: the set-up readiness checklist --------------------------------
    @register(
        stage=Stage.DISCOVERING, key="programmes.oversight_group", label="Oversight group named"
    )
    def oversight_group(event: AlwaysEvent) -> tuple[bool, str]:
        return _named(event.oversight_group, "oversight group")

    @register(
        stage=Stage.DISCOVERING,
        key="programmes.protected_time",
        label="Protected time agreed for every team member",
    )
    def protected_time(event: AlwaysEvent) -> tuple[bool, str]:
        hours = list(event.team.values_list("protected_hours_per_week", flat=True))
        if not hours:
            return False, "No team members added yet."
        missing = sum(1 for h in hours if h <= 0)
        if missing:
            have = "has" if missing == 1 else "have"
            return False, f"{missing} of {len(hours)} team members {have} no protected time agreed."
        people = "person" if len(hours) == 1 else "people"
        return True, f"{format_hours(sum(hours))} hours a week across {len(hours)} {people}."

    @register(
        stage=Stage.DISCOVERING, key="programmes.qi_support", label="QI support contact named"
    )
    def qi_support(event: AlwaysEvent) -> tuple[bool, str]:
        return _named(event.qi_support_contact, "QI support contact")

    @register(
        stage=Stage.DISCOVERING,
        key="programmes.staff_engagement",
        label='Staff engagement recorded ("What matters to you at work?")',
    )
    def staff_engagement(event: AlwaysEvent) -> tuple[bool, str]:
        return _named(event.staff_engagement, "staff engagement")

    @register(
        stage=Stage.DISCOVERING,
        key="programmes.qi_strategy",
        label="Linked to the organisation's QI strategy",
    )
    def qi_strategy(event: AlwaysEvent) -> tuple[bool, str]:
        return _named(event.qi_strategy_theme, "QI strategy theme")

    @register(
        stage=Stage.DISCOVERING,
        key="programmes.position",
        label="Department or directorate recorded",
    )
    def position(event: AlwaysEvent) -> tuple[bool, str]:
        return _named(event.position, "department or directorate")

    # --- entering Testing: the statements are agreed -----------------------------------------
    @register(stage=Stage.TESTING, key="programmes.vision", label="Vision statement written")
    def vision(event: AlwaysEvent) -> tuple[bool, str]:
        return _named(event.vision_statement, "vision statement")

    @register(
        stage=Stage.TESTING,
        key="programmes.vision_sign_off",
        label="Vision statement signed off by a partner",
    )
    def vision_sign_off(event: AlwaysEvent) -> tuple[bool, str]:
        if not event.vision_statement.strip():
            return False, "Write the vision statement first."
        names = list(
            event.sign_offs.filter(statement=event.vision_statement).values_list(
                "signed_by_name", flat=True
            )
        )
        if not names:
            return False, "No partner has signed off the current wording."
        return True, "Signed off by " + ", ".join(names) + "."

    @register(stage=Stage.TESTING, key="programmes.aim", label="Aim statement complete")
    def aim(event: AlwaysEvent) -> tuple[bool, str]:
        if event.aim_is_complete:
            return True, event.aim_sentence
        return False, "The aim needs what will happen, a target, a date, for whom and a review."

    @register(
        stage=Stage.TESTING,
        key="programmes.criteria",
        label="The four criteria confirmed with evidence",
    )
    def criteria(event: AlwaysEvent) -> tuple[bool, str]:
        from programmes.models import Criterion

        confirmed = set(event.criteria.filter(confirmed=True).values_list("kind", flat=True))
        missing = [label for kind, label in Criterion.Kind.choices if kind not in confirmed]
        if missing:
            return False, "Not yet confirmed: " + ", ".join(missing) + "."
        return True, "All four confirmed."

    # --- entering Sustaining and Spreading: the plan to keep it going ------------------------
    @register(stage=Stage.SUSTAINING, key="programmes.sustain_plan", label="Sustain plan complete")
    def sustain_plan(event: AlwaysEvent) -> tuple[bool, str]:
        plan = getattr(event, "sustain_plan", None)
        if plan is None or not plan.is_complete:
            return (
                False,
                "The plan needs an owner, monitoring, standard work, training and a review date.",
            )
        return True, f"Owned by {plan.owner.display_name}, reviewed {plan.review_date:%d %b %Y}."

    @register(stage=Stage.SPREADING, key="programmes.spread_targets", label="Spread targets named")
    def spread_targets(event: AlwaysEvent) -> tuple[bool, str]:
        plan = getattr(event, "sustain_plan", None)
        return _named(plan.spread_targets if plan else "", "spread targets")

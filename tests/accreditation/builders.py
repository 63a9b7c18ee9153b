"""Builders of events that meet, or miss, the accreditation criteria (through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import InvolvementActivity, PartnerSignOff
from measurement.models import ChangeIdea, Measure, PdsaCycle
from measurement.services import measures as measure_services
from measurement.services import testing as testing_services
from programmes import services as programme_services
from programmes.models import Criterion, Impact, Stage, SustainPlan
from tests.factories import ActivityFactory, ConsentFactory, EventPartnerFactory

Rung = InvolvementActivity.Rung
START = dt.date(2025, 1, 6)  # a Monday
BASELINE = [48, 52, 50, 47, 53, 49, 51, 50, 46, 54, 50, 52]
IMPROVED = [86, 88, 90, 87, 91, 89, 92, 88, 90, 93]


def make_event(organisation, lead, sponsor, *, stage=Stage.SUSTAINING, **details):
    details = {"oversight_group": "Patient Experience Group"} | details
    event = programme_services.event_create(
        organisation=organisation,
        title=details.pop("title", "Plan for the day"),
        service="Ward 7",
        by=lead,
        team_lead=lead,
        executive_sponsor=sponsor,
        **details,
    )
    event.stage = stage
    with organisation_scope(organisation):
        event.save(update_fields=["stage"])
    return event


def confirm_four_criteria(event, lead, kinds=None):
    for kind in kinds or Criterion.Kind.values:
        programme_services.criterion_set(
            event=event, kind=kind, confirmed=True, evidence="What patients told us.", by=lead
        )


def sign_off_vision(event, lead, partner=None):
    if not event.vision_statement:
        programme_services.event_set_vision(
            event=event, vision_statement="We will always tell you the plan for your day.", by=lead
        )
    sign_off = programme_services.vision_sign_off_record(
        event=event, signed_by_name="Sam", signed_on=timezone.localdate(), by=lead
    )
    if partner is not None:
        with organisation_scope(event.organisation):
            PartnerSignOff.objects.create(
                organisation=event.organisation, sign_off=sign_off, partner=partner
            )
    return sign_off


def coproduce(event, lead, *, rung=Rung.CO_DESIGN, stages=None, named=False):
    """A partner in activities at every stage so far; the partner signs off the vision."""
    link = EventPartnerFactory(event=event)
    partner = link.partner
    if named:
        ConsentFactory(partner=partner, purpose="case_studies")
    stages = stages or [Stage.DISCOVERING, Stage.CO_DESIGNING, Stage.TESTING, Stage.IMPLEMENTING]
    for day, stage in enumerate(stages):
        ActivityFactory(
            event=event,
            stage=stage,
            rung=rung,
            held_on=START + dt.timedelta(days=30 * day),
            staff=[lead],
            partners=[partner],
        )
    sign_off_vision(event, lead, partner)
    return partner


def make_measure(event, name, type, *, values=(), target=None, direction="higher", **extra):
    measure = measure_services.measure_create(
        event=event,
        by=None,
        name=name,
        type=type,
        definition=f"{name}, counted the same way every week.",
        data_source="Ward audit",
        direction=direction,
        target=Decimal(target) if target is not None else None,
        chart_type="run",
        **extra,
    )
    for i, value in enumerate(values):
        measure_services.data_point_save(
            measure=measure,
            period=START + dt.timedelta(weeks=i),
            value=Decimal(value),
            by=None,
        )
    return measure


def measure_all_types(event, *, improved=True, balancing_concern=False):
    process = make_measure(
        event,
        "Patients told the plan by 10am",
        Measure.Type.PROCESS,
        values=BASELINE + (IMPROVED if improved else BASELINE[:6]),
        target=80,
    )
    make_measure(event, "Patients who felt involved", Measure.Type.OUTCOME, values=BASELINE)
    balancing = [20] * 12 + ([40] * 10 if balancing_concern else [21, 19, 20, 22, 18, 20])
    make_measure(
        event, "Minutes spent on the ward round", Measure.Type.BALANCING, values=balancing,
        direction="lower",
    )  # fmt: skip
    return process


def run_pdsa_cycles(event, lead, *, cycles=3, complete=True, measure=None):
    secondary = testing_services.driver_add(
        event=event,
        text="Huddle each morning",
        parent=testing_services.driver_add(event=event, text="Staff know the plan", by=lead),
        by=lead,
    )
    idea = testing_services.change_idea_add(
        event=event,
        text="Test a huddle script",
        kind=ChangeIdea.Kind.RELATIONAL,
        driver=secondary,
        by=lead,
    )
    made = []
    for n in range(cycles):
        cycle = testing_services.pdsa_cycle_create(
            change_idea=idea,
            objective=f"Try the script, round {n + 1}",
            planned_start=START + dt.timedelta(weeks=12 + n),
            questions=[{"question": "Will nurses use it?", "prediction": "8 of 10 huddles"}],
            plan_who="Day staff",
            plan_what="Script at the huddle",
            plan_where="Ward 7",
            data_collection_plan="Tally",
            measures=[measure] if measure is not None else (),
            by=lead,
        )
        if complete:
            testing_services.pdsa_cycle_start(cycle=cycle, by=lead)
            testing_services.pdsa_cycle_study(
                cycle=cycle, carried_out_as_planned=True, observations="Used 7 times", by=lead
            )
            testing_services.pdsa_cycle_decide(
                cycle=cycle,
                comparison="Predicted 8, saw 7",
                decision=PdsaCycle.Decision.ADAPT,
                by=lead,
            )
        made.append(cycle)
    return made


def plan_to_sustain(event, lead, *, spread="Ward 8 and Ward 9", complete=True):
    return programme_services.sustain_plan_save(
        event=event,
        by=lead,
        owner=lead,
        monitoring_frequency=SustainPlan.Frequency.MONTHLY,
        standard_work="The plan is told at the 9am board round." if complete else "",
        training="Induction for new staff.",
        spread_targets=spread,
        review_date=dt.date(2027, 1, 1),
    )


def record_impact(event, lead):
    return programme_services.impact_record(
        event=event,
        kind=Impact.Kind.SERVICE_USERS,
        description="Patients say they feel less anxious about the day.",
        by=lead,
    )


def ready_event(organisation, lead, sponsor, **details):
    """An event whose own data meets C1 to C8 (C9 needs a case study on the submission)."""
    event = make_event(organisation, lead, sponsor, **details)
    confirm_four_criteria(event, lead)
    coproduce(event, lead)
    process = measure_all_types(event)
    run_pdsa_cycles(event, lead, measure=process)
    plan_to_sustain(event, lead)
    record_impact(event, lead)
    return event

"""Testing changes: the driver diagram, a change idea's ramp of PDSA cycles, and one cycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from alwaysevents.exceptions import DomainError
from measurement import permissions
from measurement.forms.testing import (
    ChangeIdeaEditForm,
    ChangeIdeaForm,
    ChangeIdeaRemoveForm,
    DriverForm,
    DriverRemoveForm,
    DriverRenameForm,
    EmptyForm,
    PdsaDecideForm,
    PdsaDoForm,
    PdsaPlanForm,
    SecondaryDriverForm,
)
from measurement.models import ChangeIdea, Driver, PdsaCycle
from measurement.selectors import testing as selectors
from measurement.services import testing as services
from programmes.views.event_base import ActionFormsView, EventMixin

TAB = "measurement:driver-diagram"
edit_diagram = permissions.can_edit_driver_diagram
edit_cycles = permissions.can_edit_pdsa_cycles


class _ActionsView(ActionFormsView):
    """The measurement app's `ActionFormsView`, with its own URL helper."""

    tab = TAB

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(
            f"measurement:{name}",
            kwargs={"org_slug": self.organisation.slug, "pk": self.event.pk, **kwargs},
        )


# --- the driver diagram ------------------------------------------------------------------------

ITEM_ACTIONS = ("rename_driver", "remove_driver", "edit_idea", "remove_idea")
#: The remove box of a driver with something under it, in the words of what goes and what stays.
CONFIRM_LABELS = {
    True: "Yes, remove it and its secondary drivers. Change ideas are kept, not placed under a "
    "driver.",
    False: "Yes, remove it. Its change ideas are kept, not placed under a driver.",
}


@dataclass
class DiagramItem:
    """A driver or change idea as the diagram draws it: the node, its own "change" and "remove"
    forms for people who may edit (ids of its own, so that many fit on one page), whether a
    posted form of it was refused (shown again, open, with its message) and what is under it."""

    node: Any
    change: forms.BaseForm | None = None
    remove: forms.BaseForm | None = None
    refused: bool = False
    children: list[DiagramItem] = field(default_factory=list)


class DriverDiagramView(_ActionsView):
    """Aim, drivers and change ideas as nested lists, with the mix of kinds of change."""

    template_name = "measurement/driver_diagram.html"
    actions = {
        "primary": (DriverForm, edit_diagram),
        "secondary": (SecondaryDriverForm, edit_diagram),
        "idea": (ChangeIdeaForm, edit_diagram),
        "rename_driver": (DriverRenameForm, edit_diagram),
        "remove_driver": (DriverRemoveForm, edit_diagram),
        "edit_idea": (ChangeIdeaEditForm, edit_diagram),
        "remove_idea": (ChangeIdeaRemoveForm, edit_diagram),
    }

    @cached_property
    def tree(self) -> selectors.DriverTree:
        return selectors.driver_tree(self.event)

    def form_kwargs(self, name: str) -> dict[str, Any]:
        if name in ("secondary", "idea", "edit_idea"):
            return {"drivers": self.tree.drivers}
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound: dict[str, forms.BaseForm] = kwargs.get("bound", {})
        context = super().get_context_data(**kwargs)
        context["tree"] = self.tree
        # A per-item form that failed is shown again, open, under its item; if its item is no
        # longer on the diagram, its message is shown above the diagram instead.
        shown = {d.pk for d in self.tree.drivers} | {n.idea.pk for n in self.tree.ideas}
        for name, form in bound.items():
            if name in ITEM_ACTIONS:
                context["item_form"] = form
                context["item_elsewhere"] = _int(form.data.get(f"{name}-target")) not in shown
        context["diagram"], context["unplaced"] = self.diagram(
            editable="rename_driver" in context["forms"], bound=bound
        )
        return context

    def diagram(
        self, *, editable: bool, bound: dict[str, forms.BaseForm]
    ) -> tuple[list[DiagramItem], list[DiagramItem]]:
        """The tree's primary drivers (with their secondaries and change ideas) and the change
        ideas not yet placed, each with its forms."""
        refused = {
            name: _int(form.data.get(f"{name}-target"))
            for name, form in bound.items()
            if name in ITEM_ACTIONS
        }

        def form(name: str, pk: int, initial: dict[str, Any]) -> forms.BaseForm:
            if refused.get(name) == pk:
                return bound[name]
            form_class, _ = self.actions[name]
            return form_class(
                prefix=name,
                initial={"target": pk, **initial},
                auto_id=f"id_%s_{pk}",
                **self.form_kwargs(name),
            )

        def driver(node: Any, children: list[DiagramItem], has_children: bool) -> DiagramItem:
            item = DiagramItem(node=node, children=children)
            pk = node.driver.pk
            if editable:
                item.change = form("rename_driver", pk, {"text": node.driver.text})
                item.remove = form("remove_driver", pk, {})
                if has_children:
                    # On the bound field: a refused form has drawn its fields already.
                    item.remove["confirm"].label = CONFIRM_LABELS[node.driver.is_primary]
                else:
                    del item.remove.fields["confirm"]
                item.refused = pk in (refused.get("rename_driver"), refused.get("remove_driver"))
            return item

        def idea(node: Any) -> DiagramItem:
            item = DiagramItem(node=node)
            pk = node.idea.pk
            if editable:
                initial = {"text": node.idea.text, "kind": node.idea.kind}
                item.change = form("edit_idea", pk, {**initial, "driver": node.idea.driver_id})
                # A tested change idea stays: no remove form, unless one was refused (its message).
                if not node.cycles or refused.get("remove_idea") == pk:
                    item.remove = form("remove_idea", pk, {})
                item.refused = pk in (refused.get("edit_idea"), refused.get("remove_idea"))
            return item

        primaries = [
            driver(
                p,
                [driver(s, [idea(n) for n in s.ideas], bool(s.ideas)) for s in p.secondaries],
                bool(p.secondaries),
            )
            for p in self.tree.primaries
        ]
        return primaries, [idea(n) for n in self.tree.unplaced]

    def _driver(self, form: Any) -> Driver:
        pk = form.cleaned_data["target"]
        for driver in self.tree.drivers:
            if driver.pk == pk:
                return driver
        raise DomainError("That driver is no longer on the diagram: someone may have removed it.")

    def _idea(self, form: Any) -> ChangeIdea:
        pk = form.cleaned_data["target"]
        for node in self.tree.ideas:
            if node.idea.pk == pk:
                return node.idea
        raise DomainError("That change idea is no longer on the diagram.")

    def perform_primary(self, form: DriverForm) -> str:
        driver = services.driver_add(event=self.event, by=self.actor, **form.cleaned_data)
        return f"Primary driver “{driver.text}” added."

    def perform_secondary(self, form: SecondaryDriverForm) -> str:
        driver = services.driver_add(event=self.event, by=self.actor, **form.cleaned_data)
        return f"Secondary driver “{driver.text}” added under “{driver.parent}”."

    def perform_idea(self, form: ChangeIdeaForm) -> str:
        idea = services.change_idea_add(event=self.event, by=self.actor, **form.cleaned_data)
        return f"Change idea “{idea.text}” added."

    def perform_rename_driver(self, form: DriverRenameForm) -> str:
        driver = services.driver_rename(
            driver=self._driver(form), text=form.cleaned_data["text"], by=self.actor
        )
        return f"Driver renamed to “{driver.text}”."

    def perform_remove_driver(self, form: DriverRemoveForm) -> str:
        driver = self._driver(form)
        services.driver_remove(driver=driver, confirm=form.cleaned_data["confirm"], by=self.actor)
        return f"Driver “{driver.text}” removed."

    def perform_edit_idea(self, form: ChangeIdeaEditForm) -> str:
        data = form.cleaned_data
        idea = services.change_idea_update(
            change_idea=self._idea(form),
            text=data["text"],
            kind=data["kind"],
            driver=data["driver"],
            by=self.actor,
        )
        return f"Change idea “{idea.text}” saved."

    def perform_remove_idea(self, form: ChangeIdeaRemoveForm) -> str:
        idea = self._idea(form)
        services.change_idea_remove(change_idea=idea, by=self.actor)
        return f"Change idea “{idea.text}” removed."


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- a change idea's ramp ----------------------------------------------------------------------


class _ChangeIdeaMixin:
    event: Any
    kwargs: dict[str, Any]

    @cached_property
    def change_idea(self) -> ChangeIdea:
        try:
            return selectors.change_idea_get(event=self.event, pk=self.kwargs["idea_pk"])
        except ChangeIdea.DoesNotExist as exc:
            raise Http404("No such change idea.") from exc


class ChangeIdeaRampView(_ChangeIdeaMixin, EventMixin, TemplateView):
    """The ramp: a change idea's cycles in order, each building on the last."""

    template_name = "measurement/pdsa_ramp.html"
    tab = TAB

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["change_idea"] = self.change_idea
        context["steps"] = selectors.change_idea_cycles(self.change_idea)
        context["can_edit_cycles"] = edit_cycles(self.membership, self.event)
        return context


class PdsaCycleCreateView(_ChangeIdeaMixin, _ActionsView):
    """Plan a new PDSA cycle on a change idea."""

    template_name = "measurement/pdsa_cycle_form.html"
    view_permission = (edit_cycles,)
    actions = {"plan": (PdsaPlanForm, edit_cycles)}

    def form_kwargs(self, name: str) -> dict[str, Any]:
        return {"measures": selectors.event_measures(self.event)}

    def initial(self, name: str) -> dict[str, Any]:
        return {"planned_start": timezone.localdate(), "purpose": PdsaCycle.Purpose.TEST}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["change_idea"] = self.change_idea
        return context

    def perform_plan(self, form: PdsaPlanForm) -> str:
        cycle = services.pdsa_cycle_create(
            change_idea=self.change_idea, by=self.actor, **form.service_kwargs()
        )
        self.next_url = self.url("pdsa-cycle-detail", cycle_pk=cycle.pk)
        return f"Cycle {cycle.number} is planned."


# --- one cycle ---------------------------------------------------------------------------------

#: The forms each state offers, in order.
STATE_ACTIONS = {
    PdsaCycle.State.PLANNED: ("start", "plan"),
    PdsaCycle.State.DOING: ("do",),
    PdsaCycle.State.STUDYING: ("decide",),
    PdsaCycle.State.DECIDED: ("next", "close"),
    PdsaCycle.State.CLOSED: ("next",),
}


class PdsaCycleDetailView(_ActionsView):
    """One cycle: its plan, what happened, the study and the decision, and the next step."""

    template_name = "measurement/pdsa_cycle_detail.html"
    actions = {
        "plan": (PdsaPlanForm, edit_cycles),
        "start": (EmptyForm, edit_cycles),
        "do": (PdsaDoForm, edit_cycles),
        "decide": (PdsaDecideForm, edit_cycles),
        "close": (EmptyForm, edit_cycles),
        "next": (EmptyForm, edit_cycles),
    }

    @cached_property
    def cycle(self) -> PdsaCycle:
        try:
            return selectors.pdsa_cycle_get(event=self.event, pk=self.kwargs["cycle_pk"])
        except PdsaCycle.DoesNotExist as exc:
            raise Http404("No such PDSA cycle.") from exc

    def form_kwargs(self, name: str) -> dict[str, Any]:
        if name == "plan":
            return {"measures": selectors.event_measures(self.event)}
        return {}

    def initial(self, name: str) -> dict[str, Any]:
        cycle = self.cycle
        if name == "plan":
            return {
                **{field: getattr(cycle, field) for field in services.PLAN_FIELDS},
                "questions": cycle.questions,
                "measures": [m.pk for m in cycle.measures.all()],
            }
        if name == "do":
            answer = cycle.carried_out_as_planned
            return {
                "carried_out_as_planned": None if answer is None else ("yes" if answer else "no"),
                "observations": cycle.observations,
                "surprises": cycle.surprises,
            }
        if name == "decide":
            return {
                "comparison": cycle.comparison,
                "learning": cycle.learning,
                "decision": cycle.decision,
                "next_steps": cycle.next_steps,
            }
        return {}

    @property
    def offers_next(self) -> bool:
        cycle = self.cycle
        return cycle.decision in services.NEXT_CYCLE_DECISIONS and not list(cycle.next_cycles.all())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound: dict[str, forms.BaseForm] = kwargs.get("bound", {})
        context = super().get_context_data(**kwargs)
        offered = set(STATE_ACTIONS[PdsaCycle.State(self.cycle.state)])
        if not self.offers_next:
            offered.discard("next")
        context["forms"] = {
            name: form
            for name, form in context["forms"].items()
            if name in offered or name in bound
        }
        states = PdsaCycle.State.values
        context.update(
            cycle=self.cycle,
            change_idea=self.cycle.change_idea,
            states=[
                (label, value == self.cycle.state, i < states.index(self.cycle.state))
                for i, (value, label) in enumerate(PdsaCycle.State.choices)
            ],
            next_cycles=list(self.cycle.next_cycles.all()),
        )
        return context

    def perform_plan(self, form: PdsaPlanForm) -> str:
        services.pdsa_cycle_update_plan(cycle=self.cycle, by=self.actor, **form.service_kwargs())
        return "The plan is saved."

    def perform_start(self, form: EmptyForm) -> str:
        services.pdsa_cycle_start(cycle=self.cycle, by=self.actor)
        return f"Cycle {self.cycle.number} is under way: record what happens as you go."

    def perform_do(self, form: PdsaDoForm) -> str:
        services.pdsa_cycle_study(cycle=self.cycle, by=self.actor, **form.cleaned_data)
        return "Saved. Now study the results: compare them with your predictions."

    def perform_decide(self, form: PdsaDecideForm) -> str:
        cycle = services.pdsa_cycle_decide(cycle=self.cycle, by=self.actor, **form.cleaned_data)
        return f"Decision recorded: {cycle.get_decision_display().lower()}."

    def perform_close(self, form: EmptyForm) -> str:
        services.pdsa_cycle_close(cycle=self.cycle, by=self.actor)
        return f"Cycle {self.cycle.number} is closed."

    def perform_next(self, form: EmptyForm) -> str:
        cycle = services.pdsa_cycle_next(cycle=self.cycle, by=self.actor)
        self.next_url = self.url("pdsa-cycle-detail", cycle_pk=cycle.pk)
        return (
            f"Cycle {cycle.number} is planned, copied from cycle {self.cycle.number}. "
            "Change what you learnt needs changing, then start it."
        )

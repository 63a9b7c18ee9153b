"""The measurement app's readiness checks, registered into `programmes.readiness`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from programmes.models import Stage
from programmes.readiness import register, register_action

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent


def register_all() -> None:
    register_action(
        "measurement.family_of_measures",
        "measurement:measure-list",
        "Add the measures and their data",
    )

    @register(
        stage=Stage.TESTING,
        key="measurement.family_of_measures",
        label="An outcome, a process and a balancing measure, each with data",
        app="measurement",
    )
    def family_of_measures(event: AlwaysEvent) -> tuple[bool, str]:
        from measurement.models import DataPoint, Measure

        with_data = set(
            DataPoint.objects.filter(measure__event=event, excluded=False)
            .values_list("measure__type", flat=True)
            .distinct()
        )
        missing = [label.lower() for kind, label in Measure.Type.choices if kind not in with_data]
        if missing:
            return False, "Still needed, with data: " + ", ".join(missing) + " measure."
        return True, "Outcome, process and balancing measures all have data."

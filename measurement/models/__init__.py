"""Models of the measurement app: measures and their data, and the testing of changes."""

from measurement.models.measures import DataImport, DataPoint, Measure, Phase
from measurement.models.testing import ChangeIdea, Driver, PdsaCycle

__all__ = ["ChangeIdea", "DataImport", "DataPoint", "Driver", "Measure", "PdsaCycle", "Phase"]

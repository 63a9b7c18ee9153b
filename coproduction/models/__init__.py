"""Models of the co-production app: partners and their consents, insights and involvement."""

from coproduction.models.involvement import Attendance, Insight, InvolvementActivity
from coproduction.models.partners import (
    AccessNeed,
    AuditEntry,
    Consent,
    EventPartner,
    Partner,
    PartnerSignOff,
)

__all__ = [
    "AccessNeed",
    "Attendance",
    "AuditEntry",
    "Consent",
    "EventPartner",
    "Insight",
    "InvolvementActivity",
    "Partner",
    "PartnerSignOff",
]

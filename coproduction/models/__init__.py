"""Models of the co-production app: partners, consents, insights, involvement and payments."""

from coproduction.models.access import PartnerInvitation, PartnerMembership
from coproduction.models.access_records import PartnerAccessRecord
from coproduction.models.involvement import (
    Attendance,
    Insight,
    InvolvementActivity,
    PartnerSuggestion,
)
from coproduction.models.partners import (
    AccessNeed,
    AuditEntry,
    Consent,
    EventPartner,
    Partner,
    PartnerSignOff,
)
from coproduction.models.payments import Claim, PaymentRate, PaymentSettings

__all__ = [
    "AccessNeed",
    "Attendance",
    "AuditEntry",
    "Claim",
    "Consent",
    "EventPartner",
    "Insight",
    "InvolvementActivity",
    "Partner",
    "PartnerAccessRecord",
    "PartnerInvitation",
    "PartnerMembership",
    "PartnerSignOff",
    "PartnerSuggestion",
    "PaymentRate",
    "PaymentSettings",
]

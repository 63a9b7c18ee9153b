"""Writes about criteria versions: draft, edit while draft, publish (then immutable), seed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accreditation.criteria_v1 import seed_version_1
from accreditation.models import CriteriaVersion, Criterion
from alwaysevents.exceptions import DomainError

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

THRESHOLD_VALUE_TYPES = (bool, int, float, str, list)


def _require_draft(version: CriteriaVersion) -> None:
    if version.is_published:
        raise DomainError(
            f"Version {version.number} is published, so its criteria cannot change. "
            "Draft a new version instead."
        )


def _lock(version: CriteriaVersion) -> CriteriaVersion:
    return CriteriaVersion.objects.select_for_update().get(pk=version.pk)


def _validity(months: int) -> int:
    if not 1 <= months <= 120:
        raise DomainError(
            "An accreditation must last between 1 and 120 months.", field="validity_months"
        )
    return months


def check_thresholds(thresholds: Any) -> dict[str, Any]:
    """Thresholds are named settings: `{"minimum_pdsa_cycles": 3, ...}` with simple values."""
    if not isinstance(thresholds, dict):
        raise DomainError(
            'Thresholds must be named settings, like {"minimum_pdsa_cycles": 3}.',
            field="thresholds",
        )
    for name, value in thresholds.items():
        if not isinstance(name, str) or not name.replace("_", "").isalnum() or not name:
            raise DomainError(
                f"“{name}” is not a setting name: use lower-case words joined by underscores.",
                field="thresholds",
            )
        if not isinstance(value, THRESHOLD_VALUE_TYPES) or value is None:
            raise DomainError(
                f"The setting {name} must be a number, yes/no, text or a list.",
                field="thresholds",
            )
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise DomainError(f"The setting {name} cannot be negative.", field="thresholds")
    return dict(thresholds)


@transaction.atomic
def criteria_version_create(
    *,
    by: User | None,
    title: str,
    validity_months: int = 36,
    notes: str = "",
    copy_from: CriteriaVersion | None = None,
) -> CriteriaVersion:
    """A new draft version, numbered after the last; optionally a copy of another's criteria."""
    title = " ".join(title.split())
    if not title:
        raise DomainError("Give the version a title.", field="title")
    number = (CriteriaVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = CriteriaVersion.objects.create(
        number=number,
        title=title,
        notes=notes.strip(),
        validity_months=_validity(validity_months),
        created_by=by,
    )
    if copy_from is not None:
        Criterion.objects.bulk_create(
            Criterion(
                version=version,
                code=c.code,
                position=c.position,
                title=c.title,
                guidance=c.guidance,
                evidence_expected=c.evidence_expected,
                check_key=c.check_key,
                thresholds=dict(c.thresholds),
            )
            for c in copy_from.criteria.all()
        )
    return version


@transaction.atomic
def criteria_version_update(
    *, version: CriteriaVersion, by: User | None, **fields: Any
) -> CriteriaVersion:
    """Title, notes and validity, while the version is a draft."""
    version = _lock(version)
    _require_draft(version)
    unknown = set(fields) - {"title", "notes", "validity_months"}
    if unknown:
        raise DomainError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if "title" in fields:
        fields["title"] = " ".join(str(fields["title"]).split())
        if not fields["title"]:
            raise DomainError("Give the version a title.", field="title")
    if "validity_months" in fields:
        fields["validity_months"] = _validity(int(fields["validity_months"]))
    for name, value in fields.items():
        setattr(version, name, value)
    version.save()
    return version


def _criterion_fields(fields: dict[str, Any]) -> dict[str, Any]:
    allowed = {"code", "title", "guidance", "evidence_expected", "check_key", "thresholds"}
    allowed.add("position")
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"These cannot be set on a criterion: {', '.join(sorted(unknown))}.")
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
        if not fields["code"]:
            raise DomainError("Give the criterion a code, like C10.", field="code")
    if "title" in fields and not str(fields["title"]).strip():
        raise DomainError("Give the criterion a title.", field="title")
    if "check_key" in fields and fields["check_key"] not in Criterion.Check.values:
        raise DomainError("Choose one of the automatic checks, or none.", field="check_key")
    if "thresholds" in fields:
        fields["thresholds"] = check_thresholds(fields["thresholds"])
    return fields


@transaction.atomic
def criterion_add(*, version: CriteriaVersion, by: User | None, **fields: Any) -> Criterion:
    version = _lock(version)
    _require_draft(version)
    fields = _criterion_fields(fields)
    if "code" not in fields or "title" not in fields:
        raise DomainError("A criterion needs a code and a title.", field="code")
    if version.criteria.filter(code=fields["code"]).exists():
        raise DomainError(f"Version {version.number} already has {fields['code']}.", field="code")
    if "position" not in fields:
        fields["position"] = (version.criteria.aggregate(n=Max("position"))["n"] or 0) + 1
    return Criterion.objects.create(version=version, **fields)


@transaction.atomic
def criterion_update(*, criterion: Criterion, by: User | None, **fields: Any) -> Criterion:
    version = _lock(criterion.version)
    _require_draft(version)
    fields = _criterion_fields(fields)
    code = fields.get("code")
    if code and version.criteria.filter(code=code).exclude(pk=criterion.pk).exists():
        raise DomainError(f"Version {version.number} already has {code}.", field="code")
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by: User | None) -> None:
    _require_draft(_lock(criterion.version))
    criterion.delete()


@transaction.atomic
def criteria_version_publish(*, version: CriteriaVersion, by: User | None) -> CriteriaVersion:
    """Publish a draft: from now on new submissions use it and nothing in it changes."""
    version = _lock(version)
    _require_draft(version)
    if not version.criteria.exists():
        raise DomainError("A version needs at least one criterion before it is published.")
    version.state = CriteriaVersion.State.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    version.save()
    return version


@transaction.atomic
def criteria_version_seed() -> CriteriaVersion:
    """Version 1 with C1 to C9 (`product.md`), published. Idempotent: the data migration has
    usually created it already."""
    return seed_version_1(CriteriaVersion, Criterion)

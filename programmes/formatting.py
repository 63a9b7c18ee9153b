"""Numbers as people read them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def format_hours(value: object) -> str:
    """3.50 -> "3.5", 4.00 -> "4", 2.25 -> "2.25"."""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return ""
    text = f"{number:f}".rstrip("0").rstrip(".") if "." in f"{number:f}" else f"{number:f}"
    return text or "0"

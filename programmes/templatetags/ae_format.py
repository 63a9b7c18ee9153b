"""Formatting for numbers people read: hours without noise."""

from __future__ import annotations

from django import template

from programmes.formatting import format_hours

register = template.Library()


@register.filter
def hours(value: object) -> str:
    return format_hours(value)

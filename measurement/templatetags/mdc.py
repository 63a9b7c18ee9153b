"""Making Data Count icons in templates: the one drawing of `measurement.icons`.

{% load mdc %}
{% mdc_symbol icon %}            the icon's symbol as inline SVG (used by _mdc_icon.html)
{% mdc_email_badge icon %}       the same letter and colour for emails (no SVG)
{% mdc_key as groups %}          every icon, grouped, for the key (_mdc_key.html)
{{ stored_icons|mdc_icons }}     icons kept in a report's summary, as icons again
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from measurement import icons, spc

register = template.Library()


@register.simple_tag
def mdc_symbol(icon: Any) -> SafeString:
    return icons.symbol_svg(icon)


@register.simple_tag
def mdc_email_badge(icon: Any) -> SafeString:
    return icons.email_badge(icon)


@register.simple_tag
def mdc_key() -> tuple[icons.KeyGroup, ...]:
    return icons.KEY


@register.filter
def mdc_icons(values: Any) -> list[spc.Icon]:
    found = (icons.from_stored(value) for value in values or ())
    return [icon for icon in found if icon is not None]


@register.filter
def mdc_first_with_icons(rows: Any) -> Any:
    """The first dashboard card (a row with `measures`, each with its `sparkline`) showing an
    icon: the key goes beside its measures. None when no card shows one."""
    for row in rows or ():
        for item in getattr(row, "measures", None) or ():
            sparkline = getattr(item, "sparkline", None)
            if sparkline is not None and sparkline.icons:
                return row
    return None

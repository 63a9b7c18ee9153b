"""Keyboard alone: every journey's clicks, ticks, choices and typing made with the keys.

`keyboard_only(monkeypatch)` replaces Playwright's pointer actions on locators for one test:

- `click()` presses Tab (or Shift+Tab) until the element has the focus, then Enter; on a
  checkbox Space, and on a radio the arrow keys, as a keyboard user would.
- `check()` and `uncheck()` do the same for checkboxes and radios.
- `fill()`, `select_option()` and `press()` first reach their field by Tab; only then is the
  value typed or chosen.

So a journey that passes in this mode proves that everything it uses can be reached in the
page's tab order and worked without a mouse. An element that Tab never reaches fails the test,
naming it. File pickers (`set_input_files`) are left alone: the browser's own dialog opens them.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator

MAX_PRESSES = 300

# Where the focus is relative to the element that would take it for `el` (the element itself,
# the control of a label, or the nearest focusable ancestor, such as the link around a text):
# "focused", "before" (Shift+Tab moves towards it) or "after" (Tab moves towards it). A radio
# counts as focused when any radio of its group is, because Tab stops once per group.
_WHERE_IS_FOCUS = """
el => {
  const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
  let target = el.control || el.closest(focusable) || el;
  const active = document.activeElement;
  if (active === target) return 'focused';
  if (target.type === 'radio' && active && active.type === 'radio'
      && active.name === target.name && active.form === target.form) return 'focused';
  if (!active || active === document.body) return 'after';
  if (active.contains(target)) return 'after';
  return (active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING)
    ? 'before' : 'after';
}
"""

_KIND = """
el => {
  const control = el.control || el;
  if (control.tagName === 'INPUT' && (control.type === 'checkbox' || control.type === 'radio'))
    return control.type;
  return 'other';
}
"""

# Playwright's own actions, kept before any test replaces them. Keys are pressed through
# Locator.press, not page.keyboard, because it waits, as a click does, for a navigation the key
# starts; on an element Tab has already focused, it presses the key and nothing else.
_original: dict[str, Any] = {
    name: getattr(Locator, name) for name in ("fill", "select_option", "press")
}


def _key(locator: Locator, key: str) -> None:
    _original["press"](locator, key)


def tab_to(locator: Locator) -> None:
    """Move the focus to `locator` with Tab and Shift+Tab alone."""
    locator.wait_for(state="visible")
    page = locator.page
    for _ in range(MAX_PRESSES):
        where = locator.evaluate(_WHERE_IS_FOCUS)
        if where == "focused":
            return
        page.keyboard.press("Shift+Tab" if where == "before" else "Tab")
    raise AssertionError(
        f"Keyboard alone: {locator} was not reached in {MAX_PRESSES} presses of Tab on {page.url}"
    )


def _choose_radio(locator: Locator) -> None:
    page = locator.page
    for _ in range(50):
        if locator.evaluate("el => (el.control || el).checked"):
            return
        if locator.evaluate("el => (el.control || el) === document.activeElement"):
            _key(locator, "Space")
        else:
            page.keyboard.press("ArrowDown")
    raise AssertionError(f"Keyboard alone: the arrow keys never chose {locator}")


def _set_box(locator: Locator, checked: bool) -> None:
    tab_to(locator)
    kind = locator.evaluate(_KIND)
    if kind == "radio":
        if checked:
            _choose_radio(locator)
        return
    if locator.evaluate("el => (el.control || el).checked") != checked:
        _key(locator, "Space")


def _click(self: Locator, *args: Any, **kwargs: Any) -> None:
    tab_to(self)
    kind = self.evaluate(_KIND)
    if kind == "radio":
        _choose_radio(self)
    elif kind == "checkbox":
        _key(self, "Space")
    else:
        _key(self, "Enter")


def _check(self: Locator, *args: Any, **kwargs: Any) -> None:
    _set_box(self, True)


def _uncheck(self: Locator, *args: Any, **kwargs: Any) -> None:
    _set_box(self, False)


def _set_checked(self: Locator, checked: bool, *args: Any, **kwargs: Any) -> None:
    _set_box(self, checked)


def _reached_first(name: str):
    def action(self: Locator, *args: Any, **kwargs: Any) -> Any:
        tab_to(self)
        return _original[name](self, *args, **kwargs)

    action.__name__ = name
    return action


def keyboard_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drive every locator action of the current test by keyboard (see the module's text)."""
    for name in ("fill", "select_option", "press"):
        monkeypatch.setattr(Locator, name, _reached_first(name))
    monkeypatch.setattr(Locator, "click", _click)
    monkeypatch.setattr(Locator, "check", _check)
    monkeypatch.setattr(Locator, "uncheck", _uncheck)
    monkeypatch.setattr(Locator, "set_checked", _set_checked)

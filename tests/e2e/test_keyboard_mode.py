"""The keyboard-alone screen really drives the page by keys, and fails on what Tab cannot reach."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

FORM = """
<form onsubmit="event.preventDefault(); document.title = 'sent ' + new FormData(this).get('size');">
  <a href="#top" tabindex="-1">Out of reach</a>
  <input type="radio" name="size" value="small" id="small"><label for="small">Small</label>
  <input type="radio" name="size" value="large" id="large"><label for="large">Large</label>
  <input type="checkbox" id="agree"><label for="agree">I agree</label>
  <input type="text" id="note" aria-label="Note">
  <button>Send</button>
</form>
<script>
  document.addEventListener('pointerdown', () => { document.body.dataset.pointer = 'used'; });
</script>
"""


@pytest.mark.screens("keyboard")
def test_keyboard_screen_uses_keys_only(page: Page):
    page.set_content(FORM)
    page.get_by_label("Large").check()
    page.get_by_label("I agree").check()
    page.get_by_label("Note").fill("typed")
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_title("sent large")
    expect(page.get_by_label("I agree")).to_be_checked()
    assert page.evaluate("document.body.dataset.pointer") is None


@pytest.mark.screens("keyboard")
def test_keyboard_screen_fails_on_what_tab_cannot_reach(page: Page):
    page.set_content(FORM)
    with pytest.raises(AssertionError, match="Keyboard alone"):
        page.get_by_role("link", name="Out of reach").click()

from __future__ import annotations

import os
import time

from measurement.tasks import PREVIEW_MAX_AGE_SECONDS, import_previews_clear_task


def test_old_unapplied_import_previews_are_cleared(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "imports"
    folder.mkdir()
    old, new = folder / "old", folder / "new"
    old.write_bytes(b"measure,period\n")
    new.write_bytes(b"measure,period\n")
    long_ago = time.time() - PREVIEW_MAX_AGE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    assert import_previews_clear_task() == 1
    assert not old.exists() and new.exists()


def test_nothing_to_clear_without_the_folder(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert import_previews_clear_task() == 0

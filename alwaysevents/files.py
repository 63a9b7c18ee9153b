"""Uploaded files kept private: where they are stored and the first check of what arrived.

- `PrivateStorage`: a folder under `VAR_DIR/private/`, outside the web root, with no public
  address; files are served only through views that check who may read them. The location is
  read from the settings on each use (tests move `VAR_DIR`). Subclass it per kind of file
  (`coproduction`'s receipts, `accreditation`'s evidence): migrations name the subclass.
- `upload_head`: refuses a file too big or empty, with the caller's words, and returns its
  first bytes, from which each caller decides what the file really is (never from its name
  alone).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile

from alwaysevents.exceptions import DomainError


class PrivateStorage(FileSystemStorage):
    #: The folder under `VAR_DIR/private/`.
    folder = ""
    #: What the files are, for the error when something asks for an address ("Receipts").
    what = "These files"

    @property
    def base_location(self) -> str:
        return str(settings.VAR_DIR / "private" / self.folder)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError(f"{self.what} have no public address: serve them through a checked view.")


def upload_head(
    upload: UploadedFile, *, max_bytes: int, too_big: str, empty: str, field: str
) -> bytes:
    """The first 16 bytes of `upload` (left at its start), after refusing it with `too_big`
    when it is over `max_bytes` and with `empty` when it has nothing in it."""
    if upload.size is not None and upload.size > max_bytes:
        raise DomainError(too_big, field=field)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        raise DomainError(empty, field=field)
    return head

"""Uploaded files kept private: where they are stored and the first check of what arrived.

- `PrivateStorage`: receipts and accreditation evidence, never with a public address; files
  are served only through views that check who may read them. Where they live is read from
  the settings on each use (tests move it):
  - in an S3-compatible bucket (MinIO, the NHS clouds' object storage) when
    `PRIVATE_FILES_S3["bucket_name"]` is set (`AWS_STORAGE_BUCKET_NAME`), under a folder per
    kind of file, private to the account (no public ACL, no public address), so every web and
    worker machine reads what any of them wrote;
  - else in a folder under `VAR_DIR/private/` (the default for `make run`).
  Subclass it per kind of file (`coproduction`'s receipts, `accreditation`'s evidence):
  migrations name the subclass's factory; `PrivateStorage.kinds()` lists them.
- `upload_head`: refuses a file too big or empty, with the caller's words, and returns its
  first bytes, from which each caller decides what the file really is (never from its name
  alone).
- `private_download`: the response that hands a private file (or an export made for one
  person) to the person the view let through: an attachment, streamed, never sniffed by the
  browser, never kept by a cache.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from alwaysevents.exceptions import DomainError


def bucket_options() -> dict[str, Any]:
    """The bucket's settings, or {} when files are kept on this machine."""
    options = dict(getattr(settings, "PRIVATE_FILES_S3", {}) or {})
    return options if options.get("bucket_name") else {}


@functools.lru_cache(maxsize=32)
def _bucket_storage(folder: str, options: tuple[tuple[str, Any], ...]) -> Storage:
    from botocore.config import Config
    from storages.backends.s3 import S3Storage

    return S3Storage(
        **dict(options),
        location=folder,
        default_acl="private",
        querystring_auth=True,
        file_overwrite=False,
        client_config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}),
    )


class PrivateStorage(Storage):
    #: The folder (under `VAR_DIR/private/`, or in the bucket).
    folder = ""
    #: What the files are, for the error when something asks for an address ("Receipts").
    what = "These files"

    @classmethod
    def kinds(cls) -> list[type[PrivateStorage]]:
        return [kind for kind in cls.__subclasses__() if kind.folder]

    @property
    def local_location(self) -> str:
        return os.path.abspath(settings.VAR_DIR / "private" / self.folder)

    def local(self) -> FileSystemStorage:
        return FileSystemStorage(location=self.local_location)

    def backend(self) -> Storage:
        """Where the files are now: the bucket when one is set, else this machine's folder."""
        options = bucket_options()
        if options:
            return _bucket_storage(self.folder, tuple(sorted(options.items())))
        return self.local()

    # Storage's API, answered by the backend.
    def _open(self, name: str, mode: str = "rb") -> File:
        return self.backend().open(name, mode)

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        return self.backend().save(name, content, max_length=max_length)

    def delete(self, name: str) -> None:
        self.backend().delete(name)

    def exists(self, name: str) -> bool:
        return self.backend().exists(name)

    def size(self, name: str) -> int:
        return self.backend().size(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.backend().listdir(path)

    def path(self, name: str) -> str:
        """The file's path on this machine's disk (NotImplementedError in a bucket)."""
        return self.backend().path(name)

    def get_modified_time(self, name: str) -> datetime:
        return self.backend().get_modified_time(name)

    def url(self, name: str | None) -> str:
        raise ValueError(f"{self.what} have no public address: serve them through a checked view.")

    def check(self) -> None:
        """Raise unless the files can be reached now (the bucket answers, or the folder is
        writable): for `/healthz`."""
        options = bucket_options()
        if options:
            backend: Any = self.backend()
            backend.connection.meta.client.head_bucket(Bucket=options["bucket_name"])
            return
        os.makedirs(self.local_location, exist_ok=True)
        if not os.access(self.local_location, os.W_OK):
            raise OSError(f"{self.local_location} is not writable")

    def local_files(self) -> Iterator[str]:
        """The names of the files kept on this machine (for moving them into the bucket)."""
        root = self.local_location
        for folder, _dirs, files in os.walk(root):
            for file in sorted(files):
                yield os.path.relpath(os.path.join(folder, file), root).replace(os.sep, "/")


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


def private_download(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """`handle` as a download named `filename`, for the person the view checked alone."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

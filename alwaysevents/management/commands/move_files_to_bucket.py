"""Move the uploaded files kept on this machine (`VAR_DIR/private/`) into the bucket.

Run once on each machine that held files, after setting AWS_STORAGE_BUCKET_NAME (and the
endpoint and keys): each receipt and piece of evidence is copied into the bucket under the same
name, read back to check its size, then removed from the disk. Safe to run again: what has
moved is no longer on the disk; a file already in the bucket with the same size is not copied
twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alwaysevents.files import PrivateStorage, bucket_options


class Command(BaseCommand):
    help = "Move uploaded files kept under VAR_DIR/private into the S3-compatible bucket."

    def handle(self, *args: Any, **options: Any) -> None:
        if not bucket_options():
            raise CommandError(
                "No bucket is set: set AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL, "
                "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) first."
            )
        moved = 0
        for kind in PrivateStorage.kinds():
            storage = kind()
            local, bucket = storage.local(), storage.backend()
            for name in list(storage.local_files()):
                size = local.size(name)
                if not (bucket.exists(name) and bucket.size(name) == size):
                    with local.open(name, "rb") as handle:
                        saved = bucket.save(name, handle)
                    if saved != name or bucket.size(name) != size:
                        raise CommandError(f"{kind.folder}/{name} did not arrive whole: stopped.")
                local.delete(name)
                moved += 1
                self.stdout.write(f"{kind.folder}/{name}")
        self.stdout.write(self.style.SUCCESS(f"Moved {moved} files into the bucket."))

"""The one domain error type. Services raise it; views turn it into form errors or messages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. The message is shown to the person, so write it plainly."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

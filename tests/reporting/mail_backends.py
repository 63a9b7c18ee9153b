"""A test mail backend that fails for chosen addresses (a mail server refusing mid-batch)."""

from __future__ import annotations

from smtplib import SMTPException
from typing import ClassVar

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failing: ClassVar[set[str]] = set()
    attempts: ClassVar[int] = 0

    def send_messages(self, messages):
        for message in messages:
            type(self).attempts += 1
            if set(message.to) & self.failing:
                raise SMTPException(f"450 mailbox busy: {message.to}")
        return super().send_messages(messages)

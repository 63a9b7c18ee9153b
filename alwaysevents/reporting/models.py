"""Stored reports, acknowledgements, reminders and notification preferences (issue 7)."""

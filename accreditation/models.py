"""Criteria versions, submissions, snapshots, reviews and certificates (issue 6)."""

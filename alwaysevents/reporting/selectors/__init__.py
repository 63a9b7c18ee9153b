"""Reads of the reporting app, split by what they feed (dashboard, programme, ...)."""

"""Reads of the reporting app: report content, report lists, acknowledgement rates."""

"""Views of the reporting app, split by page (dashboard, programme, ...)."""

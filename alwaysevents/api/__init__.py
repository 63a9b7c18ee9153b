"""The REST API: personal tokens, authentication, permissions, resources and errors.

Mounted at /api/ (schema at /api/schema/, documentation at /api/docs/, resources under /api/v1/).
Organisation resources live under /api/v1/organisations/<slug>/ and answer 404 to anyone who is
not an active member, exactly like the pages under /o/<slug>/.
"""

"""Organisation privacy, in one place.

Not an app: plumbing that the domain apps build on.

- `models.OrganisationOwned`: abstract base with its own `organisation` key and a default
  manager that refuses to run outside an organisation scope (django-scopes).
- `scope.organisation_scope` / `scope.across_organisations`: the only two ways to open a scope.
- `middleware.OrganisationMiddleware`: resolves `/o/<org_slug>/` to the user's membership
  (404 for anyone else) and runs the view inside that organisation's scope.
- `mixins`: view mixins that check the role and narrow querysets and form choices.
- `forms.ScopedModelForm`: foreign-key choices offer only the organisation's rows.
- `tasks.organisation_task`: Celery tasks that re-enter the scope from an id.
"""

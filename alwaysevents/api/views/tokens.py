"""Account > API tokens: create (the token is shown once), see, revoke. Your own only."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from alwaysevents.accounts.models import User
from alwaysevents.api.forms import ApiTokenForm
from alwaysevents.api.models import ApiToken
from alwaysevents.api.services import api_token_create, api_token_revoke
from alwaysevents.exceptions import DomainError
from alwaysevents.views import add_domain_error


class ApiTokenListView(TemplateView):
    template_name = "api/token_list.html"

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiTokenForm(user=self.actor))
        context["tokens"] = ApiToken.objects.filter(user=self.actor).select_related("organisation")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ApiTokenForm(request.POST, user=self.actor)
        if form.is_valid():
            try:
                token, raw = api_token_create(user=self.actor, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                # Shown in this response only: it is not stored and cannot be shown again.
                response = self.render_to_response(
                    self.get_context_data(new_token=raw, created=token)
                )
                response["Cache-Control"] = "no-store"
                return response
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiTokenRevokeView(View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        api_token_revoke(token=token, by=cast(User, request.user))
        messages.success(request, f"{token.name} is revoked: it stops working at once.")
        return redirect("api-tokens:list")

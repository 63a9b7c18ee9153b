"""/account/tokens/: each person's own API tokens (signed in; nothing of an organisation)."""

from django.urls import path

from alwaysevents.api.views.tokens import ApiTokenListView, ApiTokenRevokeView

app_name = "api-tokens"

urlpatterns = [
    path("", ApiTokenListView.as_view(), name="list"),
    path("<int:pk>/revoke/", ApiTokenRevokeView.as_view(), name="revoke"),
]

from django.urls import path

from accreditation import views

app_name = "accreditation"

urlpatterns = [
    path("reviews/", views.ReviewerHomeView.as_view(), name="reviewer-home"),
]

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from crm import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("assistants/", include("assistant.urls")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

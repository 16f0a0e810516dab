from __future__ import annotations

from django.urls import path

from restaurants.team import views

app_name = "team"

urlpatterns = [
    path("team/", views.team_page, name="page"),
    path("team/invite/", views.invite, name="invite"),
    path("team/members/<int:membership_id>/role/", views.change_role, name="role"),
    path("team/members/<int:membership_id>/remove/", views.remove, name="remove"),
    path("team/invitations/<int:invitation_id>/withdraw/", views.withdraw, name="withdraw"),
    path("invitations/<str:token>/", views.accept, name="accept"),
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/<str:token>/", views.signup_confirm_view, name="signup-confirm"),
    path("signup/resend/", views.signup_resend, name="signup-resend"),
]

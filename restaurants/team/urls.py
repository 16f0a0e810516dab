from __future__ import annotations

from django.urls import path

from restaurants.team import account, views

app_name = "team"

urlpatterns = [
    path("team/", views.team_page, name="page"),
    path("team/invite/", views.invite, name="invite"),
    path("team/two-factor/", views.require_two_factor, name="require-2fa"),
    path("team/members/<int:membership_id>/role/", views.change_role, name="role"),
    path("team/members/<int:membership_id>/remove/", views.remove, name="remove"),
    path("team/invitations/<int:invitation_id>/withdraw/", views.withdraw, name="withdraw"),
    path("invitations/<str:token>/", views.accept, name="accept"),
    path("account/", account.account_page, name="account"),
    path("account/two-factor/start/", account.two_factor_start, name="2fa-start"),
    path("account/two-factor/confirm/", account.two_factor_confirm, name="2fa-confirm"),
    path("account/two-factor/off/", account.two_factor_off, name="2fa-off"),
    path("account/two-factor/recovery-codes/", account.recovery_codes, name="2fa-codes"),
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/<str:token>/", views.signup_confirm_view, name="signup-confirm"),
    path("signup/resend/", views.signup_resend, name="signup-resend"),
]

"""The team API's input and output."""

from __future__ import annotations

from rest_framework import serializers

from restaurants.models import Membership


class MemberOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The membership's id (for PATCH and DELETE).")
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    email = serializers.CharField(source="user.email")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    last_login = serializers.DateTimeField(source="user.last_login", allow_null=True)


class InvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class TeamOut(serializers.Serializer):
    members = MemberOut(many=True)
    invitations = InvitationOut(many=True, help_text="Invitations still waiting.")


class InvitationIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class RoleIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)

"""The team in the API (managers): `GET /restaurants/{id}/team`,
`POST /restaurants/{id}/invitations`, `PATCH`/`DELETE /restaurants/{id}/members/{member_id}`.
Documentation in `schema.py`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.access import require_role
from crm.api.fields import path_id
from restaurants.api.views import restaurant_or_404
from restaurants.models import Membership
from restaurants.team import schema
from restaurants.team.selectors import team_member, team_members, waiting_invitations
from restaurants.team.serializers import InvitationIn, InvitationOut, MemberOut, RoleIn, TeamOut
from restaurants.team.services import invitation_create, membership_remove, membership_set_role

MEMBER_NOT_FOUND = _("Member not found.")


def _restaurant(request: Request, raw_id: str):
    restaurant_id = path_id(raw_id, "restaurant_id")
    require_role(request, restaurant_id, manager=True)
    return restaurant_or_404(restaurant_id)


def _member(restaurant, raw_id: str) -> Membership:
    membership = team_member(restaurant=restaurant, membership_id=path_id(raw_id, "member_id"))
    if membership is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return membership


class TeamApi(APIView):
    @schema.team_read
    def get(self, request: Request, restaurant_id: str) -> Response:
        restaurant = _restaurant(request, restaurant_id)
        return Response(
            TeamOut(
                {
                    "members": team_members(restaurant=restaurant),
                    "invitations": waiting_invitations(restaurant=restaurant),
                }
            ).data
        )


class InvitationsApi(APIView):
    @schema.invitation_create
    def post(self, request: Request, restaurant_id: str) -> Response:
        restaurant = _restaurant(request, restaurant_id)
        data = InvitationIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = invitation_create(
            restaurant=restaurant,
            by=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
            **data.validated_data,
        )
        return Response(InvitationOut(invitation).data, status=status.HTTP_201_CREATED)


class MemberApi(APIView):
    @schema.member_update
    def patch(self, request: Request, restaurant_id: str, member_id: str) -> Response:
        restaurant = _restaurant(request, restaurant_id)
        membership = _member(restaurant, member_id)
        data = RoleIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_set_role(
            membership=membership, role=data.validated_data["role"], by=request.user
        )
        return Response(MemberOut(membership).data)

    @schema.member_remove
    def delete(self, request: Request, restaurant_id: str, member_id: str) -> Response:
        restaurant = _restaurant(request, restaurant_id)
        membership_remove(membership=_member(restaurant, member_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

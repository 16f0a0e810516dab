"""The team API's OpenAPI documentation, kept here so that the views read in a screen."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema

from crm.api.schema import (
    RESTAURANT_404,
    RESTAURANT_ID,
    UNAUTHORIZED,
    error_response,
    id_path_parameter,
)
from restaurants.team.serializers import InvitationIn, InvitationOut, MemberOut, RoleIn, TeamOut

MEMBER_ID = id_path_parameter("member_id")
FORBIDDEN = error_response("A host of this restaurant: only its managers see and change its team.")
NOT_FOUND = error_response(
    "No such restaurant or member, or not yours (the same answer as a missing one)."
)
MEMBER_EXAMPLE = {
    "id": 7,
    "user_id": 12,
    "username": "anna",
    "email": "anna@example.com",
    "role": "host",
    "last_login": "2026-12-06T18:02:11Z",
}
INVITATION_EXAMPLE = {
    "id": 3,
    "email": "boris@example.com",
    "role": "host",
    "created_at": "2026-12-07T09:00:00Z",
    "expires_at": "2026-12-14T09:00:00Z",
}


team_read = extend_schema(
    operation_id="team_read",
    summary="A restaurant's team (managers)",
    description="Its members with role and last sign-in, managers first, and the invitations "
    "still waiting.",
    tags=["team"],
    parameters=[RESTAURANT_ID],
    responses={
        200: TeamOut,
        400: error_response("The id is not a whole number."),
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        404: RESTAURANT_404,
    },
    examples=[
        OpenApiExample(
            "Team",
            value={"members": [MEMBER_EXAMPLE], "invitations": [INVITATION_EXAMPLE]},
            response_only=True,
        )
    ],
)

invitation_create = extend_schema(
    operation_id="team_invite",
    summary="Invite someone by e-mail (managers)",
    description="Mails a link that works once, for 7 days: the invitee sets a password and "
    "joins with `role`, or joins with the account they sign in with. A waiting invitation to "
    "the same address is withdrawn.",
    tags=["team"],
    parameters=[RESTAURANT_ID],
    request=InvitationIn,
    responses={
        201: InvitationOut,
        400: error_response("A field is invalid (named), or the address is on the team already."),
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        404: RESTAURANT_404,
    },
    examples=[
        OpenApiExample(
            "Invite a host",
            value={"email": "boris@example.com", "role": "host"},
            request_only=True,
        ),
        OpenApiExample("Invited", value=INVITATION_EXAMPLE, response_only=True),
    ],
)

member_update = extend_schema(
    operation_id="team_member_role",
    summary="Change a member's role (managers)",
    description="The last manager cannot be demoted, and nobody raises their own role (400, "
    "naming `role`). A demoted member's tokens and sessions end at once: they carry the role.",
    tags=["team"],
    parameters=[RESTAURANT_ID, MEMBER_ID],
    request=RoleIn,
    responses={
        200: MemberOut,
        400: error_response("An unknown role, or a change the team's rules refuse."),
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        404: NOT_FOUND,
    },
    examples=[
        OpenApiExample("Make a manager", value={"role": "manager"}, request_only=True),
        OpenApiExample("Changed", value={**MEMBER_EXAMPLE, "role": "manager"}, response_only=True),
    ],
)

member_remove = extend_schema(
    operation_id="team_member_remove",
    summary="Remove a member (managers)",
    description="Their access to this restaurant ends, and every token and page session of "
    "theirs is revoked at once. The last manager cannot be removed (400).",
    tags=["team"],
    parameters=[RESTAURANT_ID, MEMBER_ID],
    request=None,
    responses={
        204: OpenApiResponse(description="Removed."),
        400: error_response("The id is not a whole number, or the last manager."),
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        404: NOT_FOUND,
    },
)

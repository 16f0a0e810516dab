"""A restaurant's team: its members and their roles, invitations, removal.

`services` writes (every change under the restaurant's row lock, checked against the rules:
the last manager stays, nobody raises their own role), `selectors` reads, `views` is the Team
page and the invitation link, `mail` composes the mails the team sends.
"""

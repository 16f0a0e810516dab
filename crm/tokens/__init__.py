"""Revocable tokens: a version per user and a family per sign-in, kept in the database.

Every API token carries `ver`, the user's token version when it was issued, and `fam`, the
sign-in (refresh-token family) it descends from. `tokens_revoke_all` raises the user's version,
so every token of the old version is refused; a rotated refresh token used again revokes its
family (RFC 9700, refresh token rotation). The database is the truth; each request reads the
answer from the cache (`selectors.token_is_live`) and asks the database only on a miss.

The models live in the `crm` app, the project's plumbing, as "auth and tokens" belong there
(CONVENTIONS.md). simplejwt's own `token_blacklist` app is not used: it blacklists a used
refresh token but knows no family, checks a token before it blacklists it (two concurrent uses
both pass), and cannot revoke access tokens.
"""

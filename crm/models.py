"""The `crm` app's models; they live beside the code that uses them."""

from __future__ import annotations

from crm.tokens.models import IssuedRefreshToken, TokenState

__all__ = ["IssuedRefreshToken", "TokenState"]

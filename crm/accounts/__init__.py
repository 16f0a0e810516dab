"""People's own accounts: password reset (pages and API) and two-factor sign-in."""

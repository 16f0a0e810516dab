"""The API's plumbing: JWT sign-in and its claims, the tenant check, strict fields, the one error
format, content negotiation, the shared OpenAPI pieces, and `urls.py`, which lists every path.

Each app's own endpoints live in `<app>/api/` (views, serializers and their OpenAPI schema).
"""

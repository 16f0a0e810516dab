"""The booking API: `views.py`, its `serializers.py`, and its OpenAPI `schema.py`."""

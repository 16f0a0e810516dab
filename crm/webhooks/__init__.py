"""Webhooks for partners: per-restaurant endpoints, signed per the Standard Webhooks
specification, delivered through the outbox with retries and turned off after a day of
failures."""

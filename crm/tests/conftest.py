from crm.tests.worker import celery_worker  # noqa: F401 (the fixture, for the worker tests)

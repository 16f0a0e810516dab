"""The project package. Loading the Celery app here makes `shared_task` use it everywhere."""

from crm.celery import app as celery_app

__all__ = ["celery_app"]

"""E-mails to guests: confirmation, change, cancellation and a reminder, in the guest's language.

They follow the outbox's events (`channel`): a booking created, moved or cancelled, and the
reminder events that `reminders.reminders_due` records a set number of hours before a visit.
"""

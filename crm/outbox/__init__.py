"""The transactional outbox: events written with the change that caused them, delivered after.

`services.event_record` writes an event in the caller's transaction and hands it to the queue
once that commits; a worker plans its deliveries (one per channel and target: a webhook
endpoint, the guest's e-mail) and makes each, once. Beat's sweep hands over whatever the queue
never got (the broker was down at commit, a worker died mid-task).
"""

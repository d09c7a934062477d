"""Email transports (issue 21): where queued messages go and how they are sent.

Chosen once, from configuration, in chalicelib/runtime.py: in AWS an SQS queue
and Amazon SES; in the local run a thread and the data directory's outbox.
"""

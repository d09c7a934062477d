"""The HTTP edge: the route registry, the code-to-status table, OpenAPI, the pages.

Imports Chalice and the rest of chalicelib; nothing else imports it.
"""

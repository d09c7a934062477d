"""The core: pure values, rules and the error catalogue.

Imports the standard library and pydantic only: no boto3, no Chalice, no HTTP status.
"""

"""Helpers the tests share: imported by test modules and fixtures, never the other way round."""

"""Tests that start servers or build the bundle (markers stack, load, fuzz, package)."""

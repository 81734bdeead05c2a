"""Temporal activities, grouped by capability."""

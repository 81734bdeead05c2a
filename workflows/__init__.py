"""Temporal workflows: one file per process."""

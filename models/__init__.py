"""Shared contracts: enums, workflow payloads and state (pure), and the read-model tables (`models.tables`).

Workflow code imports only the pure modules here, never `models.tables`.
"""

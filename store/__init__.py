"""Persistence helpers for the read model: keyword-only functions over a SQLModel session."""

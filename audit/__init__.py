"""Audit tooling: hazard histories and their timeline, replay against today's workflow code, export archives,
signed checkpoints."""

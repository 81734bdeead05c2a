"""Process-level plumbing: settings, logging, database, security, the Temporal client and the CLI."""

"""Process-level plumbing: settings, logging, database, the Temporal client connection, workflow bytecode, the
policy profiles loader."""

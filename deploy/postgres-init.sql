-- Runs once, when the PostgreSQL volume is first initialised (/docker-entrypoint-initdb.d/).
-- Creates the `duban` database for Duban's read model. Temporal's auto-setup image creates its own
-- `temporal` and `temporal_visibility` databases. `\gexec` keeps this safe if `duban` already exists.
SELECT 'CREATE DATABASE duban'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'duban')\gexec

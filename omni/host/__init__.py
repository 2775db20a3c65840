"""The host runtime: embedded PostgreSQL and NATS, the supervisor, lifecycle commands and doctor checks."""

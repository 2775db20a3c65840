"""Clients of the REST API (the CLI, MCP and tests use them)."""

"""Agents: the provider contract (`base`), the built-in providers, and the dispatcher that turns inbound messages
into agent calls and agent answers into replies."""

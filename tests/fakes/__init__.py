"""Fake agent backends on 127.0.0.1 (OpenAI, Anthropic, AgentOS, A2A, a webhook receiver): small Sanic apps that
speak the real wire protocols, so omni's providers are tested through the real SDK clients."""

"""The agent providers omni ships: `openai`, `anthropic`, `agno`, `a2a` and `webhook` (the `echo` provider lives in
`omni.builtin.echo`). `omni.builtin.agents` registers them as one built-in plugin; each imports its SDK on first use."""

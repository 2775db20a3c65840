"""omni's built-in plugins: real plugins written against the public contract, always loaded."""

"""The plugin system: pluggy hooks (`hookspecs`), loading with isolation (`manager`)."""

"""Omni's Discord channel (`discord`): a bot token, discord.py, the full Omni channel contract."""

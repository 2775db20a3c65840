"""The WhatsApp channel for Omni (whatsmeow in-process through neonize)."""

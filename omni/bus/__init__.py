"""NATS JetStream: streams, subjects (built in subjects.py only), publishing and durable consumers."""

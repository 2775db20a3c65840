"""The message pipeline: inbound events from JetStream into PostgreSQL (`persist`), sends from the API to the
channels (`outbound`), and what gives up (`deadletters`)."""

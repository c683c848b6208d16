"""Staff tools: read the conversations, review them, retrain the assistant (one module per job)."""

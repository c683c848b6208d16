"""Rasa-side components of the assistant (loaded by the Rasa server through config.yml)."""

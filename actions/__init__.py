"""Custom actions of the entrepreneur guidance assistant (run with `rasa run actions`)."""

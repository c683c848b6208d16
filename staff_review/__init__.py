"""Staff tools: review what entrepreneurs typed, correct it, retrain, and keep personal data out of it."""

"""Staff tools: review real conversations, retrain safely, keep personal data out and delete it in time."""

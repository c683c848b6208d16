"""Staff tools: review real conversations, correct and retrain safely, keep personal data out and delete it in time."""

"""Staff tools: review what users typed, merge the corrections into the training data, retrain safely."""

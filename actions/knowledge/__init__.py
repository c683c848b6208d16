"""The curated knowledge the assistant answers from: loading, storing, searching."""

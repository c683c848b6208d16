"""Guided advice: the financing finder, cluster finder, permit check and start-up checklist."""

"""Handing a conversation to a human advisor: consent, contact details, the case, pausing the bot."""

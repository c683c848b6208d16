"""Advisor desk: where VLAIO advisors take over escalated chats from the Rasa assistant."""

"""What a reloaded chat shows: tracker events as messages."""

from __future__ import annotations

from assistant_components.chat_history import events_to_messages


def test_user_bot_and_advisor_messages_in_order_with_button_titles():
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "hi", "timestamp": 2.0},
        {
            "event": "bot",
            "text": "Shall I pass you on?",
            "timestamp": 3.0,
            "data": {"buttons": [{"title": "Yes please", "payload": "/affirm"}]},
        },
        {"event": "user", "text": "/affirm", "timestamp": 4.0},
        {"event": "bot", "text": "Hello, Eva here.", "timestamp": 5.0, "metadata": {"advisor": "Eva"}},
        {"event": "bot", "text": None, "timestamp": 6.0, "data": {"custom": {"x": 1}}},
        {"event": "pause", "timestamp": 7.0},
    ]
    assert events_to_messages(events) == [
        {"sender": "user", "text": "hi", "timestamp": 2.0},
        {
            "sender": "bot",
            "text": "Shall I pass you on?",
            "timestamp": 3.0,
            "buttons": [{"title": "Yes please", "payload": "/affirm"}],
        },
        {"sender": "user", "text": "Yes please", "timestamp": 4.0},
        {"sender": "advisor", "text": "Hello, Eva here.", "timestamp": 5.0},
    ]


def test_a_long_conversation_keeps_its_latest_messages():
    events = [{"event": "user", "text": str(i), "timestamp": float(i)} for i in range(300)]
    messages = events_to_messages(events, limit=200)
    assert len(messages) == 200 and messages[-1]["text"] == "299" and messages[0]["text"] == "100"

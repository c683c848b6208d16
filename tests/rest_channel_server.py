"""`python -m tests.rest_channel_server PORT`: the real REST channel blueprint on loopback, with an echo agent.

Lets the channel's token check be tested as a server without loading a model (tests/test_rest_channel_token.py).
"""

from __future__ import annotations

import sys

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from assistant_components.rest_channel import GuardedRestInput


async def echo(message: UserMessage) -> None:
    """Stands in for the Rasa agent behind the channel: it repeats the message."""
    await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


if __name__ == "__main__":
    app = Sanic("rest_channel_test")
    app.blueprint(GuardedRestInput().blueprint(echo), url_prefix="/webhooks/rest")
    app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False)

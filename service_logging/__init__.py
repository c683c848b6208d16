"""How every service logs: plain lines for development, one JSON object per line in production.

`setup.configure` is called once by each service (desk, website, action server, Rasa server); `context`
carries the conversation a request is about into every line logged while handling it.
"""

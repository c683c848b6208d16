"""The secrets the services share: where each comes from, how a generated one is kept, how it is presented.

`files` creates a secret file private and atomically; `tokens` finds the Rasa HTTP API's and the action
server's tokens (environment, a mounted file, or generated into the data folder); `rasa_auth` turns the Rasa
token into the short-lived JWT clients send in a header, so the token never appears in a URL.
"""

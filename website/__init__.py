"""The agency's demo website: a static page with the chat widget that talks to Rasa over socket.io."""

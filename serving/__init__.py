"""How the services are put together outside the code they run: Rasa's lock store section, production mode."""

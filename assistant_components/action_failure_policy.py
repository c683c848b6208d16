"""A policy that answers politely when a custom action produced nothing because it failed.

When the action server is down or crashes, Rasa logs the error, records the action as executed and
carries on without its events, so the user would get no reply at all. This policy notices that
pattern and predicts a response that says the assistant cannot look that up right now:
- a custom action that should have spoken, executed by a policy, followed by nothing;
- the custom session start (actions/handoff/actions.py) failed: a user message follows
  `action_session_start` without the `session_started` event it always returns.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, DefinePrevUserUtteredFeaturization, SessionStarted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from . import action_response_check

# Custom actions that legitimately return no events (they must never trigger the apology).
SILENT_ACTIONS = {"action_session_start", "action_restart"}
SESSION_START = "action_session_start"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class ActionFailurePolicy(Policy):
    """Predicts `reply` after a failed custom action, then `action_listen`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: highest priority so the apology wins ties; the response to send."""
        return {"priority": 7, "reply": "utter_cannot_look_up"}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.reply = config.get("reply", "utter_cannot_look_up")
        # Loaded wherever the model runs (rasa run, shell, test): the place to make Rasa's check of every
        # action server response cheap (action_response_check: the validator is built once, not per call).
        action_response_check.install()

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn: the pattern is structural."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predict the apology, or abstain with all-zero confidences."""
        probabilities = self._default_predictions(domain)
        last = tracker.events[-1] if tracker.events else None
        if isinstance(last, ActionExecuted) and last.policy is not None:
            if self._failed_custom_action(last, domain) and self._handled_live(tracker):
                probabilities[domain.index_for_action(self.reply)] = 1.0
            elif last.action_name == self.reply:
                probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        elif self._failed_session_start(tracker):
            probabilities[domain.index_for_action(self.reply)] = 1.0
        return self._prediction(probabilities)

    @staticmethod
    def _failed_session_start(tracker: DialogueStateTracker) -> bool:
        """The latest action is the session start, and it produced no `session_started` event."""
        for event in reversed(tracker.events):
            if isinstance(event, SessionStarted):
                return False
            if isinstance(event, ActionExecuted):
                return event.action_name == SESSION_START
        return False

    @staticmethod
    def _failed_custom_action(event: ActionExecuted, domain: Domain) -> bool:
        """A custom action or form (not a response) ran as the last event and returned nothing at all."""
        name = event.action_name or ""
        if name in SILENT_ACTIONS or name.startswith("utter_"):
            return False
        return name in domain.user_actions or name in domain.form_names

    @staticmethod
    def _handled_live(tracker: DialogueStateTracker) -> bool:
        """Whether the latest user message went through the message processor of a running server.

        A live server records how the message was featurised before it runs the first action; the
        story trackers that `rasa test` replays do not, and there a custom action followed by nothing is
        simply the end of a story step, not a failure.
        """
        for event in reversed(tracker.events):
            if isinstance(event, DefinePrevUserUtteredFeaturization):
                return True
            if isinstance(event, UserUttered):
                return False
        return False

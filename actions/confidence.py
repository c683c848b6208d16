"""The intent-confidence bars the actions judge a classification by, on one scale.

The classifier's confidence is the average of DIET's ranking, flattened (temperature 3), and the n-gram
regression's probabilities (config.yml). The weight and the temperature set the scale: a change of either moves
every bar below and the FallbackClassifier's threshold in config.yml. Each bar sits where the same share of the
held-out NLU messages (tests/nlu_holdout*.yml) falls below it as fell below the bar of the plain average
(0.4, 0.6, 0.7, 0.6, 0.2 before the temperature; README "Understanding"). Change them together.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

# Below this the topic that steered retrieval was a guess, so an answer is at most "the closest information":
# a confident answer needs both the question's topic and its entry to be sure.
INTENT_SURE = 0.47
# An out-of-scope verdict below this is a guess: a message that then matches an entry surely ("wa is da nummer
# 1700?") is answered instead of declined, and one that describes a dispute reaches an advisor.
OUT_OF_SCOPE_UNSURE = 0.57
# A topic question typed instead of an answer to a form's question interrupts the form from this on.
INTERRUPTION_CONFIDENCE = 0.47
# A guidance request below INTENT_SURE whose second guess is `ask_human` with at least this confidence is read as
# a request for a person ("kunnen jullie iemand langs sturen om ons plan te bekijken?"): an advisor also guides,
# and the handoff asks for consent first. On our ~2,600 evaluation messages the pattern occurred only in two
# handoff cases (own sets 4 and 6), both of which had been shown the guidance menu.
PERSON_RUNNER_UP = 0.19
# The FallbackClassifier's threshold (config.yml; tests/test_configuration.py keeps the two equal). An intent at or
# above it was not taken only because its runner-up was as close as the ambiguity threshold.
FALLBACK_THRESHOLD = 0.27
# ... and its ambiguity threshold (config.yml, kept equal by the same test): two intents within this of each other
# were a tie, so neither names the message's topic.
FALLBACK_AMBIGUITY = 0.04
FALLBACK_INTENT = "nlu_fallback"


def typed(parse_data: dict) -> bool:
    """A message the user typed, not a button payload ("/ask_human")."""
    return not str(parse_data.get("text") or "").startswith("/")


def best_guesses(parse_data: dict) -> List[Tuple[str, float]]:
    """The classifier's intents other than the fallback, best first, as (name, confidence)."""
    ranking = parse_data.get("intent_ranking") or [parse_data.get("intent") or {}]
    return [
        (str(item["name"]), float(item.get("confidence") or 0.0))
        for item in ranking
        if item.get("name") and item.get("name") != FALLBACK_INTENT
    ]


def leading_guess(parse_data: dict) -> Optional[str]:
    """The classifier's best intent if it leads the next by the ambiguity threshold; None when the two tie."""
    guesses = best_guesses(parse_data)[:2]
    if not guesses or (len(guesses) > 1 and guesses[0][1] - guesses[1][1] < FALLBACK_AMBIGUITY):
        return None
    return guesses[0][0]


def person_is_runner_up(parse_data: dict) -> bool:
    """An unsure guidance request whose next guess is a request for a person."""
    guesses = best_guesses(parse_data)[:2] if typed(parse_data) else []
    if len(guesses) < 2:
        return False
    (first, first_confidence), (second, second_confidence) = guesses
    return (
        first == "request_guidance"
        and first_confidence < INTENT_SURE
        and second == "ask_human"
        and second_confidence >= PERSON_RUNNER_UP
    )


def asks_for_person(parse_data: dict) -> bool:
    """A request for a person, sure or not.

    `ask_human`; a message not understood only because the classifier could not choose between a request for a
    person and another intent (the better at or above the fallback threshold, the other within the ambiguity
    threshold of it: "I need a person from the agency to help me", ask_human 0.34 against ask_agency 0.30;
    "kunnen jullie iemand langs sturen ...", ask_agency 0.31 against ask_human 0.28); or an unsure guidance request
    whose next guess is `ask_human`. Offering the advisor costs little: the handoff asks for consent first.
    """
    intent = (parse_data.get("intent") or {}).get("name")
    if intent == "ask_human":
        return True
    if intent == FALLBACK_INTENT and typed(parse_data):
        guesses = best_guesses(parse_data)[:2]
        return bool(guesses) and guesses[0][1] >= FALLBACK_THRESHOLD and "ask_human" in [name for name, _ in guesses]
    return person_is_runner_up(parse_data)

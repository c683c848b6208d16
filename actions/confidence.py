"""The intent-confidence bars the actions judge a classification by, on one scale.

The classifier's confidence is a weighted average of DIET's ranking and the n-gram regression's
probabilities (config.yml: the regression's weight). The regression's probabilities are flatter than
DIET's, so its weight sets the scale: when it went from 0.5 to 0.7 each bar below (and the
FallbackClassifier's threshold in config.yml, 0.4 -> 0.35) was moved to the confidence that the same share
of the held-out messages fell below before (quantile matching, README "Measured"). Change them together.
"""

from __future__ import annotations

# Below this the topic that steered retrieval was a guess, so an answer is at most "the closest information":
# a confident answer needs both the question's topic and its entry to be sure. (0.6 at weight 0.5)
INTENT_SURE = 0.5
# An out-of-scope verdict below this is a guess: a message that then matches an entry surely ("wa is da nummer
# 1700?") is answered instead of declined, and one that describes a dispute reaches an advisor. (0.7)
OUT_OF_SCOPE_UNSURE = 0.6
# A topic question typed instead of an answer to a form's question interrupts the form from this on. (0.6)
INTERRUPTION_CONFIDENCE = 0.5

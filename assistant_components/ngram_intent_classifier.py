"""A second opinion on DIET's intent: a character n-gram logistic regression, averaged with DIET's ranking.

DIET is often certain and wrong on a message unlike its training data ("who plays Genk tomorrow" was
ask_location at 0.9997; "hoe kook ik een perfect ei" affirm at 0.66). A linear model over character
and word n-grams (TF-IDF) makes different mistakes, and on the held-out files each is about as good as the
other alone; the average of the two rankings was better than either on both languages (README
"Understanding"). Runs right after DIET; the rule-based classifiers and the FallbackClassifier come after
it, so "not sure" is judged on the averaged confidence.

The model is persisted as what prediction needs, in plain formats (no pickle, nothing executable): each view's
analyser settings and vocabulary as JSON, the idf vectors and the regression's weights as `.npy` files read with
`allow_pickle=False`. Loading it takes well under a second (skops, used before, took ~10-20 s of every start for
the 50,000-entry vocabularies).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

logger = logging.getLogger(__name__)

MODEL_FILE = "ngram_intent_classifier.json"
# what decides how a view cuts a message into n-grams (the rest of TfidfVectorizer's settings are for fitting)
ANALYSER_SETTINGS = ("analyzer", "ngram_range", "lowercase", "strip_accents", "token_pattern")


def build_pipeline(config: Dict[Text, Any]) -> Pipeline:
    """TF-IDF over character n-grams within words and over word uni- and bigrams, then a logistic regression."""
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, int(config["max_char_ngram"])), sublinear_tf=True),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
    )
    return make_pipeline(features, LogisticRegression(C=float(config["C"]), max_iter=2000))


def flattened(earlier: List[Dict[Text, Any]], temperature: float) -> Dict[str, float]:
    """The earlier ranking's confidences raised to 1/temperature and summed to one again (1 leaves them as they are).

    DIET is sure of nearly everything, right or wrong ("who plays Genk tomorrow" ask_location at 0.9997), so in a
    plain average its wrong certainties outvote the regression. Flattening keeps DIET's order and lets a sure
    regression decide when DIET's runner-up agrees with it (README "Understanding": temperature 3).
    """
    confidences = {
        str(entry[INTENT_NAME_KEY]): max(float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0), 0.0)
        for entry in earlier
        if entry.get(INTENT_NAME_KEY)
    }
    if temperature == 1.0 or not confidences:
        return confidences
    powered = {name: confidence ** (1.0 / temperature) for name, confidence in confidences.items()}
    total = sum(powered.values())
    return {name: value / total for name, value in powered.items()} if total else confidences


def averaged_ranking(
    earlier: List[Dict[Text, Any]],
    classes: List[str],
    probabilities: np.ndarray,
    weight: float,
    temperature: float = 1.0,
) -> List[Dict[Text, Any]]:
    """(1 - weight) x the earlier classifier's (flattened) confidences + weight x these probabilities, best first.

    An intent missing from the earlier ranking (Rasa keeps only the top ten) counts as confidence 0.
    """
    combined = {name: (1.0 - weight) * confidence for name, confidence in flattened(earlier, temperature).items()}
    for name, probability in zip(classes, probabilities, strict=True):
        combined[name] = combined.get(name, 0.0) + weight * float(probability)
    ranked = sorted(combined.items(), key=lambda item: -item[1])
    return [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence} for name, confidence in ranked]


class FastPredictor:
    """The fitted pipeline's probabilities for one message at a time, without sklearn's per-call overhead.

    `Pipeline.predict_proba` spent ~5-7 ms per message (input validation, the idf vector rebuilt from its
    diagonal matrix on every call, sparse-matrix construction) on arithmetic worth a fraction of that. Here
    the same steps run on the few n-grams a message has: counts through the fitted analyzers and
    vocabularies, sublinear tf x idf, L2 norm per view, the regression's weights for those n-grams only,
    softmax. tests/test_ngram_intent_classifier.py checks the probabilities equal the pipeline's.
    """

    def __init__(
        self,
        views: List[Tuple[Dict[str, Any], Dict[str, int], np.ndarray]],
        weights: np.ndarray,
        intercept: np.ndarray,
        classes: List[str],
    ) -> None:
        """`views`: (analyser settings, vocabulary, idf) per view, in the order their columns are stacked."""
        self.settings = [settings for settings, _vocabulary, _idf in views]
        self.views: List[Tuple[Callable[[str], List[str]], Dict[str, int], np.ndarray, int]] = []
        offset = 0
        for settings, vocabulary, idf in views:
            analyse = TfidfVectorizer(**{**settings, "ngram_range": tuple(settings["ngram_range"])}).build_analyzer()
            self.views.append((analyse, vocabulary, idf, offset))
            offset += len(vocabulary)
        self.weights = np.ascontiguousarray(weights)  # one row per n-gram, one column per intent
        self.intercept = intercept
        self.classes_ = np.array(classes)

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> "FastPredictor":
        """The fitted pipeline's parameters (build_pipeline's: sublinear tf, idf, l2 norm per view)."""
        union, regression = pipeline.steps[0][1], pipeline.steps[-1][1]
        views = []
        for _name, vectorizer in union.transformer_list:
            if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"):
                raise ValueError("FastPredictor expects sublinear tf, idf and l2 norm, as build_pipeline fits")
            settings = {key: vectorizer.get_params()[key] for key in ANALYSER_SETTINGS}
            vocabulary = {gram: int(column) for gram, column in vectorizer.vocabulary_.items()}
            views.append((settings, vocabulary, np.asarray(vectorizer.idf_, dtype=np.float64)))
        return cls(views, regression.coef_.T, regression.intercept_, [str(c) for c in regression.classes_])

    def save(self, directory: Path) -> None:
        """JSON for settings, vocabularies and classes; `.npy` for the numbers."""
        views = [
            {"settings": {**settings, "ngram_range": list(settings["ngram_range"])}, "vocabulary": vocabulary}
            for settings, (_analyse, vocabulary, _idf, _offset) in zip(self.settings, self.views, strict=True)
        ]
        (directory / MODEL_FILE).write_text(json.dumps({"views": views, "classes": self.classes_.tolist()}))
        for index, (_analyse, _vocabulary, idf, _offset) in enumerate(self.views):
            np.save(directory / f"idf_{index}.npy", idf, allow_pickle=False)
        np.save(directory / "weights.npy", self.weights, allow_pickle=False)
        np.save(directory / "intercept.npy", self.intercept, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> "FastPredictor":
        """What `save` wrote (plain data only: `allow_pickle=False`)."""
        saved = json.loads((directory / MODEL_FILE).read_text())
        views = [
            (view["settings"], view["vocabulary"], np.load(directory / f"idf_{index}.npy", allow_pickle=False))
            for index, view in enumerate(saved["views"])
        ]
        weights = np.load(directory / "weights.npy", allow_pickle=False)
        intercept = np.load(directory / "intercept.npy", allow_pickle=False)
        return cls(views, weights, intercept, saved["classes"])

    def features(self, text: str) -> Tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF values of the message's n-grams (each view normalised on its own)."""
        indices: List[np.ndarray] = []
        values: List[np.ndarray] = []
        for analyze, vocabulary, idf, offset in self.views:
            counts = Counter(vocabulary[gram] for gram in analyze(text) if gram in vocabulary)
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            weights = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0) * idf[columns]
            norm = np.sqrt(np.dot(weights, weights))
            indices.append(columns + offset)
            values.append(weights / norm if norm else weights)
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(indices), np.concatenate(values)

    def predict_proba(self, texts: List[str]) -> np.ndarray:
        """Softmax of the regression's scores, one row per text (multinomial, as LogisticRegression fits it)."""
        rows = []
        for text in texts:
            columns, values = self.features(text)
            scores = values @ self.weights[columns] + self.intercept
            scores = np.exp(scores - scores.max())
            rows.append(scores / scores.sum())
        return np.array(rows)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NgramIntentClassifier(GraphComponent, IntentClassifier):
    """Averages its own intent probabilities with the ranking DIET left on the message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """weight: the regression's share of the average; diet_temperature: how far DIET's ranking is flattened.

        A temperature of 1 leaves DIET's ranking as it is; C: inverse regularisation; ranking_length as DIET's.

        `format`: how the model is saved; a new value makes Rasa retrain the component instead of restoring one
        saved the old way from its cache.
        """
        return {
            "weight": 0.5,
            "diet_temperature": 1.0,
            "C": 20.0,
            "max_char_ngram": 5,
            "ranking_length": 10,
            "format": 2,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        predictor: Optional[FastPredictor] = None,
    ) -> None:
        """Keep the configuration (defaults merged in by Rasa) and, once trained or loaded, the predictor."""
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.predictor = predictor

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NgramIntentClassifier":
        """An untrained component (Rasa's graph calls this before training)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every intent example with text, and persist."""
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        if len({e.get(INTENT) for e in examples}) < 2:
            logger.debug("NgramIntentClassifier: fewer than two intents to learn, not trained.")
            return self._resource
        pipeline = build_pipeline(self.config)
        pipeline.fit([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples])
        self.predictor = FastPredictor.from_pipeline(pipeline)
        with self._model_storage.write_to(self._resource) as directory:
            self.predictor.save(directory)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "NgramIntentClassifier":
        """The trained component; without a saved model it leaves DIET's ranking as it is."""
        try:
            with model_storage.read_from(resource) as directory:
                predictor: Optional[FastPredictor] = FastPredictor.load(directory)
        except (ValueError, KeyError, FileNotFoundError) as error:
            logger.warning(f"NgramIntentClassifier not loaded ({error!r}); DIET's ranking is used alone.")
            predictor = None
        return cls(config, model_storage, resource, predictor)

    def process(self, messages: List[Message]) -> List[Message]:
        """Replace the intent and its ranking by the average; button payloads ("/intent") are left alone."""
        if self.predictor is None:
            return messages
        texts = [(message, message.get(TEXT) or "") for message in messages]
        texts = [(message, text) for message, text in texts if text.strip() and not text.startswith("/")]
        if not texts:
            return messages
        probabilities = self.predictor.predict_proba([text for _message, text in texts])
        classes = [str(name) for name in self.predictor.classes_]
        weight = float(self.config["weight"])
        temperature = float(self.config["diet_temperature"])
        for (message, _text), row in zip(texts, probabilities, strict=True):
            ranking = averaged_ranking(message.get(INTENT_RANKING_KEY) or [], classes, row, weight, temperature)
            ranking = ranking[: int(self.config["ranking_length"])]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

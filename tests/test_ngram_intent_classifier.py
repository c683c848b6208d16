"""The n-gram classifier's second opinion: averaged with DIET's ranking, saved without pickle, payloads untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant_components.ngram_intent_classifier import (
    FastPredictor,
    NgramIntentClassifier,
    averaged_ranking,
    build_pipeline,
    flattened,
)

EXAMPLES = {
    "greet": ["hello", "hi there", "good morning", "hey", "hello again"],
    "ask_permits": ["which permit do I need", "environmental permit for a workshop", "do I need a permit to build"],
    "out_of_scope": ["what is the weather tomorrow", "tell me a joke", "who won the match yesterday"],
}


def ranked(*pairs: Any) -> List[Dict[str, Any]]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_the_average_weighs_both_and_counts_an_unranked_intent_as_zero() -> None:
    earlier = ranked(("ask_location", 0.9), ("greet", 0.1))
    result = averaged_ranking(earlier, ["ask_location", "greet", "out_of_scope"], np.array([0.1, 0.0, 0.9]), 0.5)
    assert [r["name"] for r in result] == ["ask_location", "out_of_scope", "greet"]
    assert result[0]["confidence"] == pytest.approx(0.5) and result[1]["confidence"] == pytest.approx(0.45)


def test_a_confidently_wrong_first_opinion_can_be_outvoted() -> None:
    earlier = ranked(("ask_location", 0.6), ("out_of_scope", 0.4))
    result = averaged_ranking(earlier, ["ask_location", "out_of_scope"], np.array([0.05, 0.95]), 0.5)
    assert result[0]["name"] == "out_of_scope"


def test_a_flattened_ranking_keeps_its_order_and_sums_to_one() -> None:
    earlier = ranked(("ask_location", 0.97), ("out_of_scope", 0.02), ("greet", 0.01))
    flat = flattened(earlier, 3.0)
    assert list(flat) == ["ask_location", "out_of_scope", "greet"]
    assert sorted(flat.values(), reverse=True) == list(flat.values())
    assert sum(flat.values()) == pytest.approx(1.0)
    assert flat["ask_location"] < 0.7 and flat["out_of_scope"] > 0.15
    assert flattened(earlier, 1.0) == {"ask_location": 0.97, "out_of_scope": 0.02, "greet": 0.01}


def test_with_diet_flattened_a_sure_regression_outvotes_diets_certain_mistake() -> None:
    """DIET sure of the wrong intent, the regression sure of its runner-up: the plain average keeps DIET's."""
    earlier = ranked(("ask_location", 0.97), ("out_of_scope", 0.03))
    regression = np.array([0.15, 0.85])
    plain = averaged_ranking(earlier, ["ask_location", "out_of_scope"], regression, 0.5)
    flat = averaged_ranking(earlier, ["ask_location", "out_of_scope"], regression, 0.5, temperature=3.0)
    assert plain[0]["name"] == "ask_location" and flat[0]["name"] == "out_of_scope"


def component(tmp_path: Path) -> NgramIntentClassifier:
    return NgramIntentClassifier.create(
        NgramIntentClassifier.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("ngram"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def test_trained_saved_and_loaded_it_classifies_and_leaves_payloads_alone(tmp_path: Path) -> None:
    data = TrainingData([Message.build(text, intent) for intent, texts in EXAMPLES.items() for text in texts])
    resource = component(tmp_path).train(data)
    loaded = NgramIntentClassifier.load(
        NgramIntentClassifier.get_default_config(),
        LocalModelStorage(tmp_path),
        resource,
        ExecutionContext(GraphSchema({}), "test"),
    )
    assert loaded.predictor is not None
    saved = sorted(path.name for path in (tmp_path / "ngram").iterdir())
    assert saved == ["idf_0.npy", "idf_1.npy", "intercept.npy", "ngram_intent_classifier.json", "weights.npy"]
    question = Message({"text": "do I need a permit for my workshop"})
    payload = Message({"text": "/greet", "intent": {"name": "greet", "confidence": 1.0}})
    loaded.process([question, payload])
    assert question.get("intent")["name"] == "ask_permits"
    assert abs(sum(r["confidence"] for r in question.get("intent_ranking")) - 0.5) < 1e-6  # DIET's half absent
    assert payload.get("intent") == {"name": "greet", "confidence": 1.0}


def test_without_a_saved_model_the_first_opinion_stands(tmp_path: Path) -> None:
    loaded = NgramIntentClassifier.load(
        NgramIntentClassifier.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("never_trained"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    message = Message({"text": "hello", "intent": {"name": "greet", "confidence": 0.9}})
    loaded.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 0.9}


def test_the_fast_path_gives_the_pipelines_probabilities() -> None:
    pipeline = build_pipeline(NgramIntentClassifier.get_default_config())
    pipeline.fit([t for texts in EXAMPLES.values() for t in texts], [i for i, ts in EXAMPLES.items() for _ in ts])
    texts = ["Do I need a PERMIT?!", "hello hello hello", "zzzz", "", "💥", "é" * 300, "weather tomorrow joke"]
    fast = FastPredictor.from_pipeline(pipeline)
    assert list(fast.classes_) == list(pipeline.classes_)
    assert np.abs(fast.predict_proba(texts) - pipeline.predict_proba(texts)).max() < 1e-9


def test_saved_and_loaded_the_probabilities_stay_the_same(tmp_path: Path) -> None:
    pipeline = build_pipeline(NgramIntentClassifier.get_default_config())
    pipeline.fit([t for texts in EXAMPLES.values() for t in texts], [i for i, ts in EXAMPLES.items() for _ in ts])
    FastPredictor.from_pipeline(pipeline).save(tmp_path)
    texts = ["which permit for my workshop", "goeiemorgen", "hello there"]
    loaded = FastPredictor.load(tmp_path)
    assert list(loaded.classes_) == list(pipeline.classes_)
    assert np.abs(loaded.predict_proba(texts) - pipeline.predict_proba(texts)).max() < 1e-9

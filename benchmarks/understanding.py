"""Intent macro-F1 on the held-out files and per-message parse time, for a trained model, in this process.

The same parse as `rasa test nlu` (the model's whole NLU pipeline, fallback included) and the same metric
(scikit-learn's classification report, macro-averaged over the intents of the held-out file).
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

from .processes import BIN, ROOT, base_env

HOLDOUTS = {"en": ROOT / "tests" / "nlu_holdout.yml", "nl": ROOT / "tests" / "nlu_holdout_nl.yml"}


def held_out_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) pairs of a held-out NLU file."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


async def _parse_all(model: Path, examples: Dict[str, List[Tuple[str, str]]]) -> Dict[str, Any]:
    from rasa.core.agent import load_agent
    from sklearn.metrics import classification_report

    agent = await load_agent(str(model))
    await agent.parse_message("warm up")
    result: Dict[str, Any] = {}
    timings: List[float] = []
    for lang, pairs in examples.items():
        predicted = []
        for text, _gold in pairs:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            timings.append((time.perf_counter() - started) * 1000)
            predicted.append(parsed["intent"]["name"])
        gold = [intent for _text, intent in pairs]
        # macro over the intents of the held-out file, as `rasa test nlu` reports it (an nlu_fallback
        # prediction is a miss of the gold intent, not a class of its own)
        labels = sorted(set(gold))
        report = classification_report(gold, predicted, labels=labels, output_dict=True, zero_division=0)
        result[f"macro_f1_{lang}"] = round(report["macro avg"]["f1-score"], 3)
        result[f"accuracy_{lang}"] = round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 3)
    result["parse_ms_p50"] = round(statistics.median(timings), 2)
    result["parse_ms_mean"] = round(statistics.fmean(timings), 2)
    return result


def score(model: Path) -> Dict[str, Any]:
    """Macro-F1 and accuracy per language and parse time per message of `model`."""
    examples = {lang: held_out_examples(path) for lang, path in HOLDOUTS.items()}
    return asyncio.run(_parse_all(model, examples))


def train_nlu(config: Path, out: Path, cache: Path) -> Tuple[Path, float]:
    """Train an NLU model with `config` on this project's NLU data, without Rasa's cache; (model, seconds)."""
    started = time.monotonic()
    env = {**base_env(), "RASA_CACHE_DIRECTORY": str(cache)}
    subprocess.run(
        [str(BIN / "rasa"), "train", "nlu", "--config", str(config), "--nlu", "data/nlu", "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return max(out.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime), time.monotonic() - started


def train_assistant(out: Path, cache: Path) -> Tuple[Path, float]:
    """Train this assistant (NLU and dialogue) from scratch, as `make train` does; (model, seconds)."""
    started = time.monotonic()
    env = {**base_env(), "RASA_CACHE_DIRECTORY": str(cache)}
    subprocess.run(
        [str(BIN / "rasa"), "train", "--fixed-model-name", "bench", "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return out / "bench.tar.gz", time.monotonic() - started

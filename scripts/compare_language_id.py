"""Compares language-identification libraries on short chat messages (docs/language_id_samples.yml).

    python scripts/compare_language_id.py          # py3langid (a project dependency)
    pip install lingua-language-detector && python scripts/compare_language_id.py   # adds lingua

A detector scores a sample when it returns the labelled language, or, for "keep" samples, when it returns
nothing (the conversation keeps its language). Both use the assistant's rule of three words or more
(actions/language.py); lingua's confidences are spread more thinly, so it is shown at several thresholds.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable, Dict, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.language import MIN_CONFIDENCE, MIN_WORDS, detect  # noqa: E402


def lingua_detector(threshold: float) -> Optional[Callable[[str], Optional[str]]]:
    """Lingua restricted to the same languages, with the same rule; None when not installed."""
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    langs = {Language.ENGLISH: "en", Language.DUTCH: "nl", Language.FRENCH: "fr", Language.GERMAN: "de"}
    detector = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()

    def run(text: str) -> Optional[str]:
        if len(text.split()) < MIN_WORDS:
            return None
        best = detector.compute_language_confidence_values(text)[0]
        code = langs[best.language]
        return code if code in ("en", "nl") and best.value >= threshold else None

    return run


def main() -> None:
    """Score each available detector on the samples and print a table."""
    samples = yaml.safe_load((ROOT / "docs" / "language_id_samples.yml").read_text())["samples"]
    detectors: Dict[str, Callable[[str], Optional[str]]] = {f"py3langid (>= {MIN_CONFIDENCE})": detect}
    for threshold in (0.5, 0.7, MIN_CONFIDENCE):
        lingua = lingua_detector(threshold)
        if lingua:
            detectors[f"lingua (>= {threshold})"] = lingua
    for name, run in detectors.items():
        started = time.perf_counter()
        right = sum((run(s["text"]) or "keep") == s["lang"] for s in samples)
        elapsed = (time.perf_counter() - started) / len(samples) * 1000
        misses = [s["text"] for s in samples if (run(s["text"]) or "keep") != s["lang"]]
        print(f"{name}: {right}/{len(samples)} right, {elapsed:.2f} ms per message; misses: {misses}")


if __name__ == "__main__":
    main()

"""Compares the active model and a candidate on the same held-out files and decides whether to switch.

The figures come from Rasa's own NLU evaluation (`intent_report.json`: per-intent precision, recall, F1,
support and `confused_with` counts). The rule, written into every report: per language, the candidate's
macro-F1 is not lower than the active model's (minus `macro_tolerance`, 0 by default), and no intent's F1
drops by more than `margin` (0.10 by default). Only then is it activated without `--force`.

Why 0.10: a held-out intent has about 19 examples, so one message changing class moves its F1 by 0.03-0.05;
at 0.05 a single flip blocked every candidate measured (README "Retraining from reviewed conversations"),
while 0.10 still blocks an intent that lost two or three of its messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

SUMMARY_KEYS = ("accuracy", "macro avg", "weighted avg", "micro avg")
DEFAULT_MARGIN = 0.10
DEFAULT_MACRO_TOLERANCE = 0.0
# F1 is compared rounded, so float noise in Rasa's report never decides a switch
DIGITS = 4


@dataclass
class Scores:
    """One model's figures on one held-out file."""

    macro_f1: float
    f1: Dict[str, float]
    support: Dict[str, int]
    confused: Dict[Tuple[str, str], int]  # (true intent, predicted intent) -> count

    @classmethod
    def from_report(cls, report: Dict) -> "Scores":
        """From the dict Rasa writes to intent_report.json."""
        intents = {k: v for k, v in report.items() if k not in SUMMARY_KEYS and isinstance(v, dict)}
        return cls(
            macro_f1=round(float(report["macro avg"]["f1-score"]), DIGITS),
            f1={k: round(float(v["f1-score"]), DIGITS) for k, v in intents.items()},
            support={k: int(v.get("support", 0)) for k, v in intents.items()},
            confused={
                (k, str(other)): int(n)
                for k, v in intents.items()
                for other, n in (v.get("confused_with") or {}).items()
            },
        )

    @classmethod
    def from_file(cls, path: Path) -> "Scores":
        """From an intent_report.json file."""
        return cls.from_report(json.loads(Path(path).read_text(encoding="utf-8")))


@dataclass
class Verdict:
    """Whether the candidate may replace the active model, and why (one line per finding)."""

    better_or_equal: bool
    reasons: List[str] = field(default_factory=list)


@dataclass
class Comparison:
    """Old and new scores per language, and the verdict of the rule."""

    old: Dict[str, Scores]
    new: Dict[str, Scores]
    margin: float = DEFAULT_MARGIN
    macro_tolerance: float = DEFAULT_MACRO_TOLERANCE
    verdict: Verdict = field(default_factory=lambda: Verdict(False))

    def rule(self) -> str:
        """The activation rule in words, with this run's settings."""
        return (
            f"The candidate is activated only if, for every language, its macro-F1 is not lower than the active "
            f"model's (tolerance {self.macro_tolerance:.3f}) and no intent's F1 drops by more than "
            f"{self.margin:.3f}. `--force` activates regardless and is logged in reports/retrain/activations.log."
        )

    def intent_rows(self) -> List[Tuple[str, str, Optional[float], Optional[float], int]]:
        """(language, intent, old F1, new F1, support) for every intent in either model's report."""
        rows = []
        for lang in sorted(self.old):
            old, new = self.old[lang], self.new.get(lang)
            for intent in sorted(set(old.f1) | set(new.f1 if new else {})):
                support = max(old.support.get(intent, 0), new.support.get(intent, 0) if new else 0)
                rows.append((lang, intent, old.f1.get(intent), new.f1.get(intent) if new else None, support))
        return rows

    def changed_confusions(self) -> List[Tuple[str, str, str, int, int]]:
        """(language, true intent, predicted intent, old count, new count) for pairs whose count changed."""
        rows = []
        for lang in sorted(self.old):
            old, new = self.old[lang].confused, self.new[lang].confused if lang in self.new else {}
            for pair in sorted(set(old) | set(new)):
                if old.get(pair, 0) != new.get(pair, 0):
                    rows.append((lang, pair[0], pair[1], old.get(pair, 0), new.get(pair, 0)))
        return rows


def compare(
    old: Dict[str, Scores],
    new: Dict[str, Scores],
    margin: float = DEFAULT_MARGIN,
    macro_tolerance: float = DEFAULT_MACRO_TOLERANCE,
) -> Comparison:
    """Apply the activation rule to old and new scores (per language: macro-F1, then every intent)."""
    reasons: List[str] = []
    ok = True
    for lang in sorted(old):
        if lang not in new:
            ok = False
            reasons.append(f"{lang}: the candidate was not evaluated")
            continue
        before, after = old[lang].macro_f1, new[lang].macro_f1
        if after < round(before - macro_tolerance, DIGITS):
            ok = False
            reasons.append(f"{lang}: macro-F1 drops from {before:.3f} to {after:.3f}")
        else:
            reasons.append(f"{lang}: macro-F1 {before:.3f} -> {after:.3f} (not lower)")
        for intent, f1_before in sorted(old[lang].f1.items()):
            f1_after = new[lang].f1.get(intent, 0.0)
            if round(f1_before - f1_after, DIGITS) > margin:
                ok = False
                reasons.append(
                    f"{lang}: {intent} F1 drops by {f1_before - f1_after:.3f} ({f1_before:.3f} -> {f1_after:.3f})"
                )
    return Comparison(old, new, margin, macro_tolerance, Verdict(ok, reasons))

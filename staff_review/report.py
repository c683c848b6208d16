"""Writes the retrain report: `report.md` (figures, rule, decision) and `f1.png` (per-intent F1, old vs new).

The report names intents and counts, never a held-out text: the evaluation sets stay out of staff's view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from .compare import Comparison


@dataclass
class ReportInput:
    """Everything one retrain run has to say."""

    stamp: str
    review_file: str
    merge_summary: str
    steps: Dict[str, float] = field(default_factory=dict)  # step -> seconds
    training: str = ""
    comparison: Optional[Comparison] = None
    decision: str = ""
    activation: str = ""
    blind: Dict[str, dict] = field(default_factory=dict)  # "active" / "candidate" -> summary of scripts/evaluate.py
    notes: List[str] = field(default_factory=list)


def _f1(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.3f}"


def _delta(old: Optional[float], new: Optional[float]) -> str:
    if old is None or new is None:
        return ""
    return f"{new - old:+.3f}" if abs(new - old) >= 0.0005 else "0"


def chart(comparison: Comparison, path: Path) -> Path:
    """Bars of per-intent F1, old vs new, one panel per language."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    langs = sorted(comparison.old)
    rows = comparison.intent_rows()
    intents = sorted({r[1] for r in rows})
    fig, axes = plt.subplots(len(langs), 1, figsize=(max(8, 0.55 * len(intents) + 2), 3.6 * len(langs)), squeeze=False)
    for ax, lang in zip(axes[:, 0], langs, strict=True):
        by_intent = {r[1]: r for r in rows if r[0] == lang}
        x = range(len(intents))
        old = [by_intent[i][2] or 0.0 if i in by_intent else 0.0 for i in intents]
        new = [by_intent[i][3] or 0.0 if i in by_intent else 0.0 for i in intents]
        ax.bar([i - 0.2 for i in x], old, width=0.4, label="active (old)", color="#9e9e9e")
        ax.bar([i + 0.2 for i in x], new, width=0.4, label="candidate (new)", color="#1f77b4")
        ax.set_xticks(list(x))
        ax.set_xticklabels(intents, rotation=45, ha="right", fontsize=8)
        lowest = min([v for v in old + new if v > 0] or [0.0])
        ax.set_ylim(max(0.0, round(lowest - 0.15, 1)), 1.02)  # differences of one example stay visible
        ax.set_ylabel("F1")
        old_macro, new_macro = comparison.old[lang].macro_f1, comparison.new[lang].macro_f1
        ax.set_title(f"{lang.upper()} held-out: macro-F1 {old_macro:.3f} (old) -> {new_macro:.3f} (new)", fontsize=10)
        ax.legend(loc="lower left", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def markdown(data: ReportInput) -> str:
    """The report as Markdown."""
    out = [f"# Retrain report {data.stamp}", "", f"Review file: `{data.review_file}`", ""]
    out += ["## Merge", "", "```", data.merge_summary, "```", ""]
    if data.training:
        out += ["## Training", "", data.training, ""]
    if data.steps:
        out += ["| step | seconds |", "|---|---:|"] + [f"| {k} | {v:.0f} |" for k, v in data.steps.items()] + [""]
    comparison = data.comparison
    if comparison:
        out += [
            "## Held-out macro-F1",
            "",
            "| language | active (old) | candidate (new) | change |",
            "|---|---:|---:|---:|",
        ]
        for lang in sorted(comparison.old):
            old, new = comparison.old[lang].macro_f1, comparison.new[lang].macro_f1
            out.append(f"| {lang} | {old:.3f} | {new:.3f} | {_delta(old, new)} |")
        out += ["", "![per-intent F1, old vs new](f1.png)", "", "## Per-intent F1", ""]
        out += ["| language | intent | old | new | change | support |", "|---|---|---:|---:|---:|---:|"]
        for lang, intent, old_f1, new_f1, support in comparison.intent_rows():
            out.append(f"| {lang} | {intent} | {_f1(old_f1)} | {_f1(new_f1)} | {_delta(old_f1, new_f1)} | {support} |")
        out += ["", "## Confusion pairs that changed", ""]
        changed = comparison.changed_confusions()
        if changed:
            out += ["| language | true intent | predicted as | old | new |", "|---|---|---|---:|---:|"]
            out += [f"| {lang} | {gold} | {pred} | {a} | {b} |" for lang, gold, pred, a, b in changed]
        else:
            out.append("None: the same mistakes, as often.")
        out += ["", "## Rule", "", comparison.rule(), ""]
        out += [f"- {reason}" for reason in comparison.verdict.reasons] + [""]
    if data.blind:
        out += [
            "## Blind set (end to end, real servers)",
            "",
            "| figure | active (old) | candidate (new) |",
            "|---|---:|---:|",
        ]
        old_b, new_b = data.blind.get("active", {}), data.blind.get("candidate", {})
        for key in sorted(k for k, v in (old_b or new_b).items() if isinstance(v, (int, float))):
            out.append(f"| {key} | {old_b.get(key, '-')} | {new_b.get(key, '-')} |")
        out.append("")
    out += ["## Decision", "", data.decision or "-", ""]
    if data.activation:
        out += ["## Activation", "", data.activation, ""]
    if data.notes:
        out += ["## Notes", ""] + [f"- {note}" for note in data.notes] + [""]
    return "\n".join(out)


def write_report(data: ReportInput, folder: Path) -> Path:
    """Write report.md (and f1.png when models were compared) into `folder`; the path of report.md."""
    folder.mkdir(parents=True, exist_ok=True)
    if data.comparison:
        chart(data.comparison, folder / "f1.png")
    path = folder / "report.md"
    path.write_text(markdown(data), encoding="utf-8")
    return path

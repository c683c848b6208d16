"""The retrain loop: merge a review file, validate, train a candidate, compare, and activate only if not worse.

    merge -> rasa data validate --fail-on-warnings -> candidate in models/candidates/<stamp>/
          -> old and new scored on the held-out files (EN, NL) [and, with blind=True, the blind set]
          -> reports/retrain/<stamp>/report.md + f1.png -> activate (rule, or force) -> PUT /model

Training is incremental by default (`rasa train --finetune <active model> --epoch-fraction F`): the candidate
starts from the active model's weights, the CountVectorsFeaturizers add the new words to their vocabulary,
and DIET and TED train F times their configured epochs. Rasa allows this only while config.yml, the domain's
core part and the set of intents are what the active model was trained with; otherwise, or with `full=True`,
a full `rasa train` runs (about 9 minutes on two cores instead of about 3: see README "Retraining from
reviewed conversations"). A merge that adds nothing stops the loop; a merge of only knowledge questions
needs no training (the action server reads them when it starts).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from actions.paths import ROOT

from . import nlu_eval
from .activate import ACTIVE_NAME, Activation, log_activation
from .activate import activate as activate_model
from .compare import DEFAULT_MACRO_TOLERANCE, DEFAULT_MARGIN, Comparison, Scores, compare
from .merge import REVIEWED_NLU_FILE, REVIEWED_QUESTIONS, MergeResult, merge_decisions
from .report import ReportInput, write_report
from .review_file import read_decisions

RASA = str(Path(sys.executable).parent / "rasa")
# Fraction of config.yml's epochs used for finetuning (DIET 60 -> 15, TED 40 -> 10). Measured on two cores
# (README "Retraining from reviewed conversations"): 0.25 scored the best held-out macro-F1 of 0.1, 0.25, 0.5
# and a full training, learned every reviewed example, and trains in about 3 minutes.
DEFAULT_EPOCH_FRACTION = 0.25
BLIND_CASES = Path("tests/blind/blind_cases.yaml")
KEEP_CANDIDATES = 3  # older candidate folders are removed (about 50 MB each); the active one is a copy


@dataclass
class Report:
    """What one run did, for the CLI, the staff page and tests."""

    stamp: str
    folder: Path
    report_file: Optional[Path]
    merge: MergeResult
    message: str
    candidate: Optional[Path] = None
    training_mode: str = ""
    comparison: Optional[Comparison] = None
    activated: bool = False
    forced: bool = False
    activation: Optional[Activation] = None
    steps: Dict[str, float] = field(default_factory=dict)


class RetrainError(RuntimeError):
    """A step failed (validation, training, evaluation); the message says which and where its log is."""


# As `make train` sets them (Makefile): the candidate differs from the active model by the reviewed data only, not
# by the run-to-run noise of training (up to 0.03 macro-F1 without them; README "Reproducible training").
REPRODUCIBLE_TRAINING = {"TF_DETERMINISTIC_OPS": "1", "ONEDNN_MAX_CPU_ISA": "AVX2"}


def _env() -> Dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", **REPRODUCIBLE_TRAINING}


def run_logged(args: List[str], log: Path, root: Path) -> subprocess.CompletedProcess:
    """Run a command in `root`, its output in `log` (kept next to the report)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as handle:
        return subprocess.run(args, cwd=root, env=_env(), stdout=handle, stderr=subprocess.STDOUT, check=False)


def active_model(models_dir: Path) -> Optional[Path]:
    """The model the server runs after `make run`: models/assistant.tar.gz, else the newest model there."""
    if (models_dir / ACTIVE_NAME).exists():
        return models_dir / ACTIVE_NAME
    found = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _project_args(data_dir: Path, root: Path) -> List[str]:
    return ["--data", str(data_dir), "--domain", str(root / "domain.yml"), "--config", str(root / "config.yml")]


def validate(data_dir: Path, folder: Path, root: Path) -> None:
    """`rasa data validate --fail-on-warnings` on the merged data; raises RetrainError when it fails."""
    result = run_logged(
        [RASA, "data", "validate", "--fail-on-warnings", *_project_args(data_dir, root)], folder / "validate.log", root
    )
    if result.returncode != 0:
        raise RetrainError(f"rasa data validate failed; see {folder / 'validate.log'}")


def train_candidate(
    out_dir: Path, base: Optional[Path], data_dir: Path, folder: Path, root: Path, epoch_fraction: float, full: bool
) -> tuple:
    """Train the candidate into `out_dir`; (model file, how it was trained)."""
    args = [RASA, "train", "--fixed-model-name", "assistant", "--out", str(out_dir), *_project_args(data_dir, root)]
    if base and not full:
        result = run_logged(
            [*args, "--finetune", str(base), "--epoch-fraction", str(epoch_fraction)], folder / "train.log", root
        )
        if result.returncode == 0:
            return out_dir / ACTIVE_NAME, (
                f"incremental: finetuned from {base.name} with --epoch-fraction {epoch_fraction} "
                f"(config.yml's epochs x {epoch_fraction})"
            )
        log = (folder / "train.log").read_text(errors="replace")
        why = next((line.strip() for line in log.splitlines() if "finetun" in line.lower()), "see train-finetune.log")
        (folder / "train.log").rename(folder / "train-finetune.log")
        mode = f"full: finetuning was impossible ({why[:300]}), so a full training ran"
    else:
        mode = "full: requested" if full else "full: there is no active model to start from"
    result = run_logged(args, folder / "train.log", root)
    if result.returncode != 0:
        raise RetrainError(f"rasa train failed; see {folder / 'train.log'}")
    return out_dir / ACTIVE_NAME, mode


def evaluate(models: Dict[str, Path], folder: Path, root: Path) -> Dict[str, Dict[str, Scores]]:
    """Held-out scores per model name and language (the models are evaluated in parallel)."""
    nlu_eval.evaluate_models(models, folder / "eval", nlu_eval.HOLDOUTS, root)
    return {
        name: {
            lang: Scores.from_file(folder / "eval" / name / lang / "intent_report.json") for lang in nlu_eval.HOLDOUTS
        }
        for name in models
    }


def blind_scores(models: Dict[str, Path], folder: Path, root: Path) -> Dict[str, dict]:
    """The blind set's summary figures per model (scripts/evaluate.py against real servers, one after another)."""
    found = {}
    for name, model in models.items():
        out = folder / f"blind_{name}.json"
        args = [sys.executable, "scripts/evaluate.py", str(BLIND_CASES), "--out", str(out), "--model", str(model)]
        if run_logged(args, folder / f"blind_{name}.log", root).returncode != 0:
            raise RetrainError(f"blind evaluation failed; see {folder / f'blind_{name}.log'}")
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
        found[name] = {k: v for k, v in summary.items() if isinstance(v, (int, float))}
    return found


def prune_candidates(models_dir: Path, keep: int = KEEP_CANDIDATES) -> None:
    """Remove all but the newest `keep` candidate folders (their names are time stamps)."""
    folders = sorted(p for p in (models_dir / "candidates").glob("*") if p.is_dir())
    for folder in folders[:-keep] if keep else folders:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def one_at_a_time(models_dir: Path) -> Iterator[None]:
    """Only one retrain per models folder at a time (the staff page and the CLI may both start one)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    with (models_dir / ".retrain.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise RetrainError("another retrain is running") from error
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _snapshot(paths: List[Path]) -> Dict[Path, Optional[bytes]]:
    return {p: p.read_bytes() if p.exists() else None for p in paths}


def _restore(snapshot: Dict[Path, Optional[bytes]]) -> None:
    for path, content in snapshot.items():
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(content)


def _set_aside(before: Dict[Path, Optional[bytes]], data_dir: Path, folder: Path) -> str:
    """Undo the NLU part of a merge whose candidate was refused, keeping the merged files in the report folder.

    Otherwise `make train` (or `make run`) would train the refused examples into the active model unchecked.
    """
    kept = []
    for path, content in before.items():
        if path.name == REVIEWED_NLU_FILE and path.exists():
            copy = folder / f"refused_{path.parent.name}_{path.name}"
            copy.write_bytes(path.read_bytes())
            kept.append(copy.name)
            _restore({path: content})
    return (
        "The merged NLU examples were taken out of data/ again, so no later training picks them up unchecked; "
        f"they are kept here ({', '.join(kept)}). Run again with --force to activate them anyway."
    )


def run_pipeline(
    review_file: Path,
    force: bool = False,
    activate: bool = True,
    rasa_url: Optional[str] = None,
    token: Optional[str] = None,
    models_dir: Path = ROOT / "models",
    data_dir: Path = ROOT / "data",
    reports_dir: Path = ROOT / "reports" / "retrain",
    epoch_fraction: float = DEFAULT_EPOCH_FRACTION,
    margin: float = DEFAULT_MARGIN,
    macro_tolerance: float = DEFAULT_MACRO_TOLERANCE,
    blind: bool = False,
    full: bool = False,
    reason: str = "",
    root: Path = ROOT,
) -> Report:
    """Merge, validate, train a candidate, compare, report, and activate when the rule (or `force`) allows.

    `rasa_url` and `token` reach the running server (default RASA_URL / RASA_TOKEN or $VAR_DIR/rasa_token);
    `data_dir` may be a copy of data/ (tests), knowledge/ and domain.yml are taken beside it.
    """
    models_dir, data_dir, reports_dir = Path(models_dir), Path(data_dir), Path(reports_dir)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = reports_dir / stamp
    folder.mkdir(parents=True, exist_ok=True)
    with one_at_a_time(models_dir):
        steps: Dict[str, float] = {}
        started = time.monotonic()
        touched = [data_dir / "nlu" / lang / REVIEWED_NLU_FILE for lang in ("en", "nl")]
        touched.append(data_dir.parent / "knowledge" / REVIEWED_QUESTIONS)
        before = _snapshot(touched)
        merged = merge_decisions(read_decisions(Path(review_file)), data_dir, root=root)
        steps["merge"] = time.monotonic() - started
        data = ReportInput(stamp, str(review_file), merged.summary(), steps)
        report = Report(stamp, folder, None, merged, "", steps=steps)

        def finish(message: str) -> Report:
            data.decision = data.decision or message
            report.message = message
            report.report_file = write_report(data, folder)
            return report

        if not merged.changed:
            return finish(
                "The merge changed nothing (see the duplicates, conflicts and refusals above): no retraining."
            )
        if not merged.nlu_changed:
            return finish(
                "Only knowledge questions were added: no model to train. The action server reads them when it "
                "starts (restart it, or `make run`)."
            )
        mark = time.monotonic()
        try:
            validate(data_dir, folder, root)
        except RetrainError:
            _restore(before)
            data.notes.append("The merge was undone: the training data did not validate.")
            finish("Validation failed: nothing trained, the merge undone (see validate.log).")
            raise
        steps["validate"] = time.monotonic() - mark

        base = active_model(models_dir)
        mark = time.monotonic()
        candidate, mode = train_candidate(
            models_dir / "candidates" / stamp, base, data_dir, folder, root, epoch_fraction, full
        )
        steps["train"] = time.monotonic() - mark
        prune_candidates(models_dir)
        data.training, report.candidate, report.training_mode = mode, candidate, mode
        if base is None:
            return finish(f"No active model to compare with; the candidate is {candidate} (not activated).")

        mark = time.monotonic()
        scores = evaluate({"active": base, "candidate": candidate}, folder, root)
        steps["evaluate held-out"] = time.monotonic() - mark
        comparison = compare(scores["active"], scores["candidate"], margin, macro_tolerance)
        data.comparison = report.comparison = comparison
        if blind:
            mark = time.monotonic()
            data.blind = blind_scores({"active": base, "candidate": candidate}, folder, root)
            steps["evaluate blind"] = time.monotonic() - mark

        better = comparison.verdict.better_or_equal
        if better:
            data.decision = "The candidate is not worse: it " + ("is activated." if activate else "may be activated.")
        elif force:
            data.decision = "The candidate is worse by the rule, but --force activates it (logged)."
        else:
            data.decision = f"The candidate is worse by the rule: NOT activated. It stays in {candidate.parent}."
            data.notes.append(_set_aside(before, data_dir, folder))
        if activate and (better or force):
            mark = time.monotonic()
            activation = activate_model(candidate, models_dir, stamp, rasa_url, token)
            steps["activate"] = time.monotonic() - mark
            report.activated, report.forced, report.activation = True, force and not better, activation
            data.activation = (
                f"{activation.active} is now the active model"
                + (f" (the previous one is kept as {activation.archived})" if activation.archived else "")
                + f"; {activation.server_message}."
            )
            figures = {
                lang: {"old": comparison.old[lang].macro_f1, "new": comparison.new[lang].macro_f1}
                for lang in sorted(comparison.old)
            }
            log_activation(
                reports_dir / "activations.log",
                forced=report.forced,
                reason=reason or ("--force" if report.forced else "not worse by the rule"),
                figures={"macro_f1": figures, "report": str(folder / "report.md")},
                model=activation.active,
                server=activation.server_message,
            )
        steps["total"] = time.monotonic() - started
        return finish(data.decision)

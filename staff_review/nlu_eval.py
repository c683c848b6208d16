"""Evaluates one model on the held-out NLU files, one report per language, as `rasa test nlu` does.

`rasa test nlu --nlu <file> --model <m> --out <dir>` loads the model once per file; this module loads it
once for all files (Rasa's own `run_evaluation`, the function behind that command) and writes the same
`intent_report.json` (and `intent_errors.json`) into `<out>/<language>/`. It runs in its own process
(`python -m staff_review.nlu_eval`), so the old and the new model are evaluated side by side on two cores.
Only Rasa reads the held-out files; this code only reads the reports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

from actions.paths import ROOT

HOLDOUTS = {"en": Path("tests/nlu_holdout.yml"), "nl": Path("tests/nlu_holdout_nl.yml")}


async def _evaluate(model: Path, files: Dict[str, Path], out: Path) -> None:
    """Load the model once and write one evaluation folder per language."""
    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation

    processor = Agent.load(model_path=str(model)).processor
    for lang, path in files.items():
        target = out / lang
        target.mkdir(parents=True, exist_ok=True)
        await run_evaluation(str(path), processor, output_directory=str(target), errors=True, disable_plotting=True)


def start(model: Path, out: Path, files: Dict[str, Path] = HOLDOUTS, root: Path = ROOT) -> subprocess.Popen:
    """Start evaluating `model` in a child process (its log in `<out>/eval.log`); wait on the returned process."""
    out.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "staff_review.nlu_eval", "--model", str(model), "--out", str(out)]
    args += [f"{lang}={(root / path).resolve()}" for lang, path in files.items()]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    with open(out / "eval.log", "w") as log:
        return subprocess.Popen(args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)


def evaluate_models(models: Dict[str, Path], out: Path, files: Dict[str, Path] = HOLDOUTS, root: Path = ROOT) -> None:
    """Evaluate several models in parallel: `<out>/<name>/<language>/intent_report.json` for each."""
    running = {name: start(model, out / name, files, root) for name, model in models.items()}
    failed: List[str] = []
    for name, process in running.items():
        if process.wait() != 0:
            failed.append(f"{name}: see {out / name / 'eval.log'}")
    if failed:
        raise RuntimeError("NLU evaluation failed: " + "; ".join(failed))


def main() -> None:
    """Command line: --model M --out DIR lang=file ..."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("files", nargs="+", help="language=path of a held-out NLU file")
    args = parser.parse_args()
    files = {item.split("=", 1)[0]: Path(item.split("=", 1)[1]) for item in args.files}
    asyncio.run(_evaluate(args.model, files, args.out))


if __name__ == "__main__":
    main()

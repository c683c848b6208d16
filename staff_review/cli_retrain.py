"""`python -m staff_review retrain <review-file>`: merge, validate, train a candidate, compare, activate."""

from __future__ import annotations

import argparse
from pathlib import Path

from .compare import DEFAULT_MACRO_TOLERANCE, DEFAULT_MARGIN
from .retrain import DEFAULT_EPOCH_FRACTION, RetrainError, run_pipeline


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `retrain` subcommand."""
    parser = subparsers.add_parser(
        "retrain",
        help="merge a review file, train a candidate, compare it with the active model, activate if not worse",
        description=__doc__,
    )
    parser.add_argument("review_file", type=Path, help="the reviewed CSV or YAML file (correct_intent filled in)")
    parser.add_argument("--force", action="store_true", help="activate even if the candidate is worse (logged)")
    parser.add_argument("--reason", default="", help="why (written to reports/retrain/activations.log)")
    parser.add_argument("--no-activate", action="store_true", help="train, compare and report, but do not activate")
    parser.add_argument("--blind", action="store_true", help="also score both models on the blind set (slow)")
    parser.add_argument("--full", action="store_true", help="a full training instead of finetuning the active model")
    parser.add_argument("--epoch-fraction", type=float, default=DEFAULT_EPOCH_FRACTION, help="finetuning epochs share")
    parser.add_argument("--margin", type=float, default=DEFAULT_MARGIN, help="largest per-intent F1 drop allowed")
    parser.add_argument(
        "--macro-tolerance", type=float, default=DEFAULT_MACRO_TOLERANCE, help="macro-F1 drop still allowed"
    )
    parser.add_argument("--rasa-url", default=None, help="the running Rasa server (default RASA_URL)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the pipeline and print what happened; 0 when it ran (activated or not), 1 when a step failed."""
    try:
        report = run_pipeline(
            args.review_file,
            force=args.force,
            activate=not args.no_activate,
            rasa_url=args.rasa_url,
            epoch_fraction=args.epoch_fraction,
            margin=args.margin,
            macro_tolerance=args.macro_tolerance,
            blind=args.blind,
            full=args.full,
            reason=args.reason,
        )
    except RetrainError as error:
        print(f"retrain stopped: {error}")
        return 1
    print(report.merge.summary())
    if report.training_mode:
        print(f"training: {report.training_mode}")
    if report.comparison:
        for reason in report.comparison.verdict.reasons:
            print(f"  {reason}")
    print(report.message)
    if report.activation:
        print(report.activation.server_message)
    print("steps: " + ", ".join(f"{k} {v:.0f} s" for k, v in report.steps.items()))
    print(f"report: {report.report_file}")
    return 0

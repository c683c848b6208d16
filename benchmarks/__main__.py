"""python -m benchmarks: run the whole benchmark and write reports/bench.{md,json} and the chart.

python -m benchmarks                      # everything (about 40 minutes on two cores)
python -m benchmarks --skip-pipelines     # without training Rasa's default pipeline on our data
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List

from . import knowledge_lookup, plain, profile, report, understanding
from .load import Round, rest_round, socketio_round
from .processes import ROOT, Assistant, plain_assistant, this_assistant


def machine() -> Dict[str, Any]:
    """CPU count and model, and the versions that matter."""
    import rasa
    import rasa_sdk

    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown",
    ) if Path("/proc/cpuinfo").exists() else platform.processor()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "rasa": rasa.__version__,
        "rasa_sdk": rasa_sdk.__version__,
    }


def merged(rounds: List[Round]) -> Round:
    """One Round from several of the same assistant, channel and load."""
    total = Round(rounds[0].assistant, rounds[0].channel, rounds[0].users, rounds[0].messages)
    for one in rounds:
        total.latencies_ms += one.latencies_ms
        total.errors += one.errors
        total.seconds += one.seconds
    return total


def load_levels(ours: Assistant, other: Assistant, levels: List[int], rounds: int, messages: int) -> List[Round]:
    """REST rounds at each load level, alternating which assistant goes first so noise falls on both."""
    done: Dict[Any, List[Round]] = defaultdict(list)
    for users in levels:
        for number in range(rounds):
            order = (ours, other) if number % 2 == 0 else (other, ours)
            for assistant in order:
                print(f"  REST {assistant.name}: {users} users, round {number + 1}", flush=True)
                done[(assistant.name, users)].append(
                    asyncio.run(rest_round(assistant.name, assistant.webhook, users, messages))
                )
    return [merged(rounds_of) for rounds_of in done.values()]


def main() -> int:
    """Run the benchmark; print where the report is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--messages", type=int, default=24)
    parser.add_argument("--users", default="1,16,64")
    parser.add_argument("--skip-pipelines", action="store_true", help="do not train Rasa's default pipeline")
    parser.add_argument("--skip-training", action="store_true", help="do not time a training from scratch")
    parser.add_argument("--skip-profile", action="store_true", help="leave out the per-message breakdown")
    parser.add_argument("--out", default=str(ROOT / "reports"))
    args = parser.parse_args()
    levels = [int(n) for n in args.users.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    results: Dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "rounds": args.rounds,
        "messages": args.messages,
        "training": {},
        "cold_start_s": {},
    }
    try:
        print("Building the plain `rasa init` assistant...", flush=True)
        project, seconds = plain.init_project(workdir)
        results["training"]["plain_rasa_init_s"] = round(seconds, 1)
        ours = this_assistant(workdir, Path(args.model))
        other = plain_assistant(project, workdir)
        try:
            for assistant in (ours, other):
                print(f"Starting {assistant.name}...", flush=True)
                assistant.start()
                results["cold_start_s"][assistant.name] = round(assistant.cold_start_s or 0, 1)
            rest = load_levels(ours, other, levels, args.rounds, args.messages)
            socket_rounds = []
            for users in levels:
                print(f"  socket.io {ours.name}: {users} users", flush=True)
                socket_rounds.append(socketio_round(ours.name, ours.base_url, users, args.messages))
            results["rest"] = [r.summary() for r in rest]
            results["socketio"] = [r.summary() for r in socket_rounds]
            results["peak_rss_mb"] = {ours.name: ours.peak_rss_mb(), other.name: other.peak_rss_mb()}
            latencies: Dict[str, Dict[int, List[float]]] = defaultdict(dict)
            for r in rest:
                latencies[r.assistant][r.users] = r.latencies_ms
        finally:
            ours.stop()
            other.stop()
        if not args.skip_profile:
            print("Profiling one user's conversations...", flush=True)
            (workdir / "profile").mkdir()
            results["profile"] = profile.run(workdir / "profile", Path(args.model))
        print("Knowledge lookup...", flush=True)
        results["knowledge_lookup"] = knowledge_lookup.lookup_latency(workdir)
        results["understanding"] = understanding_rows(args, workdir, project, results)
        path = report.write(results, dict(latencies), Path(args.out))
        print(f"Report: {path}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def understanding_rows(args: argparse.Namespace, workdir: Path, project: Path, results: Dict[str, Any]) -> List[Any]:
    """Held-out scores of this pipeline and, unless skipped, of Rasa's default pipeline on the same data."""
    model = Path(args.model)
    if not args.skip_training:
        print("Training this assistant from scratch...", flush=True)
        model, seconds = understanding.train_assistant(workdir / "trained", workdir / "cache-ours")
        results["training"]["this_assistant_s"] = round(seconds, 1)
    rows = [{"pipeline": "this assistant (config.yml)", **understanding.score(model),
             "training_s": results["training"].get("this_assistant_s")}]
    if not args.skip_pipelines:
        print("Training Rasa's default pipeline on this project's NLU data...", flush=True)
        default_model, seconds = understanding.train_nlu(
            project / "config.yml", workdir / "default-nlu", workdir / "cache-default"
        )
        rows.append({"pipeline": "Rasa default (rasa init config.yml)", **understanding.score(default_model),
                     "training_s": round(seconds, 1)})
    return rows


if __name__ == "__main__":
    raise SystemExit(main())

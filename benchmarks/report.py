"""reports/bench.md, reports/bench.json and reports/bench_latency.png from one run's results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from .load import percentiles

USER_LEVELS = (1, 16, 64)
LOAD_COLUMNS = ["messages", "p50_ms", "p95_ms", "p99_ms", "msg_per_s", "errors"]


def _rest(results: Dict[str, Any], assistant: str, users: int) -> Dict[str, Any]:
    for row in results["rest"]:
        if row["assistant"] == assistant and row["users"] == users:
            return row
    return {}


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return round(a / b, 2) if a is not None and b else None


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The speed issue's targets, each with the measured value and whether it is met."""
    ours, plain = "this assistant", "plain rasa init"
    one_ours, one_plain = _rest(results, ours, 1), _rest(results, plain, 1)
    many_ours, many_plain = _rest(results, ours, 16), _rest(results, plain, 16)
    most_ours = _rest(results, ours, 64)
    p50 = _ratio(one_ours.get("p50_ms"), one_plain.get("p50_ms"))
    throughput = _ratio(many_ours.get("msg_per_s"), many_plain.get("msg_per_s"))
    p99 = _ratio(many_ours.get("p99_ms"), many_plain.get("p99_ms"))
    training = results.get("training", {}).get("this_assistant_s")
    cold = results.get("cold_start_s", {}).get(ours)
    rows = [
        ("p50 at 1 user, vs plain", p50, "≤ 1.0×", p50 is not None and p50 <= 1.0),
        ("throughput at 16 users, vs plain", throughput, "≥ 1.2×", throughput is not None and throughput >= 1.2),
        ("p99 at 16 users, vs plain", p99, "≤ 1.0×", p99 is not None and p99 <= 1.0),
        ("errors at 64 users", most_ours.get("errors"), "0", most_ours.get("errors") == 0),
        ("training from scratch (s)", training, "≤ 300 s", training is not None and training <= 300),
        ("start to first answer (s)", cold, "≤ 30 s", cold is not None and cold <= 30),
    ]
    return [{"target": t, "measured": m, "goal": g, "met": bool(ok)} for t, m, g, ok in rows]


def _table(rows: List[Dict[str, Any]], columns: List[str]) -> List[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join("" if row.get(c) is None else str(row.get(c)) for c in columns) + " |")
    return lines


def markdown(results: Dict[str, Any]) -> str:
    """The human-readable report."""
    machine = results["machine"]
    lines = [
        "# Speed: this assistant against a plain `rasa init` assistant",
        "",
        f"Measured {results['date']} by `make bench` on {machine['cpus']} CPUs ({machine['cpu_model']}), "
        f"Python {machine['python']}, Rasa {machine['rasa']}, rasa-sdk {machine['rasa_sdk']}. "
        f"{results['rounds']} alternating rounds per load level, each user its own conversation with "
        f"{results['messages']} messages (the six texts of the speed issue in turn). This assistant runs as "
        "`make run` does (SQLite tracker store, action server); the plain one as `rasa run` (in-memory store).",
        "",
        "## Targets",
        "",
        *_table(targets(results), ["target", "measured", "goal", "met"]),
        "",
        "## REST webhook",
        "",
        *_table(results["rest"], ["assistant", "users", *LOAD_COLUMNS]),
        "",
        "## socket.io (this assistant; latency to the first bot message)",
        "",
        *_table(results["socketio"], ["users", *LOAD_COLUMNS]),
        "",
        "## Start, training, memory, knowledge lookup",
        "",
        f"- Start to first answer: {json.dumps(results['cold_start_s'])} (seconds)",
        f"- Training: {json.dumps(results['training'])} (seconds, Rasa's cache empty)",
        f"- Peak memory (RSS, MB): {json.dumps(results['peak_rss_mb'])}",
        f"- Knowledge lookup (KnowledgeBase.find): {json.dumps(results['knowledge_lookup'])}",
        "",
        "## Understanding (held-out files)",
        "",
        *_table(
            results.get("understanding", []),
            ["pipeline", "macro_f1_en", "macro_f1_nl", "accuracy_en", "accuracy_nl", "parse_ms_p50", "training_s"],
        ),
        "",
        "![latency distributions](bench_latency.png)",
        "",
    ]
    if results.get("profile"):
        lines += ["## Where a message spends its time", "", results["profile"], ""]
    return "\n".join(lines)


def chart(latencies: Dict[str, Dict[int, List[float]]], path: Path) -> None:
    """Box plots of REST latency per load level, both assistants side by side (log scale)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    names = list(latencies)
    data, labels, positions = [], [], []
    for level_index, users in enumerate(USER_LEVELS):
        for name_index, name in enumerate(names):
            values = latencies[name].get(users) or [0.0]
            data.append(values)
            positions.append(level_index * (len(names) + 1) + name_index)
            labels.append(f"{name}\n{users} user{'s' if users > 1 else ''}")
    boxes = ax.boxplot(data, positions=positions, widths=0.8, showfliers=False, patch_artist=True)
    for index, box in enumerate(boxes["boxes"]):
        box.set_facecolor(("#4c72b0", "#dd8452")[index % len(names)])
    ax.set_xticks(positions, labels, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("latency per message (ms, log scale)")
    ax.set_title("REST webhook latency: box = p25–p75, whiskers = 1.5 IQR")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: Dict[str, Any], latencies: Dict[str, Dict[int, List[float]]], folder: Path) -> Path:
    """Write the three files; returns the markdown report's path."""
    folder.mkdir(parents=True, exist_ok=True)
    results["targets"] = targets(results)
    results["latency_summary"] = {
        name: {str(users): percentiles(values) for users, values in levels.items()}
        for name, levels in latencies.items()
    }
    (folder / "bench.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    chart(latencies, folder / "bench_latency.png")
    path = folder / "bench.md"
    path.write_text(markdown(results), encoding="utf-8")
    return path

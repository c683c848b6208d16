"""Stands in for `python -m staff_review retrain <file>` in the desk tests (the real pipeline trains models).

Reads the review file the desk wrote, as the real pipeline does, and writes a report folder with report.md
(a table of the rows it read) and f1.png into $RETRAIN_REPORTS_DIR. Exits 3 when a row's note asks it to fail.
"""

from __future__ import annotations

import base64
import csv
import os
import sys
import time
from pathlib import Path

# A 1x1 PNG: the desk only has to serve it, not to draw it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def main(review_file: str) -> int:
    with open(review_file, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        rows = list(reader)
    print(f"read {len(rows)} decisions from {Path(review_file).name}; columns: {','.join(columns)}", flush=True)
    if any(row["note"] == "make the stand-in fail" for row in rows):
        print("refusing: asked to fail", flush=True)
        return 3
    time.sleep(0.3)  # long enough for the page to see the run as running
    folder = Path(os.environ["RETRAIN_REPORTS_DIR"]) / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**6:06d}"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Retrain report",
        "",
        f"Columns: {','.join(columns)}",
        "",
        "| text | language | correct_intent | knowledge_entry |",
        "|---|---|---|---|",
        *(
            f"| {row['text']} | {row['language']} | {row['correct_intent']} | {row['knowledge_entry']} |"
            for row in rows
        ),
        "",
        "![Per-intent F1](f1.png)",
        "",
        "Candidate activated.",
    ]
    (folder / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "f1.png").write_bytes(PNG)
    print(f"report: {folder / 'report.md'}", flush=True)  # the last line, as the real pipeline prints it
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

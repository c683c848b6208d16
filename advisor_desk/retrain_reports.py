"""The retrain reports on disk (`reports/retrain/<stamp>/report.md` + charts) for the staff page.

A report or chart is only ever found by looking its name up in a listing of the reports folder; a name from
a URL is never joined into a path on its own, so `..`, absolute paths and links lead nowhere.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from .markdown_blocks import parse

REPORT_FILE = "report.md"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
IMAGE_TYPES = {".png": "image/png"}


def _folders(reports_dir: Path) -> Dict[str, Path]:
    if not reports_dir.is_dir():
        return {}
    return {
        entry.name: entry
        for entry in reports_dir.iterdir()
        if _SAFE_NAME.match(entry.name)
        and entry.is_dir()
        and not entry.is_symlink()
        and (entry / REPORT_FILE).is_file()
    }


def list_reports(reports_dir: Path) -> List[Dict[str, Any]]:
    """Every report, newest first: name, when it was written, and whether it has the F1 chart."""
    reports = []
    for name, folder in _folders(reports_dir).items():
        written = datetime.fromtimestamp((folder / REPORT_FILE).stat().st_mtime, timezone.utc)
        reports.append(
            {"name": name, "written_at": written.isoformat(), "has_chart": (folder / "f1.png").is_file()}
        )
    return sorted(reports, key=lambda r: (r["written_at"], r["name"]), reverse=True)


def find_report(reports_dir: Path, name: str) -> Optional[Path]:
    """The folder of the report called `name`, if the listing has one; else None."""
    return _folders(reports_dir).get(name)


def find_image(reports_dir: Path, name: str, filename: str) -> Optional[Path]:
    """A chart of a listed report, if that report's folder lists a PNG called `filename`; else None."""
    folder = find_report(reports_dir, name)
    if folder is None:
        return None
    for entry in folder.iterdir():
        if entry.name == filename and entry.suffix in IMAGE_TYPES and entry.is_file() and not entry.is_symlink():
            return entry
    return None


def report_blocks(folder: Path) -> List[Dict[str, Any]]:
    """The report's blocks for the page; images point at the authenticated chart route or are dropped."""
    blocks = parse((folder / REPORT_FILE).read_text(encoding="utf-8", errors="replace"))
    shown = []
    for block in blocks:
        if block["kind"] == "image":
            filename = block["src"].rsplit("/", 1)[-1]
            if find_image(folder.parent, folder.name, filename) is None:
                continue
            shown.append({**block, "src": f"/staff/reports/{folder.name}/{filename}"})
        else:
            shown.append(block)
    return shown

"""A retrain report's Markdown as plain blocks (headings, tables, lists, code, images, paragraphs).

The page renders these blocks with Jinja's autoescaping, so nothing in a report, which quotes what
entrepreneurs typed, can ever become markup. Only the subset the retrain report uses is understood; anything
else shows as its text.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

Block = Dict[str, Any]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


def inline(text: str) -> str:
    """Inline Markdown as readable text: emphasis and code marks dropped, links as "text (url)"."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(1) != m.group(2) else m.group(1), text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return text.replace("`", "")


def _cells(line: str) -> List[str]:
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [inline(cell.strip().replace("\\|", "|")) for cell in re.split(r"(?<!\\)\|", row)]


def parse(markdown: str) -> List[Block]:
    """Blocks in order: {"kind": "heading"|"table"|"list"|"code"|"image"|"paragraph", ...}."""
    blocks: List[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.lstrip().startswith("```"):
            end = i + 1
            while end < len(lines) and not lines[end].lstrip().startswith("```"):
                end += 1
            blocks.append({"kind": "code", "text": "\n".join(lines[i + 1 : end])})
            i = end + 1
        elif match := _HEADING.match(line):
            blocks.append({"kind": "heading", "level": len(match.group(1)), "text": inline(match.group(2))})
            i += 1
        elif match := _IMAGE.match(line.strip()):
            blocks.append({"kind": "image", "alt": match.group(1), "src": match.group(2)})
            i += 1
        elif line.lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(lines[i])
                i += 1
            has_header = len(rows) > 1 and _TABLE_RULE.match(rows[1].strip()) is not None
            header = _cells(rows[0]) if has_header else []
            body = [_cells(row) for row in (rows[2:] if has_header else rows)]
            blocks.append({"kind": "table", "header": header, "rows": body})
        elif _LIST_ITEM.match(line):
            items = []
            while i < len(lines) and (match := _LIST_ITEM.match(lines[i])):
                items.append(inline(match.group(1)))
                i += 1
            blocks.append({"kind": "list", "items": items})
        else:
            text = []
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                text.append(lines[i].strip())
                i += 1
            blocks.append({"kind": "paragraph", "text": inline(" ".join(text))})
    return blocks


def _starts_block(line: str) -> bool:
    stripped = line.lstrip()
    return bool(
        stripped.startswith(("```", "|"))
        or _HEADING.match(line)
        or _IMAGE.match(line.strip())
        or _LIST_ITEM.match(line)
    )

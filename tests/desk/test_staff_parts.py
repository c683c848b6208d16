"""Pure parts of the staff pages: chart columns from the overview, Markdown blocks of a report."""

from __future__ import annotations

from advisor_desk.markdown_blocks import parse
from advisor_desk.overview_charts import chart_data


def test_per_day_records_become_chart_columns() -> None:
    figures = {
        "totals": {"conversations": 3, "messages": 5},
        "per_day": [
            {"date": "2026-11-01", "conversations": 2, "rates": {"fallback": 0.5, "hedged": 0.0, "handoff": 0.25,
                                                                 "negative_feedback": 0.0}},
            {"date": "2026-11-02", "conversations": 0, "rates": {"fallback": 0.0, "hedged": 0.0, "handoff": 0.0,
                                                                 "negative_feedback": 0.0}},
        ],
        "per_topic": {"permits": 2},
        "per_language": {"nl": 2, "en": 1},
    }
    data = chart_data(figures)
    assert data["days"] == ["2026-11-01", "2026-11-02"]
    assert data["conversations_per_day"] == [2, 0]
    assert data["rates"]["fallback"] == [0.5, 0.0] and data["rates"]["handoff"] == [0.25, 0.0]
    assert data["per_language"] == {"nl": 2, "en": 1} and data["totals"]["conversations"] == 3
    columns = {"days": [], "conversations_per_day": [], "per_topic": {}, "per_language": {}, "rates": {}}
    assert chart_data(columns) is columns


def test_report_markdown_becomes_plain_blocks() -> None:
    blocks = parse(
        "# Retrain **report**\n\nmacro-F1 `0.91` → `0.93`, see [the docs](https://rasa.com)\n\n"
        "| intent | old | new |\n|---|---:|---:|\n| ask_permits | 0.80 | 0.90 |\n| a \\| b | 1 | 2 |\n\n"
        "![F1](f1.png)\n\n- one\n- two\n\n```\nlog line <b>\n```\n"
    )
    assert [b["kind"] for b in blocks] == ["heading", "paragraph", "table", "image", "list", "code"]
    assert blocks[0]["text"] == "Retrain report"
    assert blocks[1]["text"] == "macro-F1 0.91 → 0.93, see the docs (https://rasa.com)"
    assert blocks[2]["header"] == ["intent", "old", "new"]
    assert blocks[2]["rows"] == [["ask_permits", "0.80", "0.90"], ["a | b", "1", "2"]]
    assert blocks[3] == {"kind": "image", "alt": "F1", "src": "f1.png"}
    assert blocks[4]["items"] == ["one", "two"] and blocks[5]["text"] == "log line <b>"

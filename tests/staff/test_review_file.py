"""The review file: exported as CSV and YAML with the same rows, read back with every bad row named."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
import yaml

from staff_review.conversations import Turn
from staff_review.inbox import InboxFilter, build_inbox
from staff_review.review_file import COLUMNS, ReviewFileError, knowledge_ids, read_decisions, write_review_files

T0 = datetime(2026, 11, 20, 10, 0).timestamp()


def turn(text, intent="nlu_fallback", confidence=0.3, language="en", sender="s"):
    return Turn(sender, T0, text, intent, confidence, [], language, frozenset({"fallback"}), [])


@pytest.fixture
def exported(tmp_path):
    items, _ = build_inbox(
        [
            turn("can I sell kebab at the Gentse Feesten, mail me at an@firma.be"),
            turn("mag ik frietjes verkopen op de markt", language="nl", sender="t"),
            turn("what is a vat number", intent="ask_startup", confidence=0.55, sender="u"),
        ],
        InboxFilter(),
    )
    return write_review_files(items, tmp_path / "review-2026-11-28")


def csv_rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_csv_rows(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_csv_and_yaml_hold_the_same_redacted_rows_with_an_empty_decision(exported):
    csv_path, yaml_path = exported
    assert (csv_path.suffix, yaml_path.suffix) == (".csv", ".yml")
    from_csv = csv_rows(csv_path)
    from_yaml = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    assert list(from_csv[0]) == list(COLUMNS)
    assert [r["text"] for r in from_csv] == [r["text"] for r in from_yaml]
    assert [r["key"] for r in from_csv] == [r["key"] for r in from_yaml]
    assert all(r["correct_intent"] == "" for r in from_csv + from_yaml)
    texts = " ".join(r["text"] for r in from_csv)
    assert "[EMAIL]" in texts and "an@firma.be" not in texts
    assert "an@firma.be" not in yaml_path.read_text(encoding="utf-8")


def test_filled_csv_gives_decisions(exported):
    csv_path, _ = exported
    rows = csv_rows(csv_path)
    entry = sorted(knowledge_ids())[0]
    rows[0]["correct_intent"] = "ask_permits"
    rows[1]["correct_intent"] = "knowledge"
    rows[1]["knowledge_entry"] = entry
    rows[2]["correct_intent"] = ""  # not reviewed yet
    write_csv_rows(csv_path, rows)
    decisions = read_decisions(csv_path)
    assert [(d.text, d.correct_intent, d.knowledge_entry) for d in decisions] == [
        (rows[0]["text"], "ask_permits", None),
        (rows[1]["text"], "knowledge", entry),
    ]
    assert decisions[0].predicted_intent == rows[0]["predicted_intent"]
    assert decisions[0].language == rows[0]["language"]


def test_filled_yaml_gives_the_same_decisions(exported):
    _, yaml_path = exported
    rows = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    rows[0]["correct_intent"] = "ignore"
    rows[2]["correct_intent"] = "ask_startup"
    yaml_path.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    assert [d.correct_intent for d in read_decisions(yaml_path)] == ["ignore", "ask_startup"]


def test_every_bad_row_is_named(exported):
    csv_path, _ = exported
    rows = csv_rows(csv_path)
    rows[0]["correct_intent"] = "ask_kebab"
    rows[1]["correct_intent"] = "knowledge"
    rows[2]["correct_intent"] = "knowledge"
    rows[2]["knowledge_entry"] = "no-such-entry"
    write_csv_rows(csv_path, rows)
    with pytest.raises(ReviewFileError) as raised:
        read_decisions(csv_path)
    message = str(raised.value)
    assert "3 problem(s)" in message
    assert f"row 2 (key {rows[0]['key']}): 'ask_kebab' is not an intent of domain.yml" in message
    assert "row 3" in message and "knowledge_entry is empty" in message
    assert "row 4" in message and "'no-such-entry' does not exist" in message


def test_a_reviewer_may_not_put_personal_data_back(exported):
    _, yaml_path = exported
    rows = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    rows[0]["text"] = "mail me at jan@example.com"
    rows[0]["correct_intent"] = "ask_human"
    yaml_path.write_text(yaml.safe_dump(rows), encoding="utf-8")
    with pytest.raises(ReviewFileError, match="row 1 .*personal data"):
        read_decisions(yaml_path)


def test_control_characters_typed_by_a_user_do_not_break_the_export(tmp_path):
    items, _ = build_inbox([turn("zero\u0000width\u001b question about a permit")], InboxFilter())
    csv_file, yaml_file = write_review_files(items, tmp_path / "review")
    assert [r["text"] for r in csv_rows(csv_file)] == ["zero width question about a permit"]
    assert [r["text"] for r in yaml.safe_load(yaml_file.read_text())] == ["zero width question about a permit"]

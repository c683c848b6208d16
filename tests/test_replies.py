"""Every fixed sentence the bot sends is a domain response with an English and a Dutch variant.

Actions name responses (`dispatcher.utter_message(response=...)`) and never send text of their own; the
desk's hand-back message is the response `utter_handback`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml

from advisor_desk.handback import handback_message

ROOT = Path(__file__).resolve().parent.parent
RESPONSES: Dict[str, List[dict]] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
SOURCES = sorted((ROOT / "actions").rglob("*.py")) + sorted((ROOT / "assistant_components").rglob("*.py"))


def utter_calls(path: Path) -> List[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "utter_message"
    ]


def named_responses() -> Set[str]:
    """Every response name written in the code (utter_... string literals)."""
    names: Set[str] = set()
    for path in SOURCES:
        names |= set(re.findall(r"[\"'](utter_[a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_actions_send_responses_not_text(path: Path) -> None:
    for call in utter_calls(path):
        keywords = {k.arg for k in call.keywords}
        assert "response" in keywords and not keywords & {"text", "image", "json_message"}, (
            f"{path.name}:{call.lineno} sends a message that is not a domain response"
        )
        assert not call.args, f"{path.name}:{call.lineno} passes text positionally"


def test_every_response_named_in_code_exists_in_both_languages() -> None:
    prefixes = {"utter_followup_"}  # built as f"utter_followup_{guide}"
    metadata_keys = {"utter_action"}  # Rasa's key in a bot event's metadata: the response it came from
    for name in sorted(named_responses() - prefixes - metadata_keys) + ["utter_handback"]:
        assert name in RESPONSES, f"{name} is used but not in domain.yml"
        variants = RESPONSES[name]
        dutch = [
            v for v in variants if {"type": "slot", "name": "language", "value": "nl"} in (v.get("condition") or [])
        ]
        default = [v for v in variants if not v.get("condition")]
        assert dutch and default, f"{name} needs a Dutch variant and an (English) default"


def test_the_handback_is_the_domain_response() -> None:
    english = next(v["text"] for v in RESPONSES["utter_handback"] if not v.get("condition"))
    dutch = next(v["text"] for v in RESPONSES["utter_handback"] if v.get("condition"))
    assert handback_message("en") == english
    assert handback_message("nl") == dutch
    assert handback_message("fr") == english

"""Every response, button and knowledge entry exists in English and in Dutch."""
from __future__ import annotations

import yaml

from actions.guidance.options import option_parser
from actions.knowledge.loader import read_raw
from actions.paths import KNOWLEDGE_DIR, ROOT

NL_CONDITION = [{"type": "slot", "name": "language", "value": "nl"}]


def test_every_response_has_a_default_english_and_a_dutch_variant():
    responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    missing = []
    for name, variants in responses.items():
        dutch = [v for v in variants if v.get("condition") == NL_CONDITION]
        default = [v for v in variants if not v.get("condition")]
        if len(dutch) != 1 or len(default) != 1:
            missing.append(name)
            continue
        if len(dutch[0].get("buttons") or []) != len(default[0].get("buttons") or []):
            missing.append(f"{name} (buttons differ)")
    assert not missing, f"responses without exactly one English and one Dutch variant: {missing}"


def test_dutch_variants_are_not_english_copies():
    responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    copies = []
    for name, variants in responses.items():
        texts = [v.get("text") for v in variants]
        if len(set(texts)) < len(texts):
            copies.append(name)
    assert not copies


def test_every_knowledge_entry_has_both_languages():
    missing = []
    for _, entry in read_raw(KNOWLEDGE_DIR):
        for part in ("title", "answer"):
            for lang in ("en", "nl"):
                if not str((entry.get(part) or {}).get(lang) or "").strip():
                    missing.append(f"{entry['id']}.{part}.{lang}")
    assert not missing, missing


def test_every_answer_option_has_labels_in_both_languages():
    parser = option_parser()
    missing = [
        f"{slot}.{option}"
        for slot in parser.slots
        for option in parser.options(slot)
        if not all(parser.slots[slot][option]["label"].get(lang) for lang in ("en", "nl"))
    ]
    assert not missing

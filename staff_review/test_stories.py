"""A real conversation from the tracker store as a Rasa test story, so that `rasa test` guards it from then on.

The story is written as `tests/test_stories.yml` writes them: the intent of each user message with its
(redacted) text and the entities the assistant found marked inline, the actions the assistant ran, the slots
custom actions set (custom actions are not executed by `rasa test`, so their effect is written out), and the
forms it opened and closed. Left out: session bookkeeping (`action_session_start`, `action_listen`), slots
whose value did not change, and personal data: the contact slots and the texts of the answers to the handoff
questions (only their intent is kept). The story ends where an advisor took the conversation over, since the
assistant no longer predicts anything from then on.

Save conversations that went right (or went right after retraining): the story asserts what the assistant
did. Button clicks are written as the intent (and entities) they carry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

import yaml
from sqlalchemy.engine import Engine

from actions.paths import ROOT

from .conversations import load_events, personal_answer
from .redact import redact

TEST_STORIES = ROOT / "tests" / "test_stories.yml"
SKIPPED_ACTIONS = frozenset({"action_listen", "action_session_start", "action_extract_slots"})
# slots that hold what the user typed into the handoff questions; never copied into a story
PERSONAL_SLOTS = frozenset(
    {"contact_name", "contact", "case_summary", "case_id", "handoff_consent", "contact_language"}
)


class _StoryDumper(yaml.SafeDumper):
    """Indents list items under their key (`steps:` then `  - intent: ...`), as tests/test_stories.yml does."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Never write a list indentless."""
        super().increase_indent(flow, False)


class StoryError(ValueError):
    """The conversation cannot become a test story (unknown, empty, or the name is taken)."""


def _annotated(text: str, entities: List[Dict[str, Any]]) -> str:
    """The text redacted, with entities marked inline as `[text](entity)` (or with a value when it differs)."""
    spans = sorted(
        (e for e in entities if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)),
        key=lambda e: e["start"],
    )
    parts: List[str] = []
    position = 0
    for entity in spans:
        start, end = entity["start"], entity["end"]
        if start < position:
            continue  # overlapping spans: keep the first
        parts.append(redact(text[position:start]).text)
        surface = text[start:end]
        value = entity.get("value")
        if value is None or str(value) == surface:
            parts.append(f"[{surface}]({entity['entity']})")
        else:
            parts.append(f"[{surface}]{json.dumps({'entity': entity['entity'], 'value': value}, ensure_ascii=False)}")
        position = end
    parts.append(redact(text[position:]).text)
    return "".join(parts)


def _payload_entities(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [{str(e["entity"]): e.get("value")} for e in entities if e.get("entity")]


def story_steps(events: List[Dict[str, Any]]) -> Tuple[List[Dict[str, Any]], List[str]]:
    """The story steps of a conversation's events, and warnings for staff (what `rasa test` may not replay)."""
    steps: List[Dict[str, Any]] = []
    warnings: List[str] = []
    slots: Dict[str, Any] = {}
    form: Optional[str] = None
    requested: Optional[str] = None
    for event in events:
        kind = event.get("event")
        if kind == "pause":
            warnings.append("the story ends where an advisor took the conversation over")
            break
        if kind == "user":
            parse_data = event.get("parse_data") or {}
            intent = (parse_data.get("intent") or {}).get("name") or ""
            text = event.get("text") or ""
            entities = parse_data.get("entities") or []
            if text.startswith("/") or personal_answer(form, requested) or not text:
                step: Dict[str, Any] = {"intent": intent}
                if entities and text.startswith("/"):
                    step["entities"] = _payload_entities(entities)
            else:
                redaction = redact(text)
                if redaction.withheld:
                    raise StoryError("a message of this conversation still looks personal after redaction")
                step = {"user": _annotated(text, entities), "intent": intent}
            steps.append(step)
        elif kind == "action" and event.get("name") not in SKIPPED_ACTIONS:
            steps.append({"action": event["name"]})
        elif kind == "slot":
            name, value = str(event.get("name")), event.get("value")
            if name == "requested_slot":
                requested = value
            if isinstance(value, str):  # slots filled from the text the user typed
                redaction = redact(value)
                value = None if redaction.withheld else redaction.text
            if name in PERSONAL_SLOTS or slots.get(name) == value:
                continue
            slots[name] = value
            steps.append({"slot_was_set": [{name: value}]})
        elif kind == "active_loop":
            form = event.get("name")
            steps.append({"active_loop": form})
        elif kind == "followup":
            warnings.append(f"a custom action chose the next action ({event.get('name')}): check `rasa test` on it")
    return steps, warnings


def conversation_to_test_story(engine: Engine, sender_id: str, name: str) -> str:
    """One conversation as a YAML test story (a `- story:` list item, indented for `stories:`), redacted.

    Args:
        engine: The tracker store.
        sender_id: The conversation.
        name: The story's name (say what it guards).

    Returns:
        The YAML text of the story item.

    Raises:
        StoryError: The conversation has no user message.
    """
    steps, _ = story_steps(load_events(engine, sender_id))
    if not any("intent" in step for step in steps):
        raise StoryError(f"conversation {sender_id!r} has no user message in the tracker store")
    body = yaml.dump(
        [{"story": name, "steps": steps}], Dumper=_StoryDumper, allow_unicode=True, sort_keys=False, width=1000
    )
    return _indent_block(body)


def _indent_block(body: str) -> str:
    """Indent a top-level YAML list by two spaces, as the items under `stories:` are."""
    return "\n".join(("  " + line) if line else line for line in body.splitlines()) + "\n"


def story_names(path: Path = TEST_STORIES) -> Set[str]:
    """The names of the stories already in a test-story file."""
    if not path.exists():
        return set()
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(story.get("story")) for story in document.get("stories") or []}


_STORIES_KEY = re.compile(r"^stories:\s*$", re.MULTILINE)


def append_test_story(story: str, name: str, path: Path = TEST_STORIES) -> Path:
    """Append a story (from `conversation_to_test_story`) to the test-story file, refusing a name in use."""
    if name in story_names(path):
        raise StoryError(f"{path} already has a story named {name!r}")
    text = path.read_text(encoding="utf-8") if path.exists() else 'version: "3.1"\n\nstories:\n'
    if not _STORIES_KEY.search(text):
        text = text.rstrip("\n") + "\n\nstories:\n"
    path.write_text(text.rstrip("\n") + "\n\n" + story, encoding="utf-8")
    return path

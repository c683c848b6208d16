"""`python -m staff_review story <sender_id> --name "..."`: save a reviewed conversation as a test story."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .conversations import load_events
from .test_stories import TEST_STORIES, StoryError, append_test_story, conversation_to_test_story, story_steps
from .tracker_db import tracker_engine_from_env


def add_parser(subparsers: Any) -> None:
    """Register the `story` subcommand."""
    parser = subparsers.add_parser(
        "story",
        help="append a conversation (redacted) to tests/test_stories.yml so that rasa test guards it",
        description="Turn one conversation of the tracker store into a Rasa test story (user texts redacted) "
        "and append it to the test-story file. Run `rasa test core --stories tests/test_stories.yml` afterwards.",
    )
    parser.add_argument("sender_id", help="the conversation id (as shown in the review file's examples or the desk)")
    parser.add_argument("--name", required=True, help="the story's name: what it guards")
    parser.add_argument(
        "--file", type=Path, default=TEST_STORIES, help="test-story file (default tests/test_stories.yml)"
    )
    parser.add_argument("--print", action="store_true", dest="print_only", help="print the story, do not append it")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write (or print) the story; returns the exit code."""
    engine = tracker_engine_from_env()
    try:
        story = conversation_to_test_story(engine, args.sender_id, args.name)
        if not args.print_only:
            append_test_story(story, args.name, args.file)
    except StoryError as error:
        print(f"error: {error}")
        return 1
    print(story)
    for warning in story_steps(load_events(engine, args.sender_id))[1]:
        print(f"note: {warning}")
    if not args.print_only:
        print(f"appended to {args.file}")
    return 0

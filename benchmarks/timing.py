"""Where a message spends its time: timing hooks installed into a running Rasa server or action server.

Each handled message (Rasa) or action call (action server) becomes one JSON line in the file named by
BENCH_TIMINGS, with the wall-clock milliseconds of its parts. The hooks wrap Rasa's own functions (graph
nodes = each pipeline component and policy, the tracker store, remote actions) and the action server's
(the executor, language detection, knowledge retrieval); a context variable ties each part to its message.
"""

from __future__ import annotations

import contextvars
import functools
import json
import os
import time
from collections import defaultdict
from typing import Any, Callable, Dict, Optional

_current: contextvars.ContextVar[Optional[Dict[str, Any]]] = contextvars.ContextVar("bench_record", default=None)


def _add(part: str, ms: float) -> None:
    record = _current.get()
    if record is not None:
        record["parts"][part] += ms


def _write(record: Dict[str, Any]) -> None:
    path = os.environ.get("BENCH_TIMINGS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


def timed_async(part: Callable[..., str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a coroutine function; `part(*args)` names what the time counts as."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                _add(part(*args), (time.perf_counter() - started) * 1000)

        return timed

    return wrap


def timed_sync(part: Callable[..., str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a plain function; `part(*args)` names what the time counts as."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                _add(part(*args), (time.perf_counter() - started) * 1000)

        return timed

    return wrap


def message_scope(kind: str, label: Callable[..., str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap the coroutine that handles one message or action call: it opens a record and writes it."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        async def scoped(*args: Any, **kwargs: Any) -> Any:
            record: Dict[str, Any] = {"kind": kind, "label": label(*args), "parts": defaultdict(float)}
            token = _current.set(record)
            started = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                record["total_ms"] = (time.perf_counter() - started) * 1000
                _current.reset(token)
                _write(record)

        return scoped

    return wrap


def install_rasa_hooks() -> None:
    """Time graph nodes, tracker store calls and remote actions per handled message in a Rasa server."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode

    from assistant_components.tracker_store import ConversationStore

    GraphNode.__call__ = timed_sync(lambda node, *_: f"node {node._node_name}")(GraphNode.__call__)
    ConversationStore.retrieve = timed_async(lambda *_: "tracker store: read")(ConversationStore.retrieve)  # type: ignore[method-assign]
    ConversationStore.save = timed_async(lambda *_: "tracker store: write")(ConversationStore.save)  # type: ignore[method-assign]
    RemoteAction.run = timed_async(lambda action, *_: f"action server call {action.name()}")(RemoteAction.run)
    MessageProcessor.handle_message = message_scope("rasa", lambda _processor, message: str(message.text))(
        MessageProcessor.handle_message
    )


def install_action_server_hooks() -> None:
    """Time each action call and its language detection and retrieval in the action server."""
    from rasa_sdk.executor import ActionExecutor

    import actions.answering as answering
    import actions.dialogue as dialogue
    from actions.knowledge.base import KnowledgeBase

    for module in (dialogue, answering):
        if hasattr(module, "detect"):
            module.detect = timed_sync(lambda *_: "language detection")(module.detect)  # type: ignore[attr-defined]
    KnowledgeBase.find = timed_sync(lambda *_: "knowledge retrieval")(KnowledgeBase.find)  # type: ignore[method-assign]
    KnowledgeBase.find_followup = timed_sync(lambda *_: "knowledge retrieval")(  # type: ignore[method-assign]
        KnowledgeBase.find_followup
    )
    ActionExecutor.run = message_scope("actions", lambda _executor, call: str(call.get("next_action")))(
        ActionExecutor.run
    )

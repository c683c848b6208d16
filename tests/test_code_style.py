"""One typing dialect, rasa-sdk's: `List[Text]`, `Optional[str]`; never `list[str]` or `str | None`."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, List

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "actions", "cases", "advisor_desk", "assistant_components", "rasa_sdk_plugins", "scripts", "staff_review", "tests"
)
BUILTIN_GENERICS = {"list", "dict", "tuple", "set", "frozenset", "type"}
SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def annotations(tree: ast.AST) -> Iterator[ast.expr]:
    """Every annotation, plus the right-hand side of module-level type aliases."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is not None and arg.annotation is not None:
                    yield arg.annotation
            if node.returns is not None:
                yield node.returns
        elif isinstance(node, ast.AnnAssign):
            yield node.annotation


def modern_syntax(annotation: ast.expr) -> List[str]:
    found = []
    for node in ast.walk(annotation):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in BUILTIN_GENERICS:
            found.append(f"{node.value.id}[...]")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            found.append("X | Y")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += modern_syntax(ast.parse(node.value, mode="eval").body)  # quoted annotations
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_typing_dialect(path: Path) -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{annotation.lineno}: {what}"
        for annotation in annotations(ast.parse(path.read_text(encoding="utf-8")))
        for what in modern_syntax(annotation)
    ]
    assert not problems, "use typing.List/Dict/Tuple/Optional/Union:\n" + "\n".join(problems)

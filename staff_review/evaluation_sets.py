"""Which texts must never become training data, and the folded comparison that finds them.

The held-out NLU files (`tests/*holdout*`), the frozen blind sets (`tests/blind/`: cases and NLU), the shared
development set (`../shared/eval/`) and the own retrieval questions (`tests/retrieval*`) measure the assistant; a
text from them in `data/` or in the reviewed knowledge questions would make those figures lie. Texts are compared folded
(case, accents, punctuation and spacing ignored), so near-duplicates meet. The merge refuses such texts and
`tests/test_rasa_cli.py` checks the training data with the same functions. Nothing here shows the texts: it
only answers whether a text is one of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, List, Set

import yaml

from actions.paths import ROOT
from actions.text import fold

# libyaml's safe loader when PyYAML was built with it: several times faster on the long NLU and case files
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """A YAML file, read safely (no tags that build objects)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)


def nlu_examples(path: Path) -> Set[str]:
    """The examples of one Rasa NLU YAML file, folded."""
    found: Set[str] = set()
    for block in (load_yaml(path) or {}).get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                found.add(fold(line.strip()[2:]))
    return found


def training_examples(data_dir: Path = ROOT / "data") -> Set[str]:
    """Every NLU example under `data_dir/nlu`, folded."""
    found: Set[str] = set()
    for path in sorted((Path(data_dir) / "nlu").rglob("*.yml")):
        found |= nlu_examples(path)
    return found


def holdout_files(root: Path = ROOT) -> List[Path]:
    """The held-out NLU files (every tests/*holdout*.yml) and the frozen blind NLU files (tests/blind/nlu_blind_*)."""
    tests = Path(root) / "tests"
    return sorted([*tests.glob("*holdout*.yml"), *tests.glob("blind/nlu_blind_*.yml")])


def case_files(root: Path = ROOT) -> List[Path]:
    """End-to-end evaluation sets whose cases carry a `text`: the blind set and the development sets."""
    root = Path(root)
    return [
        root / "tests" / "blind" / "blind_cases.yaml",
        *sorted((root / "tests" / "development").glob("own_dev_cases*.yaml")),
        root.parent / "shared" / "eval" / "dev_cases.yaml",
    ]


def retrieval_question_files(root: Path = ROOT) -> List[Path]:
    """The own retrieval questions (`q` of each case) that calibrate and test the knowledge retrieval."""
    root = Path(root)
    return sorted([*root.glob("tests/retrieval_cases.yml"), *root.glob("tests/retrieval/*.yml")])


def case_texts(path: Path, field: str = "text") -> Set[str]:
    """The folded `field` of every case in an evaluation file (empty when the file is not on this machine)."""
    if not path.exists():
        return set()
    cases = (load_yaml(path) or {}).get("cases") or []
    return {fold(str(c[field])) for c in cases if isinstance(c, dict) and c.get(field)}


def evaluation_texts(root: Path = ROOT) -> Set[str]:
    """Every folded text of every evaluation set: what the merge must refuse."""
    found: Set[str] = set()
    for path in holdout_files(root):
        found |= nlu_examples(path)
    for path in case_files(root):
        found |= case_texts(path)
    for path in retrieval_question_files(root):
        found |= case_texts(path, "q")
    found.discard("")  # a case of only emoji or punctuation folds to nothing; nothing to protect
    return found


def overlap(texts: Iterable[str], protected: Set[str]) -> Set[str]:
    """The folded texts among `texts` that are protected (for assertions: folded, never the original)."""
    return {fold(t) for t in texts} & protected

"""Builds the spaCy pipeline Rasa loads (config.yml: SpacyNLP model: spacy_pipeline).

No pretrained model can be downloaded here, so the pipeline is spacy.blank("xx") plus an EntityRuler whose
patterns are generated from the knowledge synonyms: edit a synonym in knowledge/, rebuild, and the
assistant recognises the new name.

    python -m actions.knowledge.build_spacy --out spacy_pipeline
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import cast

import spacy
from spacy.pipeline import EntityRuler

from ..paths import KNOWLEDGE_DIR
from .gazetteer import all_patterns
from .loader import load_entries


def build(knowledge_dir: Path, out: Path) -> int:
    """Write the pipeline to `out` (replacing it); returns the number of patterns."""
    nlp = spacy.blank("xx")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler = cast(EntityRuler, ruler)
    patterns = all_patterns(load_entries(knowledge_dir), knowledge_dir / "guidance" / "options.yml")
    ruler.add_patterns([{"label": p["label"], "pattern": p["pattern"], "id": p["id"]} for p in patterns])
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    return len(patterns)


def main() -> None:
    """Command line: build the pipeline from the knowledge files (`make spacy`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=KNOWLEDGE_DIR)
    parser.add_argument("--out", type=Path, default=Path("spacy_pipeline"))
    args = parser.parse_args()
    count = build(args.knowledge, args.out)
    print(f"spaCy pipeline with {count} patterns written to {args.out}")


if __name__ == "__main__":
    main()

"""The spaCy pipeline is generated from knowledge/: editing a synonym changes what is recognised."""

from __future__ import annotations

import shutil

import spacy
import yaml

from actions.knowledge.build_spacy import build
from actions.knowledge.gazetteer import Resolver, all_patterns, plurals
from actions.knowledge.loader import load_entries
from actions.paths import KNOWLEDGE_DIR, ROOT


def test_built_pipeline_recognises_every_name_of_a_measure(tmp_path):
    build(KNOWLEDGE_DIR, tmp_path / "pipeline")
    nlp = spacy.load(tmp_path / "pipeline")
    for text in ("is de KMO portefeuille iets voor mij", "what is the sme-wallet", "sme wallet please"):
        ents = [(e.label_, e.ent_id_) for e in nlp(text).ents]
        assert ("measure", "kmo_portefeuille") in ents, text


def test_a_one_word_name_is_recognised_in_the_plural_too(tmp_path):
    build(KNOWLEDGE_DIR, tmp_path / "pipeline")
    nlp = spacy.load(tmp_path / "pipeline")
    # "octrooi" and "patent" are names of the patent entry; people ask about "octrooien" and "patents"
    for text in ("ik wil iets weten over octrooien voor mijn uitvinding", "how do patents work for a small firm"):
        assert "patent_protection" in [e.ent_id_ for e in nlp(text).ents], text
    assert "octrooien" in plurals("octrooi") and "patents" in plurals("patent")
    assert plurals("bv") == [] and plurals("sme wallet") == []


def test_a_plural_never_takes_a_name_of_another_entry():
    entries = load_entries(KNOWLEDGE_DIR)
    names_of = {entry.id: set(entry.names()) for entry in entries}
    resolver = Resolver(all_patterns(entries, KNOWLEDGE_DIR / "guidance" / "options.yml"))
    # every name still resolves to an entry that has it (a generated plural never shadows a real name)
    assert all(name in names_of[resolver.resolve(name)] for names in names_of.values() for name in names)


def test_editing_a_synonym_and_rebuilding_changes_recognition(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    path = knowledge / "financing.yml"
    data = yaml.safe_load(path.read_text())
    entry = next(e for e in data["entries"] if e["id"] == "kmo_portefeuille")
    entry["synonyms"]["en"].append("training wallet thing")
    path.write_text(yaml.safe_dump(data, allow_unicode=True))

    before = spacy.load(build(KNOWLEDGE_DIR, tmp_path / "before") and tmp_path / "before")
    after = spacy.load(build(knowledge, tmp_path / "after") and tmp_path / "after")
    text = "tell me about the training wallet thing"
    assert not [e for e in before(text).ents if e.ent_id_ == "kmo_portefeuille"]
    assert [e.ent_id_ for e in after(text).ents] == ["kmo_portefeuille"]


def test_rasa_config_points_at_the_generated_pipeline():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    spacy_nlp = next(c for c in config["pipeline"] if c["name"] == "SpacyNLP")
    assert spacy_nlp["model"] == "spacy_pipeline"
    assert any(c["name"] == "SpacyEntityExtractor" for c in config["pipeline"])

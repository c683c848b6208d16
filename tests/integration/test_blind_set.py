"""The frozen blind set (tests/blind/blind_cases.yaml) through the real servers: the understanding figures.

The set was written by someone who had not seen data/, knowledge/ or the evaluation sets, and committed before
any tuning; it is never trained on or reworded. This test prints every figure of the understanding issue and
fails when one falls below the floor measured when the work was done (see README "Measured"), so a change that
makes unseen questions worse does not land. The same report: `make eval-blind`.
"""

from __future__ import annotations

import json

import pytest
import yaml

from scripts.evaluate import run_case, summarise
from tests.servers import ROOT

pytestmark = pytest.mark.servers

BLIND = ROOT / "tests" / "blind" / "blind_cases.yaml"
# Measured 2026-11-29 (README "Measured"): answer 0.886, confident-but-wrong 0.019, handoff 1.0, out of scope
# rejected 0.933, in-domain kept 0.994, others escalated 0.03 in the morning; in the evening answer 0.911,
# confident-but-wrong 0.013, handoff 1.0, out of scope rejected 0.956, in-domain kept 0.975, others escalated 0.02.
# 2026-11-30, eighth session, the first reproducibly trained model: answer 0.911, confident-but-wrong 0.013, handoff
# 1.0, out of scope rejected 0.956, in-domain kept 0.987 by the reply (0.924 by the intent alone: ten questions
# classed nlu_fallback, six of them answered right by the fallback action), others escalated 0.005.
# 2026-11-30, ninth session (two training lines relabelled, which trains a new draw of DIET): answer 0.899,
# confident-but-wrong 0.019, handoff 1.0, out of scope rejected 0.956, in-domain kept 0.994, others escalated 0.015.
# 2026-11-30, tenth session (no training data changed; unsure messages and guidance requests look in the topic they
# point to): answer 0.911, confident-but-wrong 0.019, handoff 1.0, out of scope rejected 0.956, in-domain kept
# 0.994, others escalated 0.015.
# The floors and ceilings are the understanding issue's targets. Training is reproducible (README "Reproducible
# training"), so a fresh clone scores what was measured; a change has to keep the targets on the blind set.
FLOORS = {
    "answer_correct": 0.90,
    "handoff_reached": 0.95,
    "out_of_scope_rejected": 0.90,
    "in_domain_kept": 0.95,
}
CEILINGS = {
    "answer_confident_wrong": 0.02,
    "others_escalated": 0.03,
}


def test_blind_set(stack):
    cases = yaml.safe_load(BLIND.read_text(encoding="utf-8"))["cases"]
    summary = summarise([run_case(stack, case) for case in cases])
    print(json.dumps({k: v for k, v in summary.items() if k != "groups"}, indent=1))
    rejected, kept = summary["out_of_scope_rejected"], summary["in_domain_kept"]
    print(
        f"out of scope rejected {rejected:.3f}; in-domain kept {kept:.3f} "
        f"(by the intent alone {summary['in_domain_intent_kept']:.3f})"
    )
    low = {k: summary[k] for k, floor in FLOORS.items() if summary[k] < floor}
    high = {k: summary[k] for k, ceiling in CEILINGS.items() if summary[k] > ceiling}
    assert not low and not high, f"below floor {low}, above ceiling {high}"

"""Redaction before staff see anything.

Precision and recall over the tricky case set, plus the cases a reviewer would notice first (an amount that
vanished, a phone number that stayed).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml
from stdnum import iban
from stdnum.be import ssn, vat

from staff_review.redact import Redaction, placeholder, redact

CASES_FILE = Path(__file__).with_name("redaction_cases.yml")
CASES: List[dict] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]
KINDS = ("email", "phone", "enterprise_number", "iban", "national_number", "address", "number")


def scores() -> Tuple[float, float, Dict[str, Tuple[int, int, int]]]:
    """Micro precision and recall over replaced values (one per entity, by kind), and per-kind tp/fp/fn."""
    per_kind: Dict[str, List[int]] = {kind: [0, 0, 0] for kind in KINDS}
    for case in CASES:
        expected, found = Counter(case["kinds"]), Counter(redact(case["text"]).kinds)
        for kind in set(expected) | set(found):
            hit = min(expected[kind], found[kind])
            per_kind[kind][0] += hit
            per_kind[kind][1] += found[kind] - hit
            per_kind[kind][2] += expected[kind] - hit
    tp = sum(v[0] for v in per_kind.values())
    fp = sum(v[1] for v in per_kind.values())
    fn = sum(v[2] for v in per_kind.values())
    return tp / (tp + fp), tp / (tp + fn), {k: (v[0], v[1], v[2]) for k, v in per_kind.items()}


def test_case_set_is_large_and_bilingual() -> None:
    assert len(CASES) >= 80
    assert {case["lang"] for case in CASES} == {"en", "nl"}
    assert sum(1 for case in CASES if not case["kinds"]) >= 30  # negatives


def test_precision_and_recall_are_at_least_095() -> None:
    precision, recall, per_kind = scores()
    print(f"\nredaction over {len(CASES)} cases: precision {precision:.3f}, recall {recall:.3f}")
    for kind, (tp, fp, fn) in per_kind.items():
        print(f"  {kind:18} tp {tp:3} fp {fp:2} fn {fn:2}")
    assert precision >= 0.95
    assert recall >= 0.95


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:40])
def test_case(case: dict) -> None:
    """Every case on its own: the kinds, what must stay, and whether it is withheld."""
    result = redact(case["text"])
    assert result.withheld == case.get("withheld", False), result
    assert sorted(result.kinds) == sorted(case["kinds"]), result
    if not result.withheld:
        for kept in case.get("keep", []):
            assert kept in result.text, (kept, result.text)
        for kind in case["kinds"]:
            assert placeholder(kind) in result.text


def test_the_validators_agree_with_the_positive_numbers() -> None:
    """The numbers in the case set are real-looking: they pass python-stdnum, so the set tests validation."""
    assert vat.is_valid("0402.466.361") and not vat.is_valid("0123.456.789")
    assert ssn.is_valid("85.07.30-033.28") and not ssn.is_valid("85.07.30-033.29")
    assert iban.is_valid("BE53 1033 6397 1653") and not iban.is_valid("BE71 0961 2345 6760")


def test_enterprise_number_with_wrong_check_digit_is_not_an_enterprise_number_but_not_shown() -> None:
    result = redact("ondernemingsnummer 0123.456.789")
    assert "enterprise_number" not in result.kinds
    assert result == Redaction(text="ondernemingsnummer [NUMBER]", kinds=("number",), withheld=False)


def test_enterprise_number_be_forms() -> None:
    for written in ("BE0402466361", "BE 0402.466.361", "BE0402.466.361", "be 0402 466 361", "0402.466.361"):
        result = redact(f"VAT {written} please")
        assert result.text == "VAT [ENTERPRISE_NUMBER] please", written


def test_amount_year_postcode_date_and_percentage_stay() -> None:
    text = "€ 12.500 of 12.500 euro in 2024 voor 9000 Gent, vanaf 01/09/2025, 30 % steun"
    assert redact(text) == Redaction(text=text, kinds=(), withheld=False)


@pytest.mark.parametrize(
    "written",
    ["+32 471 23 45 67", "0032 471 23 45 67", "0471 23 45 67", "0471/23.45.67", "0471234567", "+32 9 234 56 78"],
)
def test_belgian_phone_forms(written: str) -> None:
    expected = Redaction(text="bel me op [PHONE] aub", kinds=("phone",), withheld=False)
    assert redact(f"bel me op {written} aub") == expected


@pytest.mark.parametrize("written", ["+31 6 12345678", "+33 1 42 68 53 00", "0033 6 12 34 56 78", "+44 20 7946 0958"])
def test_international_phone_forms(written: str) -> None:
    assert redact(f"call {written} today").text == "call [PHONE] today"


def test_iban_with_and_without_spaces() -> None:
    assert redact("IBAN BE53 1033 6397 1653 graag").text == "IBAN [IBAN] graag"
    assert redact("IBAN BE53103363971653 graag").text == "IBAN [IBAN] graag"


def test_national_number_with_dots_and_dash() -> None:
    assert redact("rijksregisternummer 85.07.30-033.28.").text == "rijksregisternummer [NATIONAL_NUMBER]."
    assert redact("rijksregisternummer 85073003328").kinds == ("national_number",)


def test_a_long_number_left_over_is_withheld() -> None:
    result = redact("klantnummer 123456789012, mail jan@x.be")
    assert result.withheld and result.text == ""
    assert result.kinds == ("email",)

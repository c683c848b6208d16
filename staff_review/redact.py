"""Personal data out of user messages before staff see or export them.

E-mail addresses, phone numbers, Belgian enterprise numbers, IBANs, Belgian national register numbers and
street addresses are replaced by typed placeholders (`[EMAIL]`, `[PHONE]`, ...). Numbers are only taken for
what they claim to be when a maintained validator agrees (python-stdnum for IBAN and the Belgian numbers,
phonenumbers for phone numbers), so an amount, a year, a postcode or a date stays readable.

A number written exactly like an enterprise number, national number or IBAN that fails its check digits is
not that identifier, but it is most likely a mistyped one: it becomes `[NUMBER]` (kind `number`) rather than
being shown, and the message stays reviewable. Anything that still looks personal after this (a run of eight
or more digits outside an amount or a date, or a token with an `@`) makes the whole message withheld: the
caller must not show it and counts it instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, FrozenSet, List, Tuple

import phonenumbers
import yaml
from stdnum import iban as stdnum_iban
from stdnum.be import ssn as stdnum_be_ssn
from stdnum.be import vat as stdnum_be_vat

ADDRESS_WORDS_FILE = Path(__file__).with_name("address_words.yml")
KINDS = ("email", "phone", "enterprise_number", "iban", "national_number", "address", "number")


@dataclass(frozen=True)
class Redaction:
    """A message after redaction.

    Attributes:
        text: The message with placeholders; "" when withheld.
        kinds: The kind of every replaced value, in the order they appear (one entry per value).
        withheld: True when the message still looked personal; callers must not show it.
    """

    text: str
    kinds: Tuple[str, ...]
    withheld: bool


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str


def placeholder(kind: str) -> str:
    """The placeholder shown for a value of `kind`, e.g. `[EMAIL]` for `email`."""
    return f"[{kind.upper()}]"


def redact(text: str) -> Redaction:
    """Replace personal data in `text` by typed placeholders, or withhold the message.

    Args:
        text: A user message, English or Dutch.

    Returns:
        The redacted text, the kinds replaced, and whether it must be withheld.
    """
    hits: List[_Hit] = []
    for finder in _FINDERS:
        for hit in finder(text):
            if not any(hit.start < other.end and other.start < hit.end for other in hits):
                hits.append(hit)
    hits.sort(key=lambda hit: hit.start)
    redacted = text
    for hit in reversed(hits):
        redacted = redacted[: hit.start] + placeholder(hit.kind) + redacted[hit.end :]
    kinds = tuple(hit.kind for hit in hits)
    if still_personal(redacted):
        return Redaction(text="", kinds=kinds, withheld=True)
    return Redaction(text=redacted, kinds=kinds, withheld=False)


# --- e-mail ------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def _emails(text: str) -> List[_Hit]:
    return [_Hit(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


# --- IBAN --------------------------------------------------------------------------------------------------

# Two letters, two check digits, then groups of up to four characters, with or without spaces.
_IBAN = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{1,4}){3,8}(?![\w])")


def _ibans(text: str) -> List[_Hit]:
    hits = []
    for match in _IBAN.finditer(text):
        # The pattern may run into the next word ("... 6769 and"): take the longest prefix that validates.
        candidate = match.group()
        ends = [m.end() for m in re.finditer(r"[A-Za-z0-9]+", candidate)]
        for end in reversed(ends):
            if stdnum_iban.is_valid(candidate[:end].upper()):
                hits.append(_Hit(match.start(), match.start() + end, "iban"))
                break
    return hits


# --- Belgian national register number (and BIS number) --------------------------------------------------------

_NATIONAL = re.compile(r"(?<![\w.,/-])\d{2}([. ]?)\d{2}\1\d{2}[-. ]?\d{3}[. ]?\d{2}(?![\w]|[.,/-]\d)")


def _national_numbers(text: str) -> List[_Hit]:
    return [
        _Hit(m.start(), m.end(), "national_number")
        for m in _NATIONAL.finditer(text)
        if stdnum_be_ssn.is_valid(m.group())
    ]


# --- Belgian enterprise number -----------------------------------------------------------------------------

# With "BE": nine or ten digits; without: ten digits starting with 0 or 1, grouped 4.3.3 or written together.
_ENTERPRISE = re.compile(
    r"(?<![\w.,/-])(?:(?P<be>BE)[ .-]?(?:\d{4}|\d{3})|[01]\d{3})(?P<sep>[. ]?)\d{3}(?P=sep)\d{3}(?![\w]|[.,/-]\d)",
    re.IGNORECASE,
)


def _enterprise_numbers(text: str) -> List[_Hit]:
    return [
        _Hit(m.start(), m.end(), "enterprise_number")
        for m in _ENTERPRISE.finditer(text)
        if stdnum_be_vat.is_valid(m.group())
    ]


# --- phone numbers -----------------------------------------------------------------------------------------


def _phones(text: str) -> List[_Hit]:
    matcher = phonenumbers.PhoneNumberMatcher(text, "BE", leniency=phonenumbers.Leniency.VALID)
    return [_Hit(match.start, match.end, "phone") for match in matcher]


# --- written like an identifier, but failing its check digits ----------------------------------------------


def _mistyped_identifiers(text: str) -> List[_Hit]:
    hits = []
    for match in _ENTERPRISE.finditer(text):
        # Only the unmistakable shapes: "BE..." or four-three-three groups; ten bare digits are left to the
        # withheld check (they could be anything).
        if match.group("be") or match.group("sep"):
            hits.append(_Hit(match.start(), match.end(), "number"))
    for match in _NATIONAL.finditer(text):
        if "-" in match.group() or match.group(1):
            hits.append(_Hit(match.start(), match.end(), "number"))
    for match in _IBAN.finditer(text):
        candidate = match.group()
        if candidate[:2].isupper() and sum(c.isdigit() for c in candidate) >= 12:
            last_digit = max(i for i, c in enumerate(candidate) if c.isdigit())
            hits.append(_Hit(match.start(), match.start() + last_digit + 1, "number"))
    return hits


# --- street addresses --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AddressWords:
    dutch_suffixes: Tuple[str, ...]
    french_prefixes: Tuple[str, ...]
    english_suffixes: Tuple[str, ...]
    not_streets: FrozenSet[str]
    not_numbers: FrozenSet[str]


@lru_cache(maxsize=1)
def _address_words() -> _AddressWords:
    data = yaml.safe_load(ADDRESS_WORDS_FILE.read_text(encoding="utf-8"))

    def words(key: str) -> Tuple[str, ...]:
        return tuple(sorted({str(w).lower() for w in data[key]}, key=len, reverse=True))

    return _AddressWords(
        dutch_suffixes=words("dutch_suffixes"),
        french_prefixes=words("french_prefixes"),
        english_suffixes=words("english_suffixes"),
        not_streets=frozenset(words("not_streets")),
        not_numbers=frozenset(words("not_numbers")),
    )


# Capitalised words that start a sentence or a phrase rather than a street name.
_NOT_NAME = frozenset(
    ["ik", "we", "wij", "mijn", "ons", "onze", "u", "uw", "jij", "je", "het", "in", "op", "aan", "naar", "bij"]
    + ["te", "en", "of", "is", "adres", "i", "my", "our", "the", "at", "on", "to", "and", "or", "address"]
)
_PARTICLES = frozenset(["van", "de", "der", "den", "ter", "ten", "het", "sint"])
_WORD = r"[^\W\d_][\w'’-]*"
_HOUSE_NUMBER = r"(?:(?:nr\.?|nummer|no\.?)\s*)?(?P<num>\d{1,4})(?:[a-zA-Z](?![\w]))?"
_BOX = r"(?:\s*(?:bus|box|b|/)\s*\d{1,4}[a-zA-Z]?(?![\w]))?"
_DUTCH = re.compile(rf"(?<![\w-])(?P<street>{_WORD})\s+{_HOUSE_NUMBER}(?![\w]|[.,]\d){_BOX}")
MIN_STEM = 3
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+|%|€|m²)")
_LAST_WORD = re.compile(rf"({_WORD})\s+$")


def _is_count(text: str, end: int, number: str) -> bool:
    """True when the number at `end` counts something ("3 jaar") or is a year, so it is no house number."""
    following = _NEXT_WORD.match(text, end)
    if following and following.group(1).lower() in _address_words().not_numbers:
        return True
    return len(number) == 4 and number[:2] in ("19", "20")


def _is_name(word: str) -> bool:
    return word[:1].isupper() and word.lower() not in _NOT_NAME


def _name_start(text: str, start: int) -> int:
    """Where the street name that ends with the word at `start` begins ("Koning Albertlaan", "Grote Markt")."""
    taken = 0
    while taken < 3:
        match = _LAST_WORD.search(text[:start])
        if not match:
            break
        word = match.group(1)
        if _is_name(word):
            start = match.start()
        elif word.lower() in _PARTICLES:
            before = _LAST_WORD.search(text[: match.start()])
            if not (before and _is_name(before.group(1))):
                break
            start = match.start()
        else:
            break
        taken += 1
    return start


def _dutch_addresses(text: str) -> List[_Hit]:
    words = _address_words()
    hits = []
    for match in _DUTCH.finditer(text):
        street = match.group("street")
        lowered = street.lower()
        suffix = next((s for s in words.dutch_suffixes if lowered.endswith(s)), None)
        if suffix is None or _is_count(text, match.end("num"), match.group("num")):
            continue
        if street.islower() and 0 < len(lowered) - len(suffix) < MIN_STEM:
            continue  # "slaan 200": a verb, not a street ("Boslaan" is written with a capital or a longer stem)
        start = _name_start(text, match.start())
        if lowered in words.not_streets and not (street[:1].isupper() and start < match.start()):
            continue  # "op de markt 3": a bare street word needs a capitalised name before it ("Grote Markt 5")
        hits.append(_Hit(start, match.end(), "address"))
    return hits


@lru_cache(maxsize=1)
def _english_pattern() -> "re.Pattern[str]":
    suffixes = "|".join(re.escape(s) for s in _address_words().english_suffixes)
    return re.compile(
        rf"(?<![\w€$£.,])(?P<num>\d{{1,5}})(?:[a-zA-Z])?,?\s+(?:[A-Z][\w'’-]*\s+){{1,3}}(?i:{suffixes})\b\.?"
    )


def _english_addresses(text: str) -> List[_Hit]:
    hits = []
    for match in _english_pattern().finditer(text):
        number = match.group("num")
        if len(number) == 4 and number[:2] in ("19", "20"):
            continue
        hits.append(_Hit(match.start(), match.end(), "address"))
    return hits


@lru_cache(maxsize=1)
def _french_pattern() -> "re.Pattern[str]":
    prefixes = "|".join(re.escape(p) for p in _address_words().french_prefixes)
    name = r"(?:(?:de|du|des|la|le|l['’]|d['’])\s*|[A-ZÀ-Ý][\w'’-]*\s+)"
    return re.compile(rf"(?<![\w])(?i:{prefixes})\s+{name}{{1,5}}?{_HOUSE_NUMBER}(?![\w]|[.,]\d){_BOX}")


def _french_addresses(text: str) -> List[_Hit]:
    hits = []
    for match in _french_pattern().finditer(text):
        if not _is_count(text, match.end("num"), match.group("num")):
            hits.append(_Hit(match.start(), match.end(), "address"))
    return hits


# Earlier finders win where two overlap: validated identifiers before phones, phones before the
# identifier-shaped leftovers, and addresses last (their house numbers are short).
_FINDERS: Tuple[Callable[[str], List[_Hit]], ...] = (
    _emails,
    _ibans,
    _national_numbers,
    _enterprise_numbers,
    _phones,
    _mistyped_identifiers,
    _french_addresses,
    _english_addresses,
    _dutch_addresses,
)


# --- what still looks personal -----------------------------------------------------------------------------

_AMOUNT_WORDS = r"(?:€|eur|euro|euros|miljoen|million|mio|k|duizend|thousand|procent|percent|%)"
_HARMLESS = re.compile(
    "|".join(
        [
            r"(?:€|\$|£|eur\b|euro\b)\s?\d[\d.,' ]*\d",  # € 12.500, EUR 1 250 000
            rf"\d[\d.,' ]*\d\s?{_AMOUNT_WORDS}(?![\w])",  # 12.500 euro, 1.250.000 €, 12,5 %
            r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b",  # 12/03/2024, 12.03.2024
            r"\b\d{4}-\d{2}-\d{2}\b",  # 2024-03-12
            r"\b(?:19|20)\d\d\s?[-–/]\s?(?:19|20)?\d\d\b",  # 2023-2024
            r"\b(?:19|20)\d\d/\d{1,6}\b",  # Regulation (EU) 2020/1503, dossier 2024/123
            r"\b(?:https?://|www\.)\S+",  # a link's ids and dates (e-mails and phones in it are still replaced)
        ]
    ),
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"\d(?:[ ./-]?\d)*")
MIN_DIGITS = 8


def still_personal(text: str) -> bool:
    """True when `text` (already redacted) still holds a long number or an `@`, so it must not be shown.

    Amounts, dates, year ranges, "year/number" references and links are not counted: "€ 12.500.000",
    "12/03/2024" or "(EU) 2020/1503" stay readable.

    Args:
        text: A redacted message.

    Returns:
        Whether to withhold it.
    """
    if "@" in text:
        return True
    masked = _HARMLESS.sub(" ", text)
    return any(sum(c.isdigit() for c in m.group()) >= MIN_DIGITS for m in _DIGIT_RUN.finditer(masked))


def count_kinds(redactions: List[Redaction]) -> Dict[str, int]:
    """How many values of each kind a list of redactions replaced (for reports)."""
    counts: Dict[str, int] = {}
    for redaction in redactions:
        for kind in redaction.kinds:
            counts[kind] = counts.get(kind, 0) + 1
    return counts

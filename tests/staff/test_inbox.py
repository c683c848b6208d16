"""The review inbox on turns as load_turns returns them: redaction first, grouping, filters and order."""

from __future__ import annotations

from datetime import datetime

from staff_review.conversations import Turn
from staff_review.inbox import InboxFilter, build_inbox, normalise

T0 = datetime(2026, 11, 20, 10, 0).timestamp()


def turn(text, intent="ask_startup", confidence=0.95, language="en", outcomes=(), sender="s1", at=0.0, **extra):
    return Turn(
        sender_id=sender,
        timestamp=T0 + at,
        text=text,
        intent=intent,
        confidence=confidence,
        entities=[],
        language=language,
        outcomes=frozenset(outcomes),
        bot_replies=[],
        **extra,
    )


def test_near_duplicates_are_one_item_with_a_count():
    items, withheld = build_inbox(
        [
            turn("How do I register my new business at the ondernemingsloket?", sender="a"),
            turn("how do i register my new business at the ondernemingsloket", sender="b", at=60),
            turn("How do I register my new büsiness at the Ondernemingsloket!!", sender="c", at=120),
            # 10 of 11 words shared: Jaccard 0.91
            turn("How do I register my new business at the ondernemingsloket today?", sender="d", at=180),
            turn("Where can I rent an office?", intent="ask_location", sender="e"),
        ],
        InboxFilter(),
    )
    assert withheld == 0
    counts = {item.text: item.count for item in items}
    assert sorted(counts.values()) == [1, 4]
    group = next(item for item in items if item.count == 4)
    assert {e["sender_id"] for e in group.examples} == {"a", "b", "c", "d"}
    assert group.examples[0]["sender_id"] == "d"  # newest first
    # shown in the wording most people used (three of the four)
    assert normalise(group.text) == "how do i register my new business at the ondernemingsloket"
    assert "How do I register my new business at the ondernemingsloket today?" in group.variants


def test_same_words_in_another_language_are_not_merged():
    items, _ = build_inbox(
        [turn("kmo portefeuille aanvragen", language="nl"), turn("kmo portefeuille aanvragen")], InboxFilter()
    )
    assert len(items) == 2


def test_numbers_do_not_split_a_group():
    assert normalise("We zijn met 12 mensen.") == normalise("we zijn met 3 mensen")


def test_personal_data_is_redacted_before_grouping_and_showing():
    items, _ = build_inbox(
        [
            turn(
                "please mail me at jan.peeters@example.com",
                intent="nlu_fallback",
                confidence=0.3,
                outcomes={"fallback"},
            ),
            turn("please mail me at an@firma.be", intent="nlu_fallback", confidence=0.2, outcomes={"fallback"}, at=5),
        ],
        InboxFilter(),
    )
    assert len(items) == 1 and items[0].count == 2
    assert items[0].text == "please mail me at [EMAIL]"
    assert "@" not in str(items[0])


def test_button_clicks_handoff_answers_and_advisor_chat_are_not_review_items():
    items, _ = build_inbox(
        [
            turn("/ask_human", intent="ask_human", confidence=1.0),
            turn("Jan Peeters", intent="nlu_fallback", form="handoff_form", requested_slot="contact_name"),
            turn(
                "we cannot pay our suppliers", intent="confidential", form="handoff_form", requested_slot="case_summary"
            ),
            # the consent question asks nothing personal: what people answer there is worth a look
            turn("does it cost anything?", intent="ask_agency", form="handoff_form", requested_slot="handoff_consent"),
            turn("thanks for calling me back", intent="thank", paused=True),
            turn("what does it cost?"),
        ],
        InboxFilter(),
    )
    assert sorted(item.text for item in items) == ["does it cost anything?", "what does it cost?"]


def test_most_useful_first_low_confidence_bad_outcomes_and_frequency():
    turns = [
        # confident and fine, very frequent
        *[turn("how do I start", confidence=0.99, sender=f"ok{i}", at=i) for i in range(8)],
        # misunderstood once
        turn("blorp my vat thing", intent="nlu_fallback", confidence=0.3, outcomes={"fallback"}, sender="f1"),
        # misunderstood three times
        *[
            turn(
                "can I sell kebab at the fair",
                intent="nlu_fallback",
                confidence=0.35,
                outcomes={"fallback"},
                sender=f"k{i}",
            )
            for i in range(3)
        ],
        # answered, but hedged
        turn("subsidy for a robot arm", intent="ask_financing", confidence=0.6, outcomes={"hedged"}, sender="h"),
    ]
    items, _ = build_inbox(turns, InboxFilter())
    assert [item.text for item in items] == [
        "can I sell kebab at the fair",
        "blorp my vat thing",
        "subsidy for a robot arm",
        "how do I start",
    ]
    assert [item.score for item in items] == sorted((item.score for item in items), reverse=True)


def test_filters():
    turns = [
        turn("hoe start ik", language="nl", confidence=0.9, sender="n"),
        turn("vat number please", intent="nlu_fallback", confidence=0.3, outcomes={"fallback"}, sender="f", at=86400),
        turn("subsidy for a robot arm", intent="ask_financing", confidence=0.6, outcomes={"hedged"}, sender="h"),
    ]

    def texts(**criteria):
        return sorted(item.text for item in build_inbox(turns, InboxFilter(**criteria))[0])

    assert texts(language="nl") == ["hoe start ik"]
    assert texts(intent="ask_financing") == ["subsidy for a robot arm"]
    assert texts(outcome="fallback") == ["vat number please"]
    assert texts(max_confidence=0.7) == ["subsidy for a robot arm", "vat number please"]
    assert texts(min_confidence=0.7) == ["hoe start ik"]
    assert texts(since=datetime(2026, 11, 21)) == ["vat number please"]
    assert texts(until=datetime(2026, 11, 21)) == ["hoe start ik", "subsidy for a robot arm"]


def test_item_fields_a_reviewer_sees():
    items, _ = build_inbox(
        [
            turn(
                "is er subsidie voor een robotarm",
                intent="ask_financing",
                confidence=0.5,
                language="nl",
                outcomes={"hedged", "negative_feedback"},
                sender="x",
            ),
            turn(
                "is er subsidie voor een robotarm?",
                intent="ask_financing",
                confidence=0.7,
                language="nl",
                sender="y",
                at=30,
            ),
        ],
        InboxFilter(),
    )
    (item,) = items
    assert (item.language, item.predicted_intent, item.count) == ("nl", "ask_financing", 2)
    assert item.confidence == 0.6
    assert item.outcomes == ["hedged", "negative_feedback"]
    assert item.last_seen == T0 + 30
    assert len(item.key) == 12

"""Re-ranking heard names against the phonebook, and the sure / confirm / none decision."""

from __future__ import annotations

import pytest

from assistant.domain.name_match import (
    MAX_OFFERED,
    Candidate,
    NameMatcher,
    decide,
    phonetic_key,
    similarity,
)
from assistant.domain.phonebook import Entry, Phonebook

PEOPLE = [
    "Maria Garcia",
    "Maria Lopez",
    "John Smith",
    "Jon Smyth",
    "Joan Smith",
    "Catherine Reed",
    "Kathryn Reid",
    "Quentin Tarrant",
    "Robert Miller",
    "Wei Zhang",
]


@pytest.fixture(scope="module")
def matcher() -> NameMatcher:
    entries = [Entry(name, f"+1555{index:07d}") for index, name in enumerate(PEOPLE)]
    entries.append(Entry("Robert Miller", "+15559999999", nickname="Bob", label="office"))
    return NameMatcher(Phonebook(entries))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("John Smith", "Jon Smyth"),
        ("Catherine", "Kathryn"),
        ("Steven", "Stephen"),
        ("Reed", "Reid"),
        ("O'Neil", "O'Neill"),
        ("Carl Meyer", "Karl Maier"),
        ("Wright", "Rite"),
    ],
)
def test_near_homophones_share_a_phonetic_key(one: str, other: str) -> None:
    assert phonetic_key(one) == phonetic_key(other) != ""


@pytest.mark.parametrize(("one", "other"), [("Maria", "Marta"), ("Garcia", "Gupta"), ("Smith", "Schmidt")])
def test_different_names_have_different_keys(one: str, other: str) -> None:
    assert phonetic_key(one) != phonetic_key(other)


@pytest.mark.parametrize("heard", ["h", "w", "wh", "H. Smith", "W Wright"])
def test_a_letter_with_no_sound_of_its_own_is_no_part_of_the_key(heard: str) -> None:
    assert phonetic_key(heard) == phonetic_key(heard.replace("H.", "").replace("W ", ""))


def test_similarity_counts_sound_as_much_as_spelling() -> None:
    assert similarity("jon smyth", "john smith") > 0.9
    assert similarity("john smith", "john smith") == 1.0
    assert similarity("maria garcia", "quentin tarrant") < 0.4


def names(candidates: list[Candidate]) -> list[str]:
    return [candidate.person.name for candidate in candidates]


def test_the_name_heard_comes_first_and_its_homophones_right_behind(matcher: NameMatcher) -> None:
    ranked = matcher.rank([("john smith", 0.95)])
    assert names(ranked)[0] == "John Smith" and set(names(ranked)[1:3]) == {"Jon Smyth", "Joan Smith"}
    assert ranked[0].score == 1.0 and ranked[2].score > 0.9
    match = decide(ranked, 0.95)
    assert match.kind == "confirm" and match.person is None
    assert names(list(match.candidates)) == names(ranked)[:3]


def test_a_distinct_name_heard_with_confidence_is_sure(matcher: NameMatcher) -> None:
    match = decide(matcher.rank([("quentin tarrant", 0.97)]), 0.97)
    assert match.kind == "sure" and match.person.name == "Quentin Tarrant"
    assert len(match.candidates) == 1 and len(match.ranked) > 1


def test_a_nickname_finds_the_person(matcher: NameMatcher) -> None:
    ranked = matcher.rank([("bob", 0.9)])
    assert ranked[0].person.name == "Robert Miller" and ranked[0].form == "bob"


def test_low_confidence_asks_to_confirm_even_a_distinct_name(matcher: NameMatcher) -> None:
    match = decide(matcher.rank([("quentin tarrant", 0.6)]), 0.6)
    assert match.kind == "confirm" and names(list(match.candidates)) == ["Quentin Tarrant"]


def test_nothing_close_or_no_confidence_is_none(matcher: NameMatcher) -> None:
    assert decide(matcher.rank([("xavier beauregard", 0.9)]), 0.9).kind == "none"
    assert decide(matcher.rank([("maria garcia", 0.3)]), 0.3).kind == "none"
    assert decide([], 0.9).kind == "none"
    assert matcher.rank([("", 0.9)]) == []


def test_n_best_alternatives_are_counted_with_their_confidence(matcher: NameMatcher) -> None:
    ranked = matcher.rank([("maria garcia", 0.8), ("wei zhang", 0.76)])
    assert names(ranked)[:2] == ["Maria Garcia", "Wei Zhang"]
    assert ranked[1].score == pytest.approx(0.76 / 0.8, abs=1e-3)
    match = decide(ranked, 0.8)
    assert match.kind == "confirm" and names(list(match.candidates)) == ["Maria Garcia", "Wei Zhang"]


def test_at_most_three_are_offered(matcher: NameMatcher) -> None:
    tied = [Candidate(person, 0.9) for person in matcher.phonebook.people[:6]]
    assert len(decide(tied, 0.9).candidates) == MAX_OFFERED


def test_score_rates_any_person_as_rank_does(matcher: NameMatcher) -> None:
    heard = [("jon smyth", 0.9), ("john smith", 0.6)]
    ranked = matcher.rank(heard, limit=3)
    people = [candidate.person for candidate in ranked]
    assert matcher.score(heard, people) == ranked
    far = [p for p in matcher.phonebook.people if p.name not in {c.person.name for c in ranked}][:2]
    scored = matcher.score(heard, far)
    assert [c.person for c in scored] == far and all(0.0 < c.score < ranked[-1].score for c in scored)

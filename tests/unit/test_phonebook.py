"""The phonebook of name dialing: reading the CSV, people and their numbers, spoken forms, keypad."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.domain.phonebook import Entry, Phonebook, canonical_label, keypad_digits
from assistant.errors import AssistantError

FIXTURE = Path(__file__).resolve().parents[2] / "audio-fixtures" / "namedial" / "phonebook.csv"


def book(*names: str) -> Phonebook:
    return Phonebook(Entry(name, f"+1555000{index:04d}") for index, name in enumerate(names))


def test_the_shipped_phonebook_has_the_people_tests_rely_on() -> None:
    phonebook = Phonebook.from_csv(FIXTURE)
    assert len(phonebook) >= 300
    numbers = {name: phonebook.person(name).entry_for(None).number for name in ("Maria Garcia", "John Smith")}
    assert numbers == {"Maria Garcia": "+15557770101", "John Smith": "+15557770102"}
    assert phonebook.person("jon  SMYTH").entries[0].number == "+15557770103"
    all_numbers = [entry.number for entry in phonebook.entries]
    assert len(set(all_numbers)) == len(all_numbers)


def test_csv_header_and_rows(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_text("Name,Phone,Nickname,Label,Email\nRobert Miller,+15551230001,Bob,mobile,x@y\n\n")
    phonebook = Phonebook.from_csv(path)
    assert phonebook.entries == (Entry("Robert Miller", "+15551230001", "Bob", "mobile"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,email\nA B,a@b\n", "missing number"),
        ("", "is empty"),
        ("name,number\n", "has no entries"),
        ("name,number\nMaria Garcia,+15557770101\n,+15557770102\n", "line 3: the name is empty"),
        ("name,number\nMaria Garcia,call me\n", "line 2: 'call me' is not a phone number"),
        ("name,number\nMaria Garcia,\n", "line 2"),
    ],
)
def test_a_bad_phonebook_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "book.csv"
    path.write_text(text)
    with pytest.raises(AssistantError, match=message) as raised:
        Phonebook.from_csv(path)
    assert raised.value.code == "phonebook-invalid"


def test_a_missing_file_is_an_assistant_error(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="cannot read phonebook"):
        Phonebook.from_csv(tmp_path / "nope.csv")


def test_entries_of_one_name_are_one_person_and_the_default_number_is_the_mobile() -> None:
    phonebook = Phonebook(
        [
            Entry("Steven Clark", "+1", label="office"),
            Entry("steven  clark", "+2", label="Cell"),
            Entry("Maria Garcia", "+3"),
            Entry("Maria Garcia", "+4", label="home"),
        ]
    )
    steven, maria = phonebook.people
    assert [entry.number for entry in steven.entries] == ["+1", "+2"]
    assert steven.entry_for(None).number == "+2"  # the mobile ("cell"), not the first listed
    assert steven.entry_for("work").number == "+1"
    assert steven.entry_for("mobile").number == "+2"
    assert steven.labels == ("office", "mobile")
    assert maria.entry_for(None).number == "+3"  # no mobile: the first listed
    assert maria.entry_for("office") is None
    assert canonical_label(" Mobile Phone ") == "mobile" and canonical_label("") is None


def test_spoken_forms_first_name_only_when_unique_and_nicknames() -> None:
    phonebook = Phonebook(
        [
            Entry("Maria Garcia", "+1"),
            Entry("Maria Lopez", "+2"),
            Entry("Quentin Tarrant", "+3"),
            Entry("Robert Miller", "+4", nickname="Bob"),
            Entry("Brian O'Neil", "+5"),
        ]
    )
    forms = {(form.text, form.person.name, form.kind) for form in phonebook.spoken_forms()}
    assert ("quentin", "Quentin Tarrant", "first") in forms
    assert ("bob", "Robert Miller", "nickname") in forms
    assert ("bob miller", "Robert Miller", "nickname-last") in forms
    assert ("brian o'neil", "Brian O'Neil", "full") in forms
    assert not any(text == "maria" for text, _, _ in forms)  # two Marias: not by first name


def test_keypad_digits() -> None:
    assert keypad_digits("Garcia") == "427242"
    assert keypad_digits("O'Neil") == "66345"
    assert keypad_digits("Núñez") == "68639"


def test_by_keypad_ranks_whole_names_then_last_names_then_first_names() -> None:
    phonebook = book("Maria Garcia", "Mario Rossi", "Anna Marin", "Mar Lopez", "Tom Baker")
    assert [person.name for person in phonebook.by_keypad("627")] == [
        "Mar Lopez",  # "MAR" is the whole first name
        "Anna Marin",  # last name starts with MAR
        "Maria Garcia",  # first names, by last name
        "Mario Rossi",
    ]
    assert [person.name for person in phonebook.by_keypad("2253")] == ["Tom Baker"]
    assert phonebook.by_keypad("#*") == [] and phonebook.by_keypad("9999") == []


def test_by_keypad_on_the_shipped_phonebook_finds_the_smiths() -> None:
    phonebook = Phonebook.from_csv(FIXTURE)
    found = [person.name for person in phonebook.by_keypad("76")]  # S-M
    assert {"John Smith", "Jon Smyth", "Joan Smith"} <= set(found)

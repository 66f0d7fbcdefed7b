"""The owner's phonebook as name dialing sees it: people, their numbers, how they can be called.

An :class:`Entry` is one dialable number (one contact row: a person with a mobile and an office
number is two entries with the same name). Entries with the same name (case, accents and
spacing aside) are one :class:`Person`; two different people who share exactly the same name
cannot be told apart by voice anyway, and become one person with several numbers.

The spoken forms a person can be called by (:meth:`Phonebook.spoken_forms`):

* the full name ("maria garcia");
* the first name alone, when no other person in the book has that first name ("quentin");
  names are split into parts at spaces, so the first name of "Min-jun Kim" is "min jun";
* each nickname alone ("bob"), and the nickname with the last name ("bob miller").

A form that fits several people (a nickname two people share) is kept for all of them; the
matcher then offers them as a choice.

Which number is dialed (:meth:`Person.entry_for`): the entry with the label asked for ("call
Maria on office"); without a label, the mobile number if the person has one (people carry
their mobile), else the first number listed.

Dial by name on the keypad (:meth:`Phonebook.by_keypad`): the keys pressed (2 = ABC, 3 = DEF,
4 = GHI, 5 = JKL, 6 = MNO, 7 = PQRS, 8 = TUV, 9 = WXYZ; accents ignored, other characters of a
name skipped) are matched against the start of the first name (the first word) and of the last
name (any later word, so both parts of "Garcia Lopez" count). Ranking: people whose first or
last name is spelled completely by the keys first, then matches on the last name, then on the
first name; within a rank by last name, then first name.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from assistant.errors import AssistantError
from assistant.speech.textnorm import normalize

KEYPAD = {
    **dict.fromkeys("abc", "2"),
    **dict.fromkeys("def", "3"),
    **dict.fromkeys("ghi", "4"),
    **dict.fromkeys("jkl", "5"),
    **dict.fromkeys("mno", "6"),
    **dict.fromkeys("pqrs", "7"),
    **dict.fromkeys("tuv", "8"),
    **dict.fromkeys("wxyz", "9"),
}
LABEL_ALIASES = {
    "cell": "mobile",
    "cellphone": "mobile",
    "cell phone": "mobile",
    "mobile phone": "mobile",
    "work": "office",
    "business": "office",
}
DEFAULT_LABEL = "mobile"
NUMBER = re.compile(r"^\+?[0-9][0-9 ().\-]*$")
MIN_DIGITS = 3


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents removed, letters and digits only, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", normalize(text))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9 ]", "", plain).split())


def canonical_label(label: str | None) -> str | None:
    """A label as compared: lower case, "cell" is "mobile", "work" is "office"; None when empty."""
    if label is None:
        return None
    text = " ".join(label.lower().split())
    return LABEL_ALIASES.get(text, text) or None


def keypad_digits(word: str) -> str:
    """The keys that spell `word` ("Garcia" -> "427242"); characters without a key are skipped."""
    return "".join(KEYPAD.get(char, "") for char in fold(word))


@dataclass(frozen=True)
class Entry:
    """One dialable number of a person.

    Attributes:
        name: the person's name as written in the phonebook.
        number: the number to dial (as stored, E.164 in practice).
        nickname: what the owner calls them, if set ("Bob").
        label: what kind of number it is ("mobile", "office"), if set.
        contact_id: the contact row it came from, when it came from the database.
    """

    name: str
    number: str
    nickname: str | None = None
    label: str | None = None
    contact_id: int | None = None


@dataclass(frozen=True)
class Person:
    """A name with its numbers, in phonebook order."""

    name: str
    entries: tuple[Entry, ...]

    @cached_property
    def words(self) -> list[str]:
        """The parts of the name as written (split at spaces), folded: "Min-jun Kim" -> ["min jun", "kim"]."""
        return [folded for folded in (fold(part) for part in self.name.split()) if folded]

    @property
    def first_name(self) -> str:
        """The first part of the name, folded ("maria", "min jun")."""
        return self.words[0] if self.words else ""

    @property
    def last_name(self) -> str:
        """The last part of the name, folded ("" for a one-part name)."""
        return self.words[-1] if len(self.words) > 1 else ""

    @property
    def nicknames(self) -> tuple[str, ...]:
        """The distinct nicknames of the person's entries."""
        seen = dict.fromkeys(entry.nickname.strip() for entry in self.entries if entry.nickname)
        return tuple(nickname for nickname in seen if nickname)

    @property
    def labels(self) -> tuple[str, ...]:
        """The canonical labels of the person's numbers, in order."""
        found = (canonical_label(entry.label) for entry in self.entries)
        return tuple(dict.fromkeys(label for label in found if label))

    def entry_for(self, label: str | None = None) -> Entry | None:
        """The number to dial.

        Args:
            label: "mobile", "office" (or an alias such as "cell", "work"), or None.

        Returns:
            With a label, the first entry with that label, or None if the person has none (the
            flow then says so). Without, the mobile entry if there is one, else the first entry.
        """
        wanted = canonical_label(label)
        if wanted is not None:
            return next((entry for entry in self.entries if canonical_label(entry.label) == wanted), None)
        default = next(
            (entry for entry in self.entries if canonical_label(entry.label) == DEFAULT_LABEL), None
        )
        return default or (self.entries[0] if self.entries else None)


@dataclass(frozen=True)
class SpokenForm:
    """One way of saying a person's name: the words (normalized, for a grammar) and which kind."""

    text: str
    person: Person
    kind: str  # "full", "first", "nickname", "nickname-last"


class Phonebook:
    """The people of a list of entries, and the ways to find them by voice and keypad.

    Args:
        entries: dialable numbers; entries with the same name (folded) are one person.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        grouped: dict[str, list[Entry]] = {}
        for entry in entries:
            key = fold(entry.name)
            if key:
                grouped.setdefault(key, []).append(entry)
        self.entries: tuple[Entry, ...] = tuple(entry for group in grouped.values() for entry in group)
        self.people: list[Person] = [Person(group[0].name, tuple(group)) for group in grouped.values()]
        self._by_key = {fold(person.name): person for person in self.people}
        self._forms = self._spoken_forms()
        self._keypad = [(person, [keypad_digits(word) for word in person.words]) for person in self.people]

    def __len__(self) -> int:
        return len(self.people)

    @classmethod
    def from_csv(cls, path: Path) -> Phonebook:
        """Read a CSV with a header of at least ``name,number`` (optional ``nickname``, ``label``).

        Header names are case-insensitive; ``phone`` is taken for ``number``; other columns are
        ignored.

        Raises:
            AssistantError: ``phonebook-invalid`` naming the file, and the line of a bad row.
        """
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise AssistantError(
                "phonebook-invalid", f"cannot read phonebook {path}: {exc.strerror}"
            ) from exc
        except UnicodeDecodeError as exc:
            raise AssistantError("phonebook-invalid", f"phonebook {path} is not UTF-8 text") from exc
        reader = csv.reader(text.splitlines())
        header = next(reader, None)
        if header is None:
            raise AssistantError("phonebook-invalid", f"phonebook {path} is empty")
        columns = {cell.strip().lower(): index for index, cell in enumerate(header)}
        if "number" not in columns and "phone" in columns:
            columns["number"] = columns["phone"]
        missing = [column for column in ("name", "number") if column not in columns]
        if missing:
            raise AssistantError(
                "phonebook-invalid",
                f"phonebook {path}: the header needs name,number (optional nickname,label); "
                f"missing {','.join(missing)} in {','.join(header)}",
            )

        def cell(row: list[str], column: str) -> str:
            index = columns.get(column)
            return row[index].strip() if index is not None and index < len(row) else ""

        entries = []
        for line, row in enumerate(reader, start=2):
            if not any(value.strip() for value in row):
                continue
            name, number = cell(row, "name"), cell(row, "number")
            if not fold(name):
                raise AssistantError("phonebook-invalid", f"{path}, line {line}: the name is empty")
            if not NUMBER.match(number) or sum(char.isdigit() for char in number) < MIN_DIGITS:
                raise AssistantError(
                    "phonebook-invalid", f"{path}, line {line}: {number!r} is not a phone number"
                )
            entries.append(Entry(name, number, cell(row, "nickname") or None, cell(row, "label") or None))
        if not entries:
            raise AssistantError("phonebook-invalid", f"phonebook {path} has no entries")
        return cls(entries)

    def person(self, name: str) -> Person | None:
        """The person of that name (case, accents and spacing ignored), or None."""
        return self._by_key.get(fold(name))

    def _spoken_forms(self) -> list[SpokenForm]:
        first_count: dict[str, int] = {}
        for person in self.people:
            first_count[person.first_name] = first_count.get(person.first_name, 0) + 1
        forms: list[SpokenForm] = []
        for person in self.people:
            words = [
                spoken
                for spoken in (normalize(part, keep_apostrophes=True) for part in person.name.split())
                if spoken
            ]
            if not words:
                continue
            seen: set[str] = set()

            def add(text: str, kind: str, person: Person = person, seen: set[str] = seen) -> None:
                if text and text not in seen:
                    seen.add(text)
                    forms.append(SpokenForm(text, person, kind))

            add(" ".join(words), "full")
            if len(words) > 1 and first_count[person.first_name] == 1:
                add(words[0], "first")
            for nickname in person.nicknames:
                spoken = normalize(nickname, keep_apostrophes=True)
                add(spoken, "nickname")
                if len(words) > 1 and spoken:
                    add(f"{spoken} {words[-1]}", "nickname-last")
        return forms

    def spoken_forms(self) -> list[SpokenForm]:
        """Every way of saying a name in the book (see the module docstring), in book order."""
        return list(self._forms)

    def by_keypad(self, digits: str) -> list[Person]:
        """People whose first or last name starts with the letters of `digits` (ranked, see above).

        Args:
            digits: keys pressed, 2-9; other keys are ignored.

        Returns:
            The matching people, best first; [] when no letter key was pressed.
        """
        keys = "".join(char for char in digits if char in "23456789")
        if not keys:
            return []
        ranked = []
        for person, spelled in self._keypad:
            if not spelled:
                continue
            first, later = spelled[0], spelled[1:]
            if keys == first or keys in later:
                rank = 0
            elif any(word.startswith(keys) for word in later):
                rank = 1
            elif first.startswith(keys):
                rank = 2
            else:
                continue
            ranked.append((rank, person.last_name, person.first_name, person))
        ranked.sort(key=lambda item: item[:3])
        return [item[3] for item in ranked]

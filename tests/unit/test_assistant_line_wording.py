from assistant.domain.phone import spoken_number
from assistant.domain.phonebook import Entry, Phonebook
from assistant.flows.assistant_line import first_name, list_of_names


def test_numbers_are_read_digit_by_digit():
    assert spoken_number("+1 (202) 555-0123") == "1 2 0 2 5 5 5 0 1 2 3"


def test_the_owner_is_greeted_by_first_name():
    assert first_name("Alex Morgan") == "Alex"
    assert first_name("Cher") == "Cher"


def test_people_offered_are_listed_with_or_before_the_last():
    book = Phonebook([Entry("John Smith", "+15557770102"), Entry("Jon Smyth", "+15557770103")])
    people = book.people
    assert list_of_names(people[:1]) == people[0].name
    assert list_of_names(people) == f"{people[0].name}, or {people[1].name}"

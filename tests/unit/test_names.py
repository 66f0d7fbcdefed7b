import pytest

from assistant.domain.names import name_from_answer


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        ("This is Maria Garcia.", "Maria Garcia"),
        ("Hi, this is Maria Garcia.", "Maria Garcia"),
        ("Hello. My name is John Miller", "John Miller"),
        ("It's Sam Lee calling.", "Sam Lee"),
        ("I'm Dr. Patel.", "Dr. Patel"),
        ("Sam Lee", "Sam Lee"),
        ("Yes, Alex Kim here.", "Alex Kim"),
        ("", ""),
    ],
)
def test_name_from_answer(answer, name):
    assert name_from_answer(answer) == name

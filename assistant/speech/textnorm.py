"""Text normalization for scoring speech recognition and for matching spoken phrases.

Both sides of a comparison go through :func:`normalize`, so what matters is that equal speech
written two ways ends up equal: case, punctuation and the way numbers are written are taken
out. Numbers become words the way people usually say them: "21" and "twenty-one" are both
"twenty one", "3rd" is "third", "2024" is "twenty twenty four", "3.5" is "three point five".
Digit groups joined by hyphens or dots ("555-1234") and runs of five or more digits are read
digit by digit, as phone numbers are. Text in any script is kept; only English numbers and a
few English abbreviations get special treatment.
"""

from __future__ import annotations

import re
import unicodedata

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand"))
ORDINAL_ENDINGS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
SPELLING_VARIANTS = {"ok": "okay", "mr": "mister", "mrs": "missus", "dr": "doctor"}
SYMBOLS = {"%": " percent ", "&": " and ", "+": " plus ", "@": " at "}

DIGIT_GROUPS = re.compile(r"\d+(?:[-.]\d+){2,}|\d+-\d+")
ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
CURRENCY = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)")
DECIMAL = re.compile(r"\b(\d+)\.(\d+)\b")
THOUSANDS_SEPARATOR = re.compile(r"(?<=\d),(?=\d{3}\b)")
NUMBER = re.compile(r"\d+")
DROPPED = re.compile(r"['.]")
DROPPED_KEEPING_APOSTROPHES = re.compile(r"\.")


def cardinal(number: int) -> str:
    """An integer in English words: 21 -> "twenty one", 1905 -> "one thousand nine hundred five".

    Args:
        number: a non-negative integer below a trillion.

    Returns:
        The words, separated by single spaces, without "and".
    """
    if number < 20:
        return ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return TENS[tens] + (f" {ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{ONES[hundreds]} hundred" + (f" {cardinal(rest)}" if rest else "")
    for scale, word in SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            return f"{cardinal(high)} {word}" + (f" {cardinal(rest)}" if rest else "")
    raise ValueError(f"number out of range: {number}")


def ordinal(number: int) -> str:
    """An integer as an English ordinal: 1 -> "first", 23 -> "twenty third", 40 -> "fortieth"."""
    words = cardinal(number).split()
    last = words[-1]
    if last in ORDINAL_ENDINGS:
        words[-1] = ORDINAL_ENDINGS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def digit_by_digit(digits: str) -> str:
    """Digits read one at a time: "0451" -> "zero four five one"."""
    return " ".join(ONES[int(char)] for char in digits if char.isdigit())


def year(number: int) -> str:
    """A four-digit year as said aloud: 1999 -> "nineteen ninety nine", 2005 -> "two thousand five"."""
    century, rest = divmod(number, 100)
    if 2000 <= number < 2010:
        return cardinal(number)
    if rest == 0:
        return f"{cardinal(century)} hundred"
    if rest < 10:
        return f"{cardinal(century)} oh {ONES[rest]}"
    return f"{cardinal(century)} {cardinal(rest)}"


def number_words(digits: str) -> str:
    """A run of digits in words, choosing between a cardinal, a year and digit-by-digit reading."""
    value = int(digits)
    if (len(digits) > 1 and digits.startswith("0")) or len(digits) >= 5:
        return digit_by_digit(digits)
    if len(digits) == 4 and 1100 <= value < 2100 and value % 1000:
        return year(value)
    return cardinal(value)


def _spell_numbers(text: str) -> str:
    text = DIGIT_GROUPS.sub(lambda m: f" {digit_by_digit(m.group())} ", text)
    text = CURRENCY.sub(lambda m: f" {m.group(1)} dollars ", text)
    text = THOUSANDS_SEPARATOR.sub("", text)
    text = ORDINAL.sub(lambda m: f" {ordinal(int(m.group(1)))} ", text)
    text = DECIMAL.sub(lambda m: f" {number_words(m.group(1))} point {digit_by_digit(m.group(2))} ", text)
    return NUMBER.sub(lambda m: f" {number_words(m.group())} ", text)


def _keep(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def normalize(text: str, *, keep_apostrophes: bool = False) -> str:
    """Text reduced to what was said, for comparing a transcript with a reference.

    Lowercases, writes numbers as words, drops apostrophes and periods inside words ("it's" ->
    "its", "p.m." -> "pm"), turns every other punctuation mark or symbol into a word break, and
    joins the words with single spaces.

    Args:
        text: a transcript or reference in any script.
        keep_apostrophes: keep apostrophes inside words ("it's"), as pronunciation
            dictionaries spell them; a typographic apostrophe becomes "'".

    Returns:
        The normalized words separated by single spaces ("" when nothing is left).
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    for symbol, words in SYMBOLS.items():
        text = text.replace(symbol, words)
    text = _spell_numbers(text)
    text = (DROPPED_KEEPING_APOSTROPHES if keep_apostrophes else DROPPED).sub("", text)
    kept = "'" if keep_apostrophes else ""
    text = "".join(char if _keep(char) or char in kept else " " for char in text)
    cleaned = (word.strip("'") for word in text.split())
    return " ".join(SPELLING_VARIANTS.get(word, word) for word in cleaned if word)


def words(text: str) -> list[str]:
    """The normalized words of `text`."""
    return normalize(text).split()

"""Pronunciations for words a recognizer's dictionary lacks, from espeak-ng's letter-to-sound rules.

espeak-ng (``-q --ipa --sep=_``) writes each word as IPA phonemes; they are mapped to the
ARPAbet phones of the CMU dictionary that PocketSphinx's en-us model uses. A word gets no
pronunciation (``None``) when it has no Latin letters (espeak-ng would describe the symbol,
"Chinese letter", rather than say it), when espeak-ng is missing or fails, or when it says
nothing or a sound with no ARPAbet equivalent.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import unicodedata

log = logging.getLogger(__name__)

ESPEAK_TIMEOUT_S = 30.0
SEPARATOR = "_"
IGNORED_MARKS = "ˈˌːˑ\u0361\u035c-"
SYLLABIC = "\u0329"

IPA_TO_ARPABET = {
    "tʃ": "CH",
    "dʒ": "JH",
    "aɪ": "AY",
    "aʊ": "AW",
    "eɪ": "EY",
    "oʊ": "OW",
    "əʊ": "OW",
    "ɔɪ": "OY",
    "oː": "AO",
    "ɑ": "AA",
    "ɒ": "AA",
    "a": "AA",
    "æ": "AE",
    "ʌ": "AH",
    "ə": "AH",
    "ɐ": "AH",
    "ɚ": "ER",
    "ɝ": "ER",
    "ɜ": "ER",
    "ɔ": "AO",
    "o": "OW",
    "ɛ": "EH",
    "e": "EH",
    "ɪ": "IH",
    "ᵻ": "IH",
    "i": "IY",
    "ʊ": "UH",
    "u": "UW",
    "y": "UW",
    "b": "B",
    "d": "D",
    "ð": "DH",
    "f": "F",
    "ɡ": "G",
    "g": "G",
    "h": "HH",
    "ç": "HH",
    "j": "Y",
    "k": "K",
    "x": "K",
    "l": "L",
    "ɫ": "L",
    "ɬ": "L",
    "m": "M",
    "n": "N",
    "ŋ": "NG",
    "p": "P",
    "ɹ": "R",
    "r": "R",
    "ɾ": "T",
    "s": "S",
    "ʃ": "SH",
    "t": "T",
    "ʔ": "T",
    "θ": "TH",
    "v": "V",
    "w": "W",
    "ʍ": "W",
    "z": "Z",
    "ʒ": "ZH",
}
LONGEST_IPA = max(len(key) for key in IPA_TO_ARPABET)


def has_latin_letter(word: str) -> bool:
    """True if `word` has a letter of the Latin script (the only script the en-us model can say)."""
    return any(char.isalpha() and "LATIN" in unicodedata.name(char, "") for char in word)


def ipa_to_arpabet(phonemes: str) -> list[str] | None:
    """ARPAbet phones of one word's IPA from espeak-ng (phonemes split by `SEPARATOR`).

    Returns:
        The phones, or None if a sound has no ARPAbet equivalent or nothing is left.
    """
    phones: list[str] = []
    for token in phonemes.replace(" ", SEPARATOR).split(SEPARATOR):
        token = "".join(char for char in token if char not in IGNORED_MARKS)
        position = 0
        while position < len(token):
            if token[position] == SYLLABIC:
                phones.insert(len(phones) - 1, "AH")
                position += 1
                continue
            for length in range(min(LONGEST_IPA, len(token) - position), 0, -1):
                phone = IPA_TO_ARPABET.get(token[position : position + length])
                if phone:
                    phones.append(phone)
                    position += length
                    break
            else:
                log.debug("no ARPAbet phone for %r in %r", token[position], phonemes)
                return None
    return phones or None


def espeak_ipa(words: list[str], voice: str = "en-us") -> list[str] | None:
    """espeak-ng's IPA for each word (one line each), or None if espeak-ng is missing or fails."""
    program = shutil.which("espeak-ng")
    if program is None:
        log.warning("espeak-ng is not installed: words missing from the dictionary get no pronunciation")
        return None
    try:
        done = subprocess.run(
            [program, "-v", voice, "-q", "--ipa", f"--sep={SEPARATOR}"],
            input="\n".join(words) + "\n",
            capture_output=True,
            text=True,
            timeout=ESPEAK_TIMEOUT_S,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("espeak-ng failed: %s", exc)
        return None
    lines = done.stdout.splitlines()
    if len(lines) != len(words):
        if len(words) == 1:
            return [" ".join(lines)]
        return [line for word in words for line in (espeak_ipa([word], voice) or [""])]
    return lines


def pronounce(words: list[str]) -> dict[str, list[str] | None]:
    """ARPAbet pronunciations guessed by espeak-ng for `words` (None for a word that has none)."""
    sayable = [word for word in dict.fromkeys(words) if has_latin_letter(word)]
    result: dict[str, list[str] | None] = dict.fromkeys(words)
    if not sayable:
        return result
    ipa = espeak_ipa(sayable) or [""] * len(sayable)
    for word, phonemes in zip(sayable, ipa, strict=True):
        result[word] = ipa_to_arpabet(phonemes)
    return result

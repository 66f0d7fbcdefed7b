"""Regenerate the dictation fixtures: what callers say, in many phrasings and voices, over a phone line.

Writes two sets next to this script, each ``dictation/<split>/cases.jsonl`` (``{"audio", "text",
"kind", "speaker", "snr_db", "gain_db"}``) with its ``*.flac`` (mono 8 kHz, as the line
delivered it):

* ``dictation/dev/``: spoken by the ``dev`` speaker panel (assistant/eval/speakers.py);
* ``dictation/heldout/``: another seed, spoken by the ``heldout`` panel; its figures are
  reported and never tuned on.

A sentence is a phrasing of one kind of thing callers say (who they are, why they call, a
number to call back, a time, a message, a short answer), its slots filled from the lists
below by a seeded random generator, so the two sets share the kinds but hardly a sentence.
Each is said by a speaker of the panel over a line with noise at a random signal-to-noise
ratio and gain. Numbers are written as words in the references (the WER compares normalized
words, and "202-555-0143" normalizes to the same).

Usage: python audio-fixtures/make_dictation_fixtures.py [--cases 150] (from the repository root, in the venv)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import soundfile
import soxr

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from assistant.eval.speakers import RATE_HZ, random_line, speakers  # noqa: E402

SEEDS = {"dev": 3031, "heldout": 4049}
STORED_RATE_HZ = 8000

FIRST = """Maria John Sarah David Emily Michael Jessica Robert Linda James Patricia Thomas Jennifer
Daniel Karen Kevin Nancy Brian Lisa George Helen Steven Laura Paul Susan Mark Anna Peter Rachel
Frank Olivia Henry Grace Victor Nina Samuel Julia Omar Priya Carlos""".split()
LAST = """Garcia Miller Chen Patel Johnson Brown Wilson Taylor Anderson Thomas Moore Martin Lee
Walker Hall Allen Young King Wright Lopez Hill Scott Green Adams Baker Nelson Carter Mitchell
Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook""".split()
ORGS = [
    "the bank",
    "the school district",
    "City Hospital",
    "the insurance company",
    "the court clerk's office",
    "the dentist's office",
    "Blue Sky Realty",
    "the tax office",
    "the moving company",
    "Northside Plumbing",
    "the county library",
    "the car dealership",
    "the credit union",
    "the pharmacy",
    "the leasing office",
]
TOPICS = [
    "the contract",
    "my invoice",
    "the hearing on Monday",
    "the apartment listing",
    "the car insurance renewal",
    "the quarterly report",
    "the job offer",
    "a missed call from this number",
    "the delivery",
    "my bill",
    "the court date",
    "the lease agreement",
    "the purchase of the house",
    "your prescription",
    "the parking ticket",
    "the closing documents",
    "the meeting next week",
    "the estimate for the roof",
    "my account",
    "the settlement offer",
    "the school trip",
    "the building permit",
    "the repair order",
    "the refund",
    "the new office",
    "the interview",
    "the survey results",
    "a package for you",
]
WHEN = [
    "this afternoon",
    "tomorrow morning",
    "before five o'clock",
    "after lunch",
    "later today",
    "on Monday",
    "next week",
    "as soon as possible",
    "tonight",
    "by the end of the day",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
TIMES = [
    "nine in the morning",
    "ten thirty",
    "noon",
    "two o'clock",
    "three thirty",
    "four fifteen",
    "half past one",
    "eleven",
    "five in the afternoon",
    "eight thirty",
]
THINGS = ["the package", "your laptop", "the car", "the report", "the paperwork", "your order", "the keys"]
PRONOUNS = ["he", "she", "they"]
DIGITS = "zero one two three four five six seven eight nine".split()
SHORT = [
    "Yes.",
    "No.",
    "Yes, please.",
    "No, thank you.",
    "That's right.",
    "Not right now.",
    "Sure.",
    "Okay.",
    "I'll hold.",
    "Please take a message.",
    "Goodbye.",
    "Thank you, have a good day.",
    "Maybe later.",
    "Sorry, wrong number.",
    "Put me through, please.",
    "No, that's all.",
    "Yes, that's correct.",
    "I can wait.",
    "Thanks, bye.",
    "Never mind.",
    "Is this a good time to talk?",
    "Can you hear me?",
]


def number(rng: np.random.Generator) -> str:
    """A ten-digit number as a caller says it, in three groups."""
    digits = [DIGITS[d] for d in rng.integers(0, 10, 10)]
    return f"{' '.join(digits[:3])}, {' '.join(digits[3:6])}, {' '.join(digits[6:])}"


def sentence(rng: np.random.Generator) -> tuple[str, str]:
    """One thing a caller says: (kind, text)."""

    def pick(items: list[str]) -> str:
        return items[int(rng.integers(len(items)))]

    first, last, owner = pick(FIRST), pick(LAST), pick(FIRST)
    kind = pick(["name", "name", "reason", "reason", "reason", "number", "time", "message", "short", "short"])
    forms = {
        "name": [
            f"Hi, this is {first} {last}.",
            f"My name is {first} {last}.",
            f"Hello, it's {first} from {pick(ORGS)}.",
            f"This is {first} {last} calling for {owner}.",
            f"Hi, {first} {last} here, I'm a client of yours.",
            f"Good morning, my name is {first} and I'm calling from {pick(ORGS)}.",
        ],
        "reason": [
            f"I'm calling about {pick(TOPICS)}.",
            f"I wanted to ask about {pick(TOPICS)}.",
            f"It's regarding {pick(TOPICS)}.",
            f"I have a question about {pick(TOPICS)}.",
            f"This is {pick(ORGS)} calling about {pick(TOPICS)}.",
            f"I need to talk to {owner} about {pick(TOPICS)}.",
            f"Could you ask {owner} to call me back {pick(WHEN)}?",
        ],
        "number": [
            f"My number is {number(rng)}.",
            f"You can reach me at {number(rng)}.",
            f"Please call me back on {number(rng)}.",
            f"It's {first}, my number is {number(rng)}.",
        ],
        "time": [
            f"The appointment is on {pick(DAYS)} at {pick(TIMES)}.",
            f"I'll be there by {pick(TIMES)}.",
            f"Can we move the meeting to {pick(DAYS)} at {pick(TIMES)}?",
            f"The delivery will arrive on {pick(DAYS)} between {pick(TIMES)} and {pick(TIMES)}.",
        ],
        "message": [
            f"Tell {owner} that {pick(THINGS)} is ready, {pick(PRONOUNS)} can pick it up {pick(WHEN)}.",
            f"Please let {owner} know I'm running about ten minutes late.",
            f"Can you tell {owner} that I sent the documents {pick(WHEN)}?",
            f"Just a reminder about {pick(TOPICS)} {pick(WHEN)}.",
        ],
        "short": SHORT,
    }
    return kind, pick(forms[kind])


def build(split: str, count: int) -> None:
    rng = np.random.default_rng(SEEDS[split])
    panel = speakers(split)
    folder = ROOT / "dictation" / split
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lines = []
    for index in range(1, count + 1):
        kind, text = sentence(rng)
        speaker = panel[int(rng.integers(len(panel)))]
        line = random_line(rng)
        audio = line.carry(speaker.speak(text), rng)
        stored = soxr.resample(audio.astype(np.float32) / 32768.0, RATE_HZ, STORED_RATE_HZ)
        name = f"{kind}{index:03d}.flac"
        soundfile.write(str(folder / name), np.clip(stored, -1.0, 1.0), STORED_RATE_HZ, subtype="PCM_16")
        lines.append(
            json.dumps(
                {
                    "audio": name,
                    "text": text,
                    "kind": kind,
                    "speaker": speaker.name,
                    "snr_db": line.snr_db,
                    "gain_db": round(line.gain_db, 1),
                }
            )
        )
    (folder / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = sum(path.stat().st_size for path in folder.iterdir())
    print(
        f"{split}: {count} cases, {len({json.loads(x)['text'] for x in lines})} distinct, {size / 1e6:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=150, help="cases per split")
    args = parser.parse_args()
    for split in SEEDS:
        build(split, args.cases)


if __name__ == "__main__":
    main()

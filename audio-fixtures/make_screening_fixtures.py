"""Regenerate the screening fixtures: what callers say when asked why they are calling, labelled.

Writes ``screening/cases.jsonl`` and ``screening/*.wav`` next to this script: 44 reasons for
calling, about half important for a lawyer or consultant (urgent, court, deadlines, emergencies)
and half not (sales, routine questions, "no rush"), four of them deliberately hard, spoken by
Piper with varied speed, each with an ``"important"`` label.

Usage: python audio-fixtures/make_screening_fixtures.py (from the repository root, in the venv).
"""

from __future__ import annotations

import json
import sys
from itertools import cycle
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from make_fixtures import VOICE_VARIANTS, on_a_line, write_wav  # noqa: E402

from assistant.speech.tts import Synthesizer  # noqa: E402

CASES = [
    ("It's urgent, I need to talk to Alex today.", True),
    ("I'm calling about the court hearing tomorrow morning.", True),
    ("We have a filing deadline on Friday and the documents are missing.", True),
    ("My son has been arrested and I need a lawyer right away.", True),
    ("There is an emergency at the construction site.", True),
    ("The judge moved the trial to Monday, please call me back as soon as possible.", True),
    ("This is very important, it's about the merger agreement.", True),
    ("I received a subpoena this morning and don't know what to do.", True),
    ("The other side filed an injunction against us.", True),
    ("Please call back immediately, it's about the hearing.", True),
    ("It's Dana from the prosecutor's office about the deadline.", True),
    ("The police are at my house and I need advice.", True),
    ("Urgent matter regarding the settlement offer, it expires tonight.", True),
    ("I need help with an emergency custody issue.", True),
    ("The closing is today and the bank needs a signature right away.", True),
    ("Calling about the court date that was just changed.", True),
    ("It's important, the client wants to withdraw the appeal before the deadline.", True),
    ("We missed the filing and need to talk about it.", True),
    ("This is an emergency, please pick up.", True),
    ("The hearing was moved up to this afternoon.", True),
    ("Hi, I wanted to ask about your office hours.", False),
    ("I'm calling to offer you a great deal on office supplies.", False),
    ("Just following up on the invoice from last month, no rush.", False),
    ("Can we schedule a coffee sometime next week?", False),
    ("This is the dentist confirming your appointment on Thursday.", False),
    ("I'd like to update my mailing address.", False),
    ("Hello, I'm doing a short survey about legal services.", False),
    ("Just calling to say thank you for your help last week.", False),
    ("I have a question about the newsletter.", False),
    ("It's not urgent, call me whenever you have time.", False),
    ("We are selling advertising space in the local magazine.", False),
    ("I wanted to know if you have parking at the office.", False),
    ("Please send me a copy of the brochure.", False),
    ("This is the cleaning company about next month's schedule.", False),
    ("I'm calling about the holiday party.", False),
    ("Could you recommend a good accountant?", False),
    ("Your car's extended warranty is about to expire.", False),
    ("Just checking in, nothing important.", False),
    ("I'd like to book a meeting room for a workshop.", False),
    ("Hi, returning your call from yesterday about the lunch order.", False),
    # Hard cases, kept to show the limits of a word-based decision: urgency without the words,
    # and the words without urgency.
    ("My mother just had a stroke and I need to talk to Alex now.", True),
    ("They are going to foreclose on my house tomorrow.", True),
    ("I'm selling an online course about court reporting.", False),
    ("Is this the firm from the hearing aid advert? Just curious.", False),
]


def main() -> None:
    folder = ROOT / "screening"
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(7)
    synthesizers = cycle([Synthesizer(variant) for variant in VOICE_VARIANTS])
    lines = []
    for index, ((text, important), synthesizer) in enumerate(zip(CASES, synthesizers, strict=False), 1):
        name = f"reason{index:02d}.wav"
        write_wav(folder / name, on_a_line(synthesizer.synthesize(text), rng))
        lines.append(json.dumps({"audio": name, "important": important, "text": text}))
    (folder / "cases.jsonl").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} screening cases to {folder}")


if __name__ == "__main__":
    main()

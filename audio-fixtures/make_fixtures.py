"""Regenerate the speech recognition fixtures: what callers typically say, synthesized.

Writes, next to this script:

* ``asr/cases.jsonl`` and ``asr/*.wav``: about 40 utterances (names, reasons for calling, phone
  numbers, short answers) for dictation WER, spoken by Piper's "joe" voice with its speed and
  variation changed from case to case;
* ``commands/cases.jsonl`` and ``commands/*.wav``: single commands for grammar tests, and a few
  sentences that are in no grammar;
* ``commands/ko/cases.jsonl`` and ``commands/ko/*.wav``: Korean phrases spoken by espeak-ng, for
  the Vosk tests with the Korean model.

Every WAV is mono 16-bit at 16 kHz with a short pause before and after the speech and a faint
noise floor, as a phone line would have. Piper's output varies from run to run, so
regenerated files differ from the committed ones; the texts do not.

Usage: python audio-fixtures/make_fixtures.py  (from the repository root, in the project's venv)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from itertools import cycle
from pathlib import Path

import numpy as np
import soundfile
import soxr

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from assistant.speech.tts import Synthesizer, VoiceSettings  # noqa: E402

RATE_HZ = 16000
PAUSE_S = 0.35
NOISE_FLOOR = 24.0  # int16 RMS, about -63 dBFS
VOICE_VARIANTS = [
    VoiceSettings(length_scale=1.0, noise_scale=0.667, noise_w_scale=0.8),
    VoiceSettings(length_scale=1.1, noise_scale=0.5, noise_w_scale=0.6),
    VoiceSettings(length_scale=0.9, noise_scale=0.8, noise_w_scale=0.9),
    VoiceSettings(length_scale=1.2, noise_scale=0.6, noise_w_scale=0.7),
]

ASR_CASES = [
    "Hi, this is Maria Garcia calling about the hearing on Monday.",
    "It's urgent, please call me back at five five five one two three four.",
    "Yes.",
    "No.",
    "Put them through.",
    "Hello, my name is John Miller and I'm calling about my invoice.",
    "Can you tell Alex that the contract is ready to sign?",
    "I'd like to schedule an appointment for next Tuesday afternoon.",
    "This is Doctor Patel's office returning your call.",
    "Please take a message.",
    "I'm calling from the bank about a suspicious transaction on your account.",
    "Could you ask him to call me back before five o'clock?",
    "It's not urgent, I can call again tomorrow.",
    "Hi, it's Sarah, I'm running about ten minutes late.",
    "My number is eight one seven, four four two, nine zero one six.",
    "I'm calling about the apartment listing I saw online.",
    "Yes, that's right.",
    "No, thank you.",
    "Goodbye.",
    "Can I speak to Alex Morgan please?",
    "This is Tom from the IT department, your laptop is ready for pickup.",
    "The delivery will arrive on Thursday between nine and noon.",
    "I need to reschedule our meeting to Friday morning.",
    "Hello, this is Emily Chen with the school district.",
    "Could you let her know that the package was delivered?",
    "I'm returning a missed call from this number.",
    "We would like to offer you the position.",
    "This is a reminder about your dentist appointment on Wednesday.",
    "Please call me back when you get a chance.",
    "Okay, thanks.",
    "I'm calling about the car insurance renewal.",
    "Is this a good time to talk?",
    "Hi, this is David Kim, I'm a client of yours.",
    "Tell him it's about the quarterly report.",
    "I have a question about my bill.",
    "Sorry, wrong number.",
    "Maybe later.",
    "I'll hold.",
    "The court date was moved to the twenty first of March.",
    "Thank you, have a good day.",
]

COMMANDS = [
    ("yes", "Yes."),
    ("no", "No."),
    ("call_maria_garcia", "Call Maria Garcia."),
    ("play_my_messages", "Play my messages."),
    ("help", "Help."),
    ("goodbye", "Goodbye."),
    ("digits_1234", "One two three four."),
    ("put_them_through", "Put them through."),
    ("take_a_message", "Take a message."),
    ("call_chidimma_oyelaran", "Call Chidimma Oyelaran."),
    ("not_in_grammar_invoice", "I was wondering whether the invoice from last week has been paid already."),
    ("not_in_grammar_weather", "What is the weather going to be like tomorrow?"),
]

KOREAN = [
    ("ne", "네"),
    ("aniyo", "아니요"),
    ("annyeonghaseyo", "안녕하세요"),
    ("gamsahamnida", "감사합니다"),
    ("mannaseo_bangapseumnida", "안녕하세요, 만나서 반갑습니다"),
]


def on_a_line(speech: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Speech with a pause on each side and a faint noise floor, as int16."""
    pause = np.zeros(int(PAUSE_S * RATE_HZ), dtype=np.float32)
    audio = np.concatenate([pause, speech.astype(np.float32), pause])
    audio += rng.normal(0.0, NOISE_FLOOR, audio.shape).astype(np.float32)
    return np.clip(np.round(audio), -32768, 32767).astype(np.int16)


def write_wav(path: Path, audio: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), audio, RATE_HZ, subtype="PCM_16")


def write_cases(path: Path, cases: list[tuple[str, str]]) -> None:
    lines = [json.dumps({"audio": audio, "text": text}, ensure_ascii=False) for audio, text in cases]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def espeak_korean(text: str) -> np.ndarray:
    """Korean speech from espeak-ng, resampled to 16 kHz int16."""
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "ko.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), text], check=True)
        audio, rate = soundfile.read(str(wav), dtype="float32")
    return np.clip(soxr.resample(audio, rate, RATE_HZ) * 32768.0, -32768, 32767)


def main() -> None:
    rng = np.random.default_rng(20240501)
    synthesizers = [Synthesizer(settings) for settings in VOICE_VARIANTS]

    asr_dir = ROOT / "asr"
    shutil.rmtree(asr_dir, ignore_errors=True)
    asr_cases = []
    for index, (text, synthesizer) in enumerate(zip(ASR_CASES, cycle(synthesizers), strict=False)):
        name = f"case{index + 1:02d}.wav"
        write_wav(asr_dir / name, on_a_line(synthesizer.synthesize(text, rate_hz=RATE_HZ), rng))
        asr_cases.append((name, text))
    write_cases(asr_dir / "cases.jsonl", asr_cases)

    commands_dir = ROOT / "commands"
    shutil.rmtree(commands_dir, ignore_errors=True)
    command_cases = []
    for (slug, text), synthesizer in zip(COMMANDS, cycle(synthesizers[:2]), strict=False):
        write_wav(commands_dir / f"{slug}.wav", on_a_line(synthesizer.synthesize(text, rate_hz=RATE_HZ), rng))
        command_cases.append((f"{slug}.wav", text))
    write_cases(commands_dir / "cases.jsonl", command_cases)

    korean_cases = []
    for slug, text in KOREAN:
        write_wav(commands_dir / "ko" / f"{slug}.wav", on_a_line(espeak_korean(text), rng))
        korean_cases.append((f"{slug}.wav", text))
    write_cases(commands_dir / "ko" / "cases.jsonl", korean_cases)

    total = sum(path.stat().st_size for path in ROOT.rglob("*") if path.is_file())
    print(f"wrote {len(asr_cases)} dictation, {len(command_cases)} command, {len(korean_cases)} Korean cases")
    print(f"audio-fixtures: {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

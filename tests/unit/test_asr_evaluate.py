"""The dictation WER evaluation: per-case lines, the final line, telephony, and bad input."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from asr_audio import ASR_CASES

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.speech.asr.base import BufferedStream, Hypothesis
from assistant.speech.asr.evaluate import evaluate_asr, load_cases, run_eval_asr

CASE_LINE = re.compile(r"^(ok |err)  wer=\d+\.\d{3}  ref=.* hyp=.*$")
SUBSET = ["case03.wav", "case05.wav", "case02.wav"]


class ScriptedEngine:
    """Answers each utterance with the next scripted text; counts what it was fed."""

    name = "scripted"

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.chunk_sizes: list[int] = []

    def transcribe(self, audio) -> Hypothesis:
        return Hypothesis(self.answers.pop(0), 1.0)

    def stream(self) -> BufferedStream:
        engine = self

        class Counting(BufferedStream):
            def feed(self, audio):
                engine.chunk_sizes.append(audio.size)
                return super().feed(audio)

        return Counting(self.transcribe)


@pytest.fixture
def subset(tmp_path: Path) -> Path:
    entries = {json.loads(line)["audio"]: line for line in ASR_CASES.read_text().splitlines()}
    (tmp_path / "audio").mkdir()
    lines = []
    for wav in SUBSET:
        shutil.copy(ASR_CASES.parent / wav, tmp_path / "audio" / wav)
        entry = json.loads(entries[wav])
        lines.append(json.dumps({"audio": f"audio/{wav}", "text": entry["text"]}))
    cases_file = tmp_path / "cases.jsonl"
    cases_file.write_text("\n".join(lines) + "\n\n")
    return cases_file


def test_prints_a_line_per_case_and_the_corpus_wer(subset: Path) -> None:
    engine = ScriptedEngine(["Yes.", "put him through", "It's urgent, please call me back at 555-1234."])
    out = io.StringIO()
    report = evaluate_asr(subset, engine, telephony=False, out=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert all(CASE_LINE.match(line) for line in lines[:3]), lines
    assert lines[0].startswith("ok   wer=0.000  ref=Yes. hyp=Yes.")
    assert lines[1].startswith("err  wer=0.333")
    assert lines[2].startswith("ok ")
    assert lines[3] == "wer=0.056 n=3"  # 1 edit in 1 + 3 + 14 reference words
    assert report.wer == pytest.approx(1 / 18)
    full_chunks = engine.chunk_sizes.count(320)
    assert max(engine.chunk_sizes) == 320 and full_chunks >= len(engine.chunk_sizes) - 3, "20 ms chunks"


def test_telephony_changes_the_audio_not_the_scoring(subset: Path) -> None:
    out = io.StringIO()
    report = evaluate_asr(subset, ScriptedEngine(["yes", "put them through", "x"]), telephony=True, out=out)
    assert report.telephony and out.getvalue().splitlines()[-1].startswith("wer=")


def test_with_a_real_engine(subset: Path) -> None:
    out = io.StringIO()
    wer = run_eval_asr(Settings(), subset, "whisper", telephony=True, out=out)
    lines = out.getvalue().splitlines()
    assert all(CASE_LINE.match(line) for line in lines[:-1])
    assert lines[-1] == f"wer={wer:.3f} n=3"
    assert wer <= 0.2


def test_recordings_are_transcribed_whole_by_the_careful_decode(subset: Path) -> None:
    class CarefulEngine(ScriptedEngine):
        def __init__(self, answers: list[str]) -> None:
            super().__init__(answers)
            self.recordings: list[int] = []

        def transcribe_recording(self, audio) -> Hypothesis:
            self.recordings.append(audio.size)
            return self.transcribe(audio)

    careful = CarefulEngine(["Yes.", "put them through", "x"])
    evaluate_asr(subset, careful, telephony=False, out=io.StringIO(), recordings=True)
    assert len(careful.recordings) == 3 and min(careful.recordings) > 320 and careful.chunk_sizes == []

    plain = ScriptedEngine(["Yes.", "put them through", "x"])
    report = evaluate_asr(subset, plain, telephony=False, out=io.StringIO(), recordings=True)
    assert plain.chunk_sizes == [] and report.results[1].hypothesis == "put them through"


def test_recordings_with_a_real_engine(subset: Path) -> None:
    out = io.StringIO()
    wer = run_eval_asr(Settings(), subset, "whisper", telephony=True, out=out, recordings=True)
    assert out.getvalue().splitlines()[-1] == f"wer={wer:.3f} n=3"
    assert wer <= 0.2


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"audio": "missing.wav", "text": "hi"}', "line 2: audio file missing.wav not found"),
        ("{not json", "line 2: not valid JSON"),
        ('{"audio": "good.wav"}', 'line 2: the "text"'),
        ('["good.wav", "hi"]', "line 2: expected"),
        ('{"audio": "bad.wav", "text": "hi"}', "line 2: cannot read audio file bad.wav"),
    ],
)
def test_bad_input_names_the_line(tmp_path: Path, content: str, problem: str) -> None:
    shutil.copy(ASR_CASES.parent / "case03.wav", tmp_path / "good.wav")
    (tmp_path / "bad.wav").write_bytes(b"RIFF not really a wav")
    cases_file = tmp_path / "cases.jsonl"
    cases_file.write_text('{"audio": "good.wav", "text": "yes"}\n' + content + "\n")
    with pytest.raises(AssistantError) as error:
        load_cases(cases_file)
    assert error.value.code == "eval-cases"
    assert problem in str(error.value)
    assert str(cases_file) in str(error.value)


def test_a_missing_cases_file(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="cannot read cases file"):
        run_eval_asr(Settings(), tmp_path / "nope.jsonl", "whisper", telephony=False, out=io.StringIO())


def test_cases_that_name_speakers_and_kinds_get_a_wer_for_each(subset: Path) -> None:
    entries = [json.loads(line) for line in subset.read_text().splitlines() if line.strip()]
    labels = [("piper", "short"), ("espeak", "reason"), ("espeak", "number")]
    for entry, (speaker, kind) in zip(entries, labels, strict=True):
        entry.update(speaker=speaker, kind=kind)
    subset.write_text("\n".join(json.dumps(entry) for entry in entries) + "\n")
    out = io.StringIO()
    evaluate_asr(subset, ScriptedEngine(["Yes.", "put him through", "x"]), telephony=False, out=out)
    lines = out.getvalue().splitlines()
    assert lines[3:8] == [
        "kind=number wer=1.000 n=1",
        "kind=reason wer=0.333 n=1",
        "kind=short wer=0.000 n=1",
        "speaker=espeak wer=0.882 n=2",  # (1 + 14) edits in 3 + 14 words
        "speaker=piper wer=0.000 n=1",
    ]
    assert lines[-1].startswith("wer=")

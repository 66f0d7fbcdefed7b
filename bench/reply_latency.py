"""End of the caller's speech to the first sound of the assistant's reply, on real calls through Asterisk.

Starts its own lab Asterisk instance and `assistant up` (on free loopback ports, a temporary data
folder), then places calls to the speech test line. Each simulated caller answers the yes/no
question with "yes" (a closed-set turn: the reply is "You chose yes.") and then says a sentence
(a free-speech turn, dictation: the reply is "I heard: ..."), and measures on its own side of
the line the time from the end of its speech to the first sound of each reply. The end of
speech is the last voiced frame of what it said: its playback ends later by the quiet at the
end of the synthesized sentence, which is added back. Runs 1 call, then N concurrent calls whose
starts are spread over `--spread` seconds (0: all at once, every turn of every call at the same
moment). A first call, not counted, has the service synthesize the fixed reply once.

Run: .venv/bin/python bench/reply_latency.py [--concurrent 10] [--rounds 3] [--spread 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from assistant.config import Settings
from assistant.pbx import lab
from assistant.simcall import Step, simulated_caller
from assistant.speech.endpointing import FRAME_MS, Endpointer

SENTENCES = [
    "I am calling about the contract for the new office.",
    "This is Maria Garcia from the bank.",
    "Please tell him the delivery arrives on Thursday.",
    "I have a question about my last invoice.",
    "Could you ask her to call me back this afternoon?",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def trailing_quiet_s(audio: np.ndarray) -> float:
    """How long the end of a synthesized utterance is unvoiced (as the endpointer judges frames)."""
    endpointer = Endpointer()
    frame = 16000 * FRAME_MS // 1000
    frames = [audio[start : start + frame] for start in range(0, audio.size - frame + 1, frame)]
    voiced = [index for index, chunk in enumerate(frames) if endpointer.is_voiced(chunk)]
    return (len(frames) - 1 - voiced[-1]) * FRAME_MS / 1000 if voiced else 0.0


async def measure(settings: Settings, concurrent: int, rounds: int, spread_s: float) -> dict[str, list]:
    latencies: dict[str, list[float]] = {"closed set": [], "free speech": []}
    rng = np.random.default_rng(concurrent)
    async with simulated_caller(settings) as caller:
        quiet = {}
        for text in ["yes", *SENTENCES]:
            path = await caller.voice.ensure_async(text)
            quiet[text] = trailing_quiet_s(np.frombuffer(path.read_bytes(), dtype="<i2"))

        async def one_call(index: int, delay_s: float):
            await asyncio.sleep(delay_s)
            sentence = SENTENCES[index % len(SENTENCES)]
            result = await caller.call(
                settings.speech_test_line,
                [
                    Step(say="yes", measure_reply=True),
                    Step(say=sentence, measure_reply=True, hang_up_after=True),
                ],
                caller_number=f"+1404555{index:04d}",
                max_call_s=60,
                transcribe=False,
            )
            said = ["yes", sentence]
            return [onset + quiet[text] for onset, text in zip(result.reply_latencies_s, said, strict=False)]

        for _ in range(rounds):
            delays = rng.uniform(0, spread_s, concurrent) if concurrent > 1 else [0.0]
            for measured in await asyncio.gather(*(one_call(i, d) for i, d in enumerate(delays))):
                for turn, value in zip(latencies, measured, strict=False):
                    latencies[turn].append(value)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrent", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--spread", type=float, default=5.0, help="seconds over which the calls start")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="assistant-bench-")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ASSISTANT_", "ARI_"))}
    env.update(
        {
            "ASSISTANT_LAB_NAME": f"bench-{os.getpid()}",
            "ASSISTANT_LAB_HTTP_PORT": str(free_port()),
            "ASSISTANT_LAB_SIP_PORT": str(free_port()),
            "ASSISTANT_LAB_RTP_START": "32000",
            "ASSISTANT_LAB_RTP_END": "32999",
            "ASSISTANT_API_PORT": str(free_port()),
            "ASSISTANT_SMTP_PORT": str(free_port()),
            "ASSISTANT_DATA_DIR": data,
            "ASSISTANT_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.clear()
    os.environ.update(env)
    settings = Settings(_env_file=None)
    lab.start(settings)
    service = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "up"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data) / "service.log", "wb"),
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{settings.api_port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        print(
            f"machine: {os.cpu_count()} cores; default engines; calls start within {args.spread:g} s; "
            f"{args.rounds} round(s)"
        )
        asyncio.run(measure(settings, 1, 1, 0.0))  # not counted: synthesizes "You chose yes." once
        for concurrent in (1, args.concurrent):
            measured = asyncio.run(measure(settings, concurrent, args.rounds, args.spread))
            for turn, values in measured.items():
                if not values:
                    print(f"{concurrent:>2} concurrent, {turn}: no measurement (no reply heard)")
                    continue
                print(
                    f"{concurrent:>2} concurrent call(s), {turn:<11}: end of speech -> reply audio "
                    f"p50 {statistics.median(values):.3f} s, p95 {percentile(values, 0.95):.3f} s, "
                    f"max {max(values):.3f} s (n={len(values)})"
                )
    finally:
        service.terminate()
        service.wait(timeout=30)
        lab.stop(settings)


if __name__ == "__main__":
    main()

"""End of the caller's speech to the first sound of the assistant's reply, on real calls through Asterisk.

Starts its own lab Asterisk instance and `assistant up` (on free loopback ports, a temporary data
folder), then places calls to the speech test line: each simulated caller answers the yes/no
question with "yes" and measures, on its own side of the line, the time from the end of its
speech to the first sound of "You chose yes". Runs 1 call, then N concurrent calls.

Run: .venv/bin/python bench/reply_latency.py [--concurrent 10] [--rounds 3]
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

from assistant.config import Settings
from assistant.pbx import lab
from assistant.simcall import Step, simulated_caller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def measure(settings: Settings, concurrent: int, rounds: int) -> list[float]:
    latencies: list[float] = []
    async with simulated_caller(settings) as caller:
        for _ in range(rounds):
            calls = [
                caller.call(
                    settings.speech_test_line,
                    [Step(say="yes", measure_reply=True, hang_up_after=True)],
                    caller_number=f"+1404555{index:04d}",
                    max_call_s=40,
                    transcribe=False,
                )
                for index in range(concurrent)
            ]
            for result in await asyncio.gather(*calls):
                latencies.extend(result.reply_latencies_s)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrent", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
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
        print(f"machine: {os.cpu_count()} cores; the default grammar engine; the reply synthesized once")
        for concurrent in (1, args.concurrent):
            values = asyncio.run(measure(settings, concurrent, args.rounds))
            if not values:
                print(f"{concurrent:>2} concurrent: no measurement (no reply heard)")
                continue
            print(
                f"{concurrent:>2} concurrent call(s): end of speech -> reply audio "
                f"p50 {statistics.median(values):.3f} s, p95 {percentile(values, 0.95):.3f} s, "
                f"max {max(values):.3f} s (n={len(values)})"
            )
    finally:
        service.terminate()
        service.wait(timeout=30)
        lab.stop(settings)


if __name__ == "__main__":
    main()

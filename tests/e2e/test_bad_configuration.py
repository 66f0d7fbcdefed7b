"""Bad configuration ends `assistant up` with one clear line and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.pbx import lab
from tests.conftest import free_port

pytestmark = pytest.mark.e2e


def run_up(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "up"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("assistant: "), last
    for phrase in phrases:
        assert phrase in last, last


def test_unreachable_ari(lab_env):
    port = free_port()
    env = {**lab_env, "ARI_URL": f"http://127.0.0.1:{port}/ari", "ARI_PASSWORD": "secret"}

    result = run_up(env)

    assert_one_clear_line(result, "cannot reach Asterisk's ARI", f"127.0.0.1:{port}", "[ari-unreachable]")


def test_wrong_ari_password(asterisk, lab_env):
    env = {
        **lab_env,
        "ARI_URL": asterisk.effective_ari_url,
        "ARI_USER": lab.ari_credentials(asterisk).user,
        "ARI_PASSWORD": "not-the-password",
    }

    result = run_up(env)

    assert_one_clear_line(result, "rejected the user name or password", "[ari-auth]")


def test_database_folder_not_writable(asterisk, lab_env, tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("a regular file where the data folder's parent should be")
    # its own API port: the suite's service may already be serving on the lab's
    env = {**lab_env, "ASSISTANT_DATA_DIR": str(blocker / "data"), "ASSISTANT_API_PORT": str(free_port())}

    result = run_up(env)

    assert_one_clear_line(result, "not writable", "[db-unwritable]")

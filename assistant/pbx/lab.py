"""The lab Asterisk: a Debian sid root built with debootstrap, configured from templates, started in a chroot.

One root (in the cache folder, outside the source tree) serves any number of lab
instances; each instance has its own folder inside the root with its configuration,
spool, logs and database, so a developer's running service and a test run can share
the root without sharing ports or state.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import httpx

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.pbx import softphones, webphone

log = logging.getLogger(__name__)

ROOT_PACKAGES = ("asterisk", "asterisk-modules", "asterisk-core-sounds-en-gsm", "asterisk-moh-opsound-gsm")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
ROOT_READY_MARKER = ".assistant-root-ready"
ASTERISK_START_TIMEOUT_S = 30.0
ASTERISK_STOP_TIMEOUT_S = 15.0

# Modules that only print errors here (no hardware, no config, or a service we do not run).
NOISY_MODULES = (
    # no hardware or no service behind them here
    "chan_dahdi.so",
    "codec_dahdi.so",
    "res_timing_dahdi.so",
    "chan_mobile.so",
    "chan_ooh323.so",
    "chan_unistim.so",
    "chan_skinny.so",
    "chan_mgcp.so",
    "chan_iax2.so",
    "chan_motif.so",
    "res_xmpp.so",
    "chan_console.so",
    "chan_alsa.so",
    "chan_oss.so",
    "res_corosync.so",
    "res_snmp.so",
    "res_smdi.so",
    "res_calendar.so",
    "res_calendar_caldav.so",
    "res_calendar_ews.so",
    "res_calendar_exchange.so",
    "res_calendar_icalendar.so",
    "res_fax.so",
    "res_fax_spandsp.so",
    "app_festival.so",
    "app_jack.so",
    "pbx_dundi.so",
    "pbx_lua.so",
    "pbx_ael.so",
    "res_ael_share.so",
    "res_prometheus.so",
    "res_statsd.so",
    "res_chan_stats.so",
    "res_endpoint_stats.so",
    "res_pktccops.so",
    "res_hep.so",
    "res_hep_pjsip.so",
    "res_hep_rtcp.so",
    "res_phoneprov.so",
    "res_pjsip_phoneprov_provider.so",
    "res_resolver_unbound.so",
    "res_stir_shaken.so",
    "res_pjsip_stir_shaken.so",
    "res_geolocation.so",
    "res_pjsip_geolocation.so",
    "res_aeap.so",
    "res_speech_aeap.so",
    "res_config_curl.so",
    "res_adsi.so",
    "app_adsiprog.so",
    "app_getcpeid.so",
    "app_alarmreceiver.so",
    "res_mwi_external.so",
    "res_mwi_external_ami.so",
    "res_ari_mailboxes.so",
    "app_minivm.so",
    # database back ends we do not use (ours is the service's own database)
    "cdr_pgsql.so",
    "cel_pgsql.so",
    "cdr_tds.so",
    "cel_tds.so",
    "cdr_odbc.so",
    "cel_odbc.so",
    "cdr_radius.so",
    "cel_radius.so",
    "cdr_adaptive_odbc.so",
    "res_odbc.so",
    "res_odbc_transaction.so",
    "res_config_odbc.so",
    "func_odbc.so",
    "res_config_pgsql.so",
    "res_config_mysql.so",
    "res_config_ldap.so",
    "res_config_sqlite3.so",
    "cdr_sqlite3_custom.so",
    "cel_sqlite3_custom.so",
    "cdr_custom.so",
    "cel_custom.so",
    "cdr_manager.so",
    "cdr_csv.so",
    "cel_manager.so",
    "cdr_beanstalkd.so",
    "cel_beanstalkd.so",
    "app_voicemail.so",
    "app_voicemail_imap.so",
    "app_voicemail_odbc.so",
    # features the service does itself or does not offer, which want their own config
    "app_agent_pool.so",
    "app_confbridge.so",
    "app_page.so",
    "app_queue.so",
    "app_amd.so",
    "app_followme.so",
    "res_parking.so",
    "res_clialiases.so",
    "res_stun_monitor.so",
    "chan_websocket.so",
    "res_pjsip_config_wizard.so",
    "res_pjsip_notify.so",
)
# Stock files of the Debian package used as they are; files we need present but empty.
STOCK_CONFIGS = ("indications.conf",)
EMPTY_CONFIGS = ("acl.conf", "websocket_client.conf")
GENERAL_ONLY_CONFIGS = (
    "ccss.conf",
    "udptl.conf",
    "pjproject.conf",
    "res_http_media_cache.conf",
    "features.conf",
)


@dataclass(frozen=True)
class Credentials:
    url: str
    user: str
    password: str


def ari_credentials(settings: Settings) -> Credentials:
    """The ARI URL and login the service uses: the configured Asterisk's, else the lab's."""
    if not settings.uses_lab:
        if not settings.ari_password:
            raise AssistantError("ari-config", "ARI_URL is set but ARI_PASSWORD is not")
        return Credentials(settings.effective_ari_url, settings.ari_user, settings.ari_password)
    return Credentials(settings.effective_ari_url, settings.ari_user, _lab_password(settings))


def _lab_password(settings: Settings) -> str:
    path = settings.cache_dir / "labs" / settings.lab_name / "ari-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def debian_mirror(settings: Settings) -> str:
    """The mirror this machine's apt uses, so the root comes from the same place."""
    if settings.debian_mirror:
        return settings.debian_mirror
    for source in (Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")):
        if source.exists():
            text = source.read_text()
            match = re.search(r"^URIs:\s*(\S+)", text, re.M) or re.search(
                r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)", text, re.M
            )
            if match and "security" not in match.group(1):
                return match.group(1)
    return DEFAULT_MIRROR


def ensure_root(settings: Settings) -> Path:
    """Build the Asterisk root once; reuse it while its package list is unchanged."""
    root = settings.lab_root
    marker = root / ROOT_READY_MARKER
    wanted = ",".join(ROOT_PACKAGES)
    if marker.exists() and marker.read_text().strip() == wanted:
        return root
    if os.geteuid() != 0:
        raise AssistantError("lab-needs-root", "building and running the lab Asterisk needs root (chroot)")
    if shutil.which("debootstrap") is None:
        raise AssistantError(
            "lab-no-debootstrap", "debootstrap is not installed: apt-get install debootstrap"
        )
    staging = root.with_name(root.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    mirror = debian_mirror(settings)
    log.info("building the Asterisk root in %s from %s (about a minute)", root, mirror)
    cmd = ["debootstrap", "--variant=minbase", f"--include={wanted}", "sid", str(staging), mirror]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-5:])
        raise AssistantError("lab-build-failed", f"debootstrap failed ({result.returncode}):\n{tail}")
    shutil.rmtree(root, ignore_errors=True)
    staging.rename(root)
    (root / ROOT_READY_MARKER).write_text(wanted)
    return root


def render_config(settings: Settings) -> Path:
    """Write the lab instance's configuration from the templates; return its asterisk.conf."""
    creds = ari_credentials(settings)
    lab = settings.lab_dir
    for sub in ("etc", "db", "keys", "spool/recording", "spool/fallback", "run", "log", "cache", "sounds"):
        (lab / sub).mkdir(parents=True, exist_ok=True)
    values = {
        "lab_name": settings.lab_name,
        "lab": settings.lab_dir_in_root,
        "http_port": settings.lab_http_port,
        "sip_port": settings.lab_sip_port,
        "phone_bind": settings.lab_phone_bind,
        "phone_port": settings.lab_phone_port,
        "softphones_conf": softphones.CONFIG_NAME,
        "webphone_conf": webphone.CONFIG_NAME,
        "https_port": settings.lab_https_port,
        **webphone.install_certificate(settings),
        "rtp_start": settings.lab_rtp_start,
        "rtp_end": settings.lab_rtp_end,
        "ari_user": creds.user,
        "ari_password": creds.password,
        "app_name": settings.app_name,
        "smart_number": settings.smart_number,
        "assistant_line": settings.assistant_line,
        "speech_test_line": settings.speech_test_line,
        "fallback_dir": f"{settings.lab_dir_in_root}/spool/fallback",
        "voicemail_max_s": 180,
        "noload": "\n".join(f"noload => {name}" for name in dict.fromkeys(NOISY_MODULES)),
    }
    templates = resources.files("assistant.pbx") / "templates"
    for template in templates.iterdir():
        if template.name.endswith(".conf") and template.name not in (softphones.TEMPLATE, webphone.TEMPLATE):
            text = re.sub(r"\{\{(\w+)\}\}", lambda m: str(values[m.group(1)]), template.read_text())
            (lab / "etc" / template.name).write_text(text)
    (lab / "etc" / softphones.CONFIG_NAME).write_text(softphones.render(settings))
    (lab / "etc" / webphone.CONFIG_NAME).write_text(webphone.render(settings))
    for name in STOCK_CONFIGS:
        shutil.copyfile(settings.lab_root / "etc" / "asterisk" / name, lab / "etc" / name)
    for name in EMPTY_CONFIGS:
        (lab / "etc" / name).write_text("")
    for name in GENERAL_ONLY_CONFIGS:
        (lab / "etc" / name).write_text("[general]\n")
    return lab / "etc" / "asterisk.conf"


def _pid_file(settings: Settings) -> Path:
    return settings.lab_dir / "asterisk.pid"


def running_pid(settings: Settings) -> int | None:
    """The pid of this lab instance's Asterisk, if it runs."""
    try:
        pid = int(_pid_file(settings).read_text())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists() or b"asterisk" not in cmdline.read_bytes():
        return None
    return pid


def start(settings: Settings) -> int:
    """Start the lab Asterisk (building the root first if needed) and wait until ARI answers."""
    pid = running_pid(settings)
    if pid is not None:
        log.info("lab Asterisk already running (pid %d)", pid)
        return pid
    root = ensure_root(settings)
    render_config(settings)
    log_path = settings.lab_dir / "log" / "console.log"
    conf = f"{settings.lab_dir_in_root}/etc/asterisk.conf"
    with open(log_path, "ab") as console:
        proc = subprocess.Popen(
            ["chroot", str(root), "/usr/sbin/asterisk", "-f", "-n", "-C", conf],
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=console,
            start_new_session=True,
        )
    _pid_file(settings).write_text(str(proc.pid))
    log.info("lab Asterisk starting (pid %d), ARI on %s", proc.pid, settings.effective_ari_url)
    try:
        wait_until_ready(settings, proc)
    except AssistantError:
        stop(settings)
        raise
    return proc.pid


def wait_until_ready(settings: Settings, proc: subprocess.Popen | None = None) -> None:
    creds = ari_credentials(settings)
    deadline = time.monotonic() + ASTERISK_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssistantError(
                "lab-start-failed",
                f"Asterisk exited with {proc.returncode}; see {settings.lab_dir / 'log' / 'console.log'}",
            )
        try:
            reply = httpx.get(f"{creds.url}/asterisk/info", auth=(creds.user, creds.password), timeout=1.0)
            if reply.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssistantError(
        "lab-start-failed", f"Asterisk's ARI did not answer within {ASTERISK_START_TIMEOUT_S:.0f} s"
    )


def stop(settings: Settings) -> bool:
    """Stop this lab instance's Asterisk; True if one was running."""
    pid = running_pid(settings)
    if pid is None:
        _pid_file(settings).unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + ASTERISK_STOP_TIMEOUT_S
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    _pid_file(settings).unlink(missing_ok=True)
    log.info("lab Asterisk stopped (pid %d)", pid)
    return True


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return state.exists() and state.read_text().split()[2] != "Z"


def status(settings: Settings) -> dict:
    pid = running_pid(settings)
    return {
        "root": str(settings.lab_root),
        "root_ready": (settings.lab_root / ROOT_READY_MARKER).exists(),
        "running": pid is not None,
        "pid": pid,
        "ari_url": settings.effective_ari_url,
        "sip": f"127.0.0.1:{settings.lab_sip_port}",
        "softphones": f"{settings.lab_phone_bind}:{settings.lab_phone_port}",
        "webphone": webphone.account(settings).websocket_url,
    }

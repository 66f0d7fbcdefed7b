"""The lab's softphone accounts: passwords made once and kept, and the pjsip.conf sections they become."""

from __future__ import annotations

import re
import stat

from assistant.config import Settings
from assistant.pbx import softphones


def lab_settings(tmp_path, **changes) -> Settings:
    return Settings(_env_file=None, cache_dir=tmp_path, **{"lab_name": "unit", **changes})


def test_each_extension_gets_its_own_password_kept_from_one_run_to_the_next(tmp_path):
    first = softphones.accounts(lab_settings(tmp_path))
    again = softphones.accounts(lab_settings(tmp_path))

    assert [a.extension for a in first] == list(softphones.EXTENSIONS)
    assert first == again
    assert len({a.password for a in first}) == len(first)
    assert all(re.fullmatch(r"[A-Za-z0-9]{16}", a.password) for a in first)
    kept = tmp_path / "labs" / "unit" / "softphones.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_another_lab_instance_has_other_passwords(tmp_path):
    one = softphones.accounts(lab_settings(tmp_path))
    other = softphones.accounts(lab_settings(tmp_path, lab_name="other"))

    assert {a.password for a in one}.isdisjoint(a.password for a in other)


def test_accounts_name_the_transport_the_softphones_register_on(tmp_path):
    (account, *_) = softphones.accounts(
        lab_settings(tmp_path, lab_phone_bind="10.8.0.1", lab_phone_port=5070)
    )

    assert account.uri == "sip:201@10.8.0.1:5070"


def test_rendered_config_has_endpoint_auth_and_aor_per_extension(tmp_path):
    settings = lab_settings(tmp_path)
    text = softphones.render(settings)

    assert "{{" not in text
    for account in softphones.accounts(settings):
        ext = account.extension
        assert f"[{ext}]\ntype = endpoint\n" in text
        assert f"auth = {ext}-auth\n" in text
        auth = f"[{ext}-auth]\ntype = auth\nauth_type = userpass\nusername = {ext}\n"
        assert auth + f"password = {account.password}\n" in text
        assert f"[{ext}]\ntype = aor\nmax_contacts = 1\n" in text

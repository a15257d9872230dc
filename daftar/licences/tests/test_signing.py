"""Ed25519 signing of licence payloads and the offline ``verify_licence`` command."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from daftar.licences import signing
from daftar.licences.services import mask_name

PAYLOAD = signing.payload_build(
    number="TEH-1404-000001",
    municipality="tehran",
    holder="س*** م***ی",
    issued="2025-11-24",
    valid_until="2028-11-24",
)


@pytest.fixture(autouse=True)
def signing_key(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "licence-ed25519.pem"
    settings.LICENCE_SIGNING_KEY_FILE = str(path)
    return path


def test_payload_format() -> None:
    assert PAYLOAD == "DFT1|TEH-1404-000001|tehran|س*** م***ی|2025-11-24|2028-11-24"
    assert signing.payload_parse(PAYLOAD)["valid_until"] == "2028-11-24"


def test_round_trip_and_key_created_private(signing_key: Path) -> None:
    signature = signing.sign(PAYLOAD)
    assert len(signature) == 86 and "=" not in signature
    assert signing.verify(PAYLOAD, signature)
    assert signing.verify(PAYLOAD, signature, public_key_pem=signing.public_key_pem())
    assert stat.S_IMODE(signing_key.stat().st_mode) == 0o600
    assert signing.public_key_pem().startswith("-----BEGIN PUBLIC KEY-----")


@pytest.mark.parametrize(
    ("old", "new"),
    [("TEH-1404-000001", "TEH-1404-000002"), ("2028-11-24", "2029-11-24"), ("tehran", "tehrax")],
)
def test_tampered_payload_fails(old: str, new: str) -> None:
    signature = signing.sign(PAYLOAD)
    assert not signing.verify(PAYLOAD.replace(old, new), signature)


def test_garbage_never_raises() -> None:
    assert not signing.verify(PAYLOAD, "")
    assert not signing.verify(PAYLOAD, "not base64!")
    assert not signing.verify(PAYLOAD, signing.sign(PAYLOAD), public_key_pem="not a key")


def test_production_refuses_without_key(settings: Any, signing_key: Path) -> None:
    settings.DEBUG = False
    settings.LICENCE_SIGNING_KEY_CREATE = False
    with pytest.raises(signing.SigningKeyMissing, match="DAFTAR_LICENCE_SIGNING_KEY_FILE"):
        signing.sign(PAYLOAD)
    assert not signing_key.exists()


def test_token_parse_accepts_qr_text_and_plain_payload() -> None:
    signature = signing.sign(PAYLOAD)
    qr = signing.qr_text("https://daftar.example.ir", "TEH-1404-000001", PAYLOAD, signature)
    assert qr.startswith("https://daftar.example.ir/licences/verify/TEH-1404-000001?p=")
    assert signing.token_parse(qr) == (PAYLOAD, signature)
    assert signing.token_parse(f"{PAYLOAD}.{signature}") == (PAYLOAD, signature)
    for bad in ("", "abc", "abc.def", "https://x/licences/verify/1?q=1"):
        with pytest.raises(signing.MalformedPayload):
            signing.token_parse(bad)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("سارا محمدی", "س*** م***ی"),
        ("علی‌رضا حسینی", "ع*** ح***ی"),
        ("شرکت نوآوران شهر هوشمند", "ش*** ن*** ش*** ه***د"),
        ("م", "م"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


# --- the offline command (no database: these tests are not marked django_db) ----------------


def _public_key_file(tmp_path: Path) -> Path:
    path = tmp_path / "public.pem"
    path.write_text(signing.public_key_pem())
    return path


def test_command_accepts_a_genuine_qr(tmp_path: Path, capsys: Any) -> None:
    qr = signing.qr_text("https://daftar.example.ir", "TEH-1404-000001", PAYLOAD, signing.sign(PAYLOAD))
    call_command("verify_licence", qr, public_key=str(_public_key_file(tmp_path)))
    out = capsys.readouterr().out
    assert "TEH-1404-000001" in out and "۱۴۰۷/۰۹/۰۴" in out and "signature valid" in out


def test_command_refuses_a_tampered_token(tmp_path: Path, capsys: Any) -> None:
    signature = signing.sign(PAYLOAD)
    forged = signing.token(PAYLOAD.replace("000001", "000009"), signature)
    with pytest.raises(CommandError) as caught:
        call_command("verify_licence", forged, public_key=str(_public_key_file(tmp_path)))
    assert caught.value.returncode == 1
    assert "INVALID" in str(caught.value)
    assert "TEH-1404-000009" in capsys.readouterr().out


def test_command_refuses_malformed_text(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("verify_licence", "hello", public_key=str(_public_key_file(tmp_path)))
    assert caught.value.returncode == 1


def test_command_uses_the_configured_key_without_creating_one(settings: Any, signing_key: Path) -> None:
    token = signing.token(PAYLOAD, signing.sign(PAYLOAD))
    call_command("verify_licence", token)  # the key made by sign()
    settings.LICENCE_SIGNING_KEY_FILE = str(signing_key.parent / "absent.pem")
    with pytest.raises(CommandError) as caught:
        call_command("verify_licence", token)
    assert caught.value.returncode == 1
    assert not (signing_key.parent / "absent.pem").exists()

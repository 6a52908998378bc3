"""X-Notion-Signature against the published and computed vectors in ../shared/data/notion."""

import json

import pytest

from backend.notion.signature import is_valid, sign
from tests.backend.notion.factories import DATA

VECTORS = json.loads((DATA / "signature_vectors.json").read_text())["vectors"]
SIGNED = [v for v in VECTORS if "expected_header" in v]
NEGATIVE = [v for v in VECTORS if "expected_header_must_not_equal" in v]


def raw_body(vector: dict) -> bytes:
    if "raw_body_file" in vector:
        return (DATA / vector["raw_body_file"]).read_bytes()
    return vector["raw_body"].encode()


def test_the_fixture_holds_the_official_vector() -> None:
    assert any(v["id"] == "notion-docs-official" for v in SIGNED)
    assert len(SIGNED) >= 3 and NEGATIVE


@pytest.mark.parametrize("vector", SIGNED, ids=lambda v: v["id"])
def test_every_signed_vector_verifies(vector: dict) -> None:
    body = raw_body(vector)

    assert sign(vector["verification_token"], body) == vector["expected_header"]
    assert is_valid(vector["verification_token"], body, vector["expected_header"])


@pytest.mark.parametrize("vector", SIGNED, ids=lambda v: v["id"])
def test_every_tampered_vector_fails(vector: dict) -> None:
    body = raw_body(vector)
    token, header = vector["verification_token"], vector["expected_header"]
    flipped = bytes([body[0] ^ 1]) + body[1:]
    other_digest = header[:-1] + ("0" if header[-1] != "0" else "1")

    assert not is_valid(token, flipped, header)
    assert not is_valid(token, body + b" ", header)
    assert not is_valid(token + "x", body, header)
    assert not is_valid(token, body, other_digest)
    assert not is_valid(token, body, header.removeprefix("sha256="))


@pytest.mark.parametrize("vector", NEGATIVE, ids=lambda v: v["id"])
def test_a_signature_under_another_key_fails(vector: dict) -> None:
    body = raw_body(vector)
    forged = vector["expected_header_must_not_equal"]

    assert sign(vector["verification_token"], body) == vector["computed"]
    assert not is_valid(vector["verification_token"], body, forged)


def test_the_pretty_printed_file_and_the_minified_body_sign_differently() -> None:
    by_id = {v["id"]: v for v in SIGNED}
    minified = by_id["computed-page.properties_updated-minified"]
    pretty = by_id["computed-page.properties_updated-pretty-file-bytes"]

    assert json.loads(raw_body(minified)) == json.loads(raw_body(pretty))
    assert not is_valid(pretty["verification_token"], raw_body(pretty), minified["expected_header"])


def test_a_missing_header_or_token_fails() -> None:
    assert not is_valid("secret_x", b"{}", None)
    assert not is_valid("secret_x", b"{}", "")
    assert not is_valid("", b"{}", sign("", b"{}"))

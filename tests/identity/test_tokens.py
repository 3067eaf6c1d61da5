"""Access tokens: only identity's current keys, one algorithm, the right audience, unexpired."""

from __future__ import annotations

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey

from kasane_shared.auth.tokens import TokenIssuer
from tests.helpers import assert_problem, auth, login


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(suite, sub: str, sid: str, **override) -> dict:
    now = int(time.time())
    claims = {
        "iss": suite.settings.token_issuer,
        "aud": suite.settings.token_audience,
        "sub": sub,
        "sid": sid,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": "forged",
        "roles": ["admin", "coordinator"],
    }
    claims.update(override)
    return claims


@pytest.fixture
def signed_in(suite, people):
    """A real token and its decoded claims."""
    token = login(suite.client, "demo-member-1").json()["access_token"]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    return token, claims, header


def _kid_and_key(suite) -> tuple[str, ECKey]:
    issuer = suite.suite.identity.state.signing_keys.issuer()
    return issuer.key.kid, issuer.key


def test_real_token_works(suite, signed_in):
    token, claims, header = signed_in
    assert header["alg"] == "ES256" and header["kid"]
    assert suite.client.get("/identity/me", headers=auth(token)).status_code == 200
    assert claims["aud"] == suite.settings.token_audience


def test_forged_with_another_key_same_kid(suite, signed_in):
    _, claims, header = signed_in
    attacker = ECKey.generate_key("P-256", parameters={"kid": header["kid"]})
    forged = jwt.encode(
        {"alg": "ES256", "kid": header["kid"]},
        _claims(suite, claims["sub"], claims["sid"]),
        attacker,
        algorithms=["ES256"],
    )
    assert_problem(suite.client.get("/identity/me", headers=auth(forged)), 401, "invalid_token")


def test_alg_none(suite, signed_in):
    _, claims, header = signed_in
    none_header = _b64({"alg": "none", "kid": header["kid"]})
    unsigned = f"{none_header}.{_b64(_claims(suite, claims['sub'], claims['sid']))}."
    assert_problem(suite.client.get("/identity/me", headers=auth(unsigned)), 401, "invalid_token")


def test_hs256_with_public_key_as_secret(suite, signed_in):
    _, claims, header = signed_in
    kid, key = _kid_and_key(suite)
    secret = OctKey.import_key(json.dumps(key.as_dict(private=False)).encode())
    forged = jwt.encode(
        {"alg": "HS256", "kid": kid},
        _claims(suite, claims["sub"], claims["sid"]),
        secret,
        algorithms=["HS256"],
    )
    assert_problem(suite.client.get("/identity/me", headers=auth(forged)), 401, "invalid_token")


@pytest.mark.parametrize(
    "override",
    [
        {"aud": "another-service"},
        {"iss": "someone-else"},
        {
            "exp": int(time.time()) - 3600,
            "iat": int(time.time()) - 4000,
            "nbf": int(time.time()) - 4000,
        },
        {"nbf": int(time.time()) + 3600},
    ],
    ids=["wrong-audience", "wrong-issuer", "expired", "not-yet-valid"],
)
def test_claims_checked(suite, signed_in, override):
    _, claims, _ = signed_in
    kid, key = _kid_and_key(suite)
    issuer = TokenIssuer(
        key,
        issuer=suite.settings.token_issuer,
        audience=suite.settings.token_audience,
        ttl_seconds=300,
    )
    token = jwt.encode(
        {"alg": "ES256", "kid": kid},
        _claims(suite, claims["sub"], claims["sid"], **override),
        issuer.key,
        algorithms=["ES256"],
    )
    assert_problem(suite.client.get("/identity/me", headers=auth(token)), 401, "invalid_token")


def test_tampered_payload(suite, signed_in):
    token, claims, _ = signed_in
    header, _, signature = token.split(".")
    tampered = f"{header}.{_b64({**claims, 'roles': ['admin']})}.{signature}"
    assert_problem(suite.client.get("/identity/me", headers=auth(tampered)), 401, "invalid_token")


@pytest.mark.parametrize(
    "value",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not.a.jwt",
        "Bearer " + "a" * 9000,
        "Bearer ....",
    ],
)
def test_garbage_authorization(suite, people, value):
    assert_problem(suite.client.get("/identity/me", headers={"Authorization": value}), 401)


def test_no_token(suite, people):
    body = assert_problem(suite.client.get("/identity/me"), 401, "unauthenticated")
    assert "ログイン" in body["detail"]


def test_jwks_publishes_public_keys_only(suite, signed_in):
    _, _, header = signed_in
    jwks = suite.client.get("/identity/.well-known/jwks.json").json()
    assert header["kid"] in {k["kid"] for k in jwks["keys"]}
    for key in jwks["keys"]:
        assert "d" not in key and key["kty"] == "EC"


def test_other_services_verify_identity_tokens(suite, signed_in):
    from kasane_shared.auth.tokens import InvalidToken

    token, claims, _ = signed_in
    verifier = suite.suite.agenda.state.token_verifier
    assert verifier.verify(token).subject == claims["sub"]
    with pytest.raises(InvalidToken):
        verifier.verify(token, audience="kasane-minutes-only")

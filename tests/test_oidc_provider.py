"""The test OpenID Connect provider (``oidc_provider``): its protocol over plain HTTP, then ``st.login``
against it in a real browser, so sign-in is tested end to end with no outside service."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import live_server
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from oidc_provider import Provider, running_provider
from playwright.sync_api import Browser, expect

CLIENT_ID = "breakeven-test"
CLIENT_SECRET = "s3cret with spaces & symbols"  # client_secret_basic must form-urlencode it
REDIRECT_URI = "http://127.0.0.1:8501/oauth2callback"


# --- the protocol, with urllib ----------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 302 surfaces as an HTTPError whose Location the test reads


_opener = urllib.request.build_opener(_NoRedirect)


def call(url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
    """Status, headers and body (JSON decoded when it is JSON) of one request; never follows redirects."""
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as response:
            status, head, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, head, raw = error.code, error.headers, error.read()
    text = raw.decode()
    return status, head, json.loads(text) if head.get_content_type() == "application/json" else text


def basic(client_id: str, secret: str) -> dict[str, str]:
    pair = f"{urlencode({'': client_id})[1:]}:{urlencode({'': secret})[1:]}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider(CLIENT_ID, CLIENT_SECRET, [REDIRECT_URI]) as served:
        yield served


def authorize(provider: Provider, username: str, **overrides: str) -> dict[str, list[str]]:
    """Go through the form as ``username``; return the query that the provider redirects back with."""
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid email profile",
        "state": "state-123",
        "nonce": "nonce-456",
        **overrides,
    }
    status, _, page = call(f"{provider.url}/authorize?{urlencode(params)}")
    assert status == 200, page
    assert 'name="username"' in page and ">Sign in</button>" in page
    form = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page), username=username)
    status, headers, _ = call(f"{provider.url}/authorize", form)
    assert status == 302
    location = urlsplit(headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return parse_qs(location.query)


def authorize_error(provider: Provider, **params: str) -> dict[str, list[str]]:
    query = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "state": "s", **params}
    status, headers, _ = call(f"{provider.url}/authorize?{urlencode(query)}")
    assert status == 302
    return parse_qs(urlsplit(headers["Location"]).query)


def test_discovery_document(provider: Provider) -> None:
    status, _, meta = call(provider.metadata_url)
    assert status == 200
    assert meta["issuer"] == provider.issuer == provider.url
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        assert meta[endpoint].startswith(provider.url + "/")
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert {"client_secret_post", "client_secret_basic"} <= set(meta["token_endpoint_auth_methods_supported"])
    assert "code" in meta["response_types_supported"] and "openid" in meta["scopes_supported"]


def test_code_flow_with_pkce_gives_a_verifiable_id_token(provider: Provider) -> None:
    verifier = secrets.token_urlsafe(48)
    back = authorize(provider, "alice", code_challenge=s256(verifier), code_challenge_method="S256")
    assert back["state"] == ["state-123"]
    [code] = back["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    status, _, tokens = call(f"{provider.url}/token", form, basic(CLIENT_ID, CLIENT_SECRET))
    assert status == 200, tokens
    assert tokens["token_type"] == "Bearer" and tokens["access_token"]

    _, _, jwks = call(f"{provider.url}/jwks")
    token = jwt.decode(tokens["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"])
    assert token.header["alg"] == "RS256" and token.header["kid"] == jwks["keys"][0]["kid"]
    claims = token.claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": provider.issuer}, aud={"essential": True, "value": CLIENT_ID}
    ).validate(claims)
    assert claims["sub"] == "alice" and claims["email"] == "alice@example.com" and claims["email_verified"] is True
    assert claims["name"] == "Alice" and claims["nonce"] == "nonce-456"
    assert claims["iat"] <= time.time() < claims["exp"]

    status, _, info = call(f"{provider.url}/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert status == 200 and info["email"] == "alice@example.com"
    assert call(f"{provider.url}/userinfo", headers={"Authorization": "Bearer nope"})[0] == 401

    # a code is good once
    status, _, refused = call(f"{provider.url}/token", form, basic(CLIENT_ID, CLIENT_SECRET))
    assert (status, refused["error"]) == (400, "invalid_grant")


def test_client_secret_post_works_and_a_wrong_secret_is_refused(provider: Provider) -> None:
    [code] = authorize(provider, "bob")["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "client_id": CLIENT_ID}
    status, headers, refused = call(f"{provider.url}/token", {**form, "client_secret": "wrong"})
    assert (status, refused["error"]) == (401, "invalid_client") and "WWW-Authenticate" in headers
    assert call(f"{provider.url}/token", form, basic(CLIENT_ID, "wrong"))[0] == 401

    [code] = authorize(provider, "bob")["code"]
    status, _, tokens = call(f"{provider.url}/token", {**form, "code": code, "client_secret": CLIENT_SECRET})
    assert status == 200 and "id_token" in tokens


def test_wrong_redirect_uri_or_client_is_refused_without_a_redirect(provider: Provider) -> None:
    for bad in ({"redirect_uri": "http://127.0.0.1:9/oauth2callback"}, {"client_id": "someone-else"}):
        query = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "state": "s", **bad}
        status, headers, _ = call(f"{provider.url}/authorize?{urlencode(query)}")
        assert status == 400 and "Location" not in headers

    # the token request must name the redirect_uri the code was issued for
    [code] = authorize(provider, "carol")["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9/oauth2callback"}
    status, _, refused = call(f"{provider.url}/token", form, basic(CLIENT_ID, CLIENT_SECRET))
    assert (status, refused["error"]) == (400, "invalid_grant")


def test_pkce_verifier_is_checked(provider: Provider) -> None:
    challenge = s256("the-right-verifier-" + "x" * 30)
    for verifier in (None, "a-wrong-verifier-" + "x" * 30):
        [code] = authorize(provider, "dave", code_challenge=challenge, code_challenge_method="S256")["code"]
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
        if verifier:
            form["code_verifier"] = verifier
        status, _, refused = call(f"{provider.url}/token", form, basic(CLIENT_ID, CLIENT_SECRET))
        assert (status, refused["error"]) == (400, "invalid_grant")


def test_bad_requests_from_a_known_client_go_back_to_it_as_errors(provider: Provider) -> None:
    # only S256 is offered: a plain challenge is refused
    back = authorize_error(provider, code_challenge="abc", code_challenge_method="plain")
    assert back["error"] == ["invalid_request"] and back["state"] == ["s"]
    back = authorize_error(provider, response_type="token")
    assert back["error"] == ["unsupported_response_type"] and back["state"] == ["s"]


# --- st.login in a real browser ---------------------------------------------------------------------

LOGIN_APP = """\
import streamlit as st

if not st.user.is_logged_in:
    st.write("Not signed in")
    if st.button("Log in"):
        st.login()
else:
    st.write(f"Signed in as {st.user.email} ({st.user.name})")
    if st.button("Log out"):
        st.logout()
"""


@pytest.mark.browser
def test_st_login_signs_in_through_the_local_provider(
    browser: Browser, browser_context_args: dict[str, Any], tmp_path: Path
) -> None:
    port = live_server.free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"  # the host the browser uses: cookies are per host
    with running_provider(CLIENT_ID, CLIENT_SECRET, [redirect_uri]) as provider:
        script = tmp_path / "login_app.py"
        script.write_text(LOGIN_APP)
        secrets_toml = tmp_path / "secrets.toml"
        secrets_toml.write_text(provider.auth_secrets(redirect_uri))
        with live_server.running_app(script=script, port=port, extra_args=["--secrets.files", str(secrets_toml)]) as base:
            for username in ("alice", "bob"):  # a fresh browser context each: no shared cookies
                context = browser.new_context(**browser_context_args)
                try:
                    page = context.new_page()
                    page.set_default_timeout(30_000)
                    page.goto(base)
                    expect(page.get_by_text("Not signed in")).to_be_visible(timeout=30_000)
                    page.get_by_role("button", name="Log in").click()
                    page.wait_for_url(f"{provider.url}/authorize?**")
                    page.get_by_label("User name").fill(username)
                    page.get_by_role("button", name="Sign in").click()
                    signed_in = f"Signed in as {username}@example.com ({username.title()})"
                    expect(page.get_by_text(signed_in)).to_be_visible(timeout=30_000)
                    assert page.url.rstrip("/") == base

                    page.get_by_role("button", name="Log out").click()
                    expect(page.get_by_text("Not signed in")).to_be_visible(timeout=30_000)
                finally:
                    context.close()
    # what st.login sent: a PKCE challenge (S256 is announced in the metadata) and a nonce, each time
    assert [grant.username for grant in provider.issued] == ["alice", "bob"]
    assert all(grant.code_challenge and grant.nonce and grant.state for grant in provider.issued)

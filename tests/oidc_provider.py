"""A minimal OpenID Connect provider for tests: one registered client, any user name, no password.

The standard authorization-code flow, so a real relying party (``st.login``, that is Authlib) signs
in against it on a loopback port with no outside service. ``/authorize`` checks ``client_id`` and
``redirect_uri``, shows a form (one ``username`` field, a "Sign in" button) and redirects back with
``code`` and the same ``state``, keeping any PKCE S256 challenge. ``/token`` checks the client secret
(``client_secret_basic`` or ``client_secret_post``), the code, ``redirect_uri`` and PKCE verifier,
and returns an RS256 ``id_token`` (``email`` = ``<username>@example.com``) and an ``access_token``.
``/jwks``, ``/userinfo`` and ``/.well-known/openid-configuration`` complete it. Codes are single-use
and live 60 s; everything is in memory and dies with the server::

    with running_provider("app", "secret", ["http://127.0.0.1:8501/oauth2callback"]) as provider:
        ...  # point server_metadata_url at provider.metadata_url
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CODE_LIFETIME_S = 60
TOKEN_LIFETIME_S = 600


@dataclasses.dataclass(frozen=True)
class Grant:
    """What an authorization request asked for: kept from the form to the code to the token."""

    client_id: str
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    code_challenge: str | None
    username: str = ""
    expires_at: float = dataclasses.field(default_factory=lambda: time.time() + CODE_LIFETIME_S)


class Provider:
    """The provider's state; the HTTP side is ``_Handler``. Use ``running_provider`` to start one."""

    def __init__(self, client_id: str, client_secret: str, redirect_uris: Sequence[str]) -> None:
        self.client_id, self.client_secret, self.redirect_uris = client_id, client_secret, list(redirect_uris)
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.provider = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.url
        self.metadata_url = f"{self.url}/.well-known/openid-configuration"
        self.pending: dict[str, Grant] = {}  # form shown, not yet submitted
        self.codes: dict[str, Grant] = {}  # code issued, not yet exchanged
        self.access_tokens: dict[str, tuple[dict[str, Any], float]] = {}
        self.issued: list[Grant] = []  # every grant exchanged for tokens, for tests to inspect
        self.lock = threading.Lock()

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "email", "email_verified", "name"],
        }

    def auth_secrets(self, redirect_uri: str) -> str:
        """The ``[auth]`` section of a Streamlit secrets file that signs in against this provider
        (``st.login``), with a new cookie secret."""
        return (
            "[auth]\n"
            f'redirect_uri = "{redirect_uri}"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            f'client_id = "{self.client_id}"\n'
            f'client_secret = "{self.client_secret}"\n'
            f'server_metadata_url = "{self.metadata_url}"\n'
        )

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))

    def user_claims(self, username: str) -> dict[str, Any]:
        return {"sub": username, "email": f"{username}@example.com", "email_verified": True, "name": username.title()}

    def issue_tokens(self, grant: Grant) -> dict[str, Any]:
        now = int(time.time())
        access_token = secrets.token_urlsafe(32)
        claims = self.user_claims(grant.username)
        with self.lock:
            self.access_tokens[access_token] = (claims, now + TOKEN_LIFETIME_S)
            self.issued.append(grant)
        tokens: dict[str, Any] = {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S,
                                  "scope": grant.scope}  # fmt: skip
        if "openid" in grant.scope.split():
            id_claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + TOKEN_LIFETIME_S, **claims}
            if grant.nonce is not None:
                id_claims["nonce"] = grant.nonce
            header = {"alg": "RS256", "typ": "JWT", "kid": self.key.kid}
            tokens["id_token"] = jwt.encode(header, id_claims, self.key)
        return tokens


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


class _Handler(BaseHTTPRequestHandler):
    server_version = "TestOIDC/1.0"

    @property
    def provider(self) -> Provider:
        return self.server.provider  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: pytest shows failures, not every request

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        routes: dict[str, Callable[[], None]] = {
            "/.well-known/openid-configuration": lambda: self._json(200, self.provider.metadata()),
            "/jwks": lambda: self._json(200, self.provider.jwks()),
            "/authorize": lambda: self._authorize(dict(parse_qsl(url.query))),
            "/userinfo": self._userinfo,
        }
        routes.get(url.path, lambda: self._page(404, "Not found"))()

    def do_POST(self) -> None:
        routes: dict[str, Callable[[], None]] = {
            "/authorize": lambda: self._sign_in(self._form()),
            "/token": lambda: self._token(self._form()),
            "/userinfo": self._userinfo,
        }
        routes.get(urlsplit(self.path).path, lambda: self._page(404, "Not found"))()

    # --- plumbing ---------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _page(self, status: int, markup: str) -> None:
        body = f"<!doctype html><html><head><title>Test OIDC</title></head><body><p>{markup}</p></body></html>"
        self._send(status, body.encode(), "text/html; charset=utf-8")

    def _redirect(self, uri: str, params: dict[str, str | None]) -> None:
        query = urlencode({k: v for k, v in params.items() if v is not None})
        self._send(302, b"", "text/plain", {"Location": f"{uri}{'&' if '?' in uri else '?'}{query}"})

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        return dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))

    # --- endpoints --------------------------------------------------------------------------------
    def _authorize(self, q: dict[str, str]) -> None:
        p = self.provider
        # a bad client or redirect_uri is shown here, never redirected to (RFC 6749 section 4.1.2.1)
        if q.get("client_id") != p.client_id or q.get("redirect_uri") not in p.redirect_uris:
            self._page(400, "Unknown client_id or unregistered redirect_uri")
            return
        redirect_uri, state = q["redirect_uri"], q.get("state")
        challenge = q.get("code_challenge")
        if q.get("response_type") != "code" or (challenge and q.get("code_challenge_method", "plain") != "S256"):
            error = "unsupported_response_type" if q.get("response_type") != "code" else "invalid_request"
            self._redirect(redirect_uri, {"error": error, "state": state})
            return
        grant = Grant(p.client_id, redirect_uri, q.get("scope", ""), state, q.get("nonce"), challenge)
        with p.lock:
            p.pending[request_id := secrets.token_urlsafe(16)] = grant
        self._page(
            200,
            f'<form method="post" action="/authorize"><input type="hidden" name="request_id" value="{request_id}">'
            '<label>User name <input type="text" name="username" autofocus required></label> '
            '<button type="submit">Sign in</button></form>',
        )

    def _sign_in(self, form: dict[str, str]) -> None:
        p = self.provider
        with p.lock:
            grant = p.pending.pop(form.get("request_id", ""), None)
        username = form.get("username", "").strip()
        if grant is None or grant.expires_at < time.time() or not username:
            self._page(400, "Sign-in request unknown or expired, or no user name")
            return
        code = secrets.token_urlsafe(24)
        with p.lock:
            p.codes[code] = dataclasses.replace(grant, username=username, expires_at=time.time() + CODE_LIFETIME_S)
        self._redirect(grant.redirect_uri, {"code": code, "state": grant.state})

    def _token(self, form: dict[str, str]) -> None:
        p = self.provider
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):  # both parts are form-urlencoded before base64 (RFC 6749 section 2.3.1)
            with contextlib.suppress(ValueError):  # bad base64 or UTF-8: left unauthenticated, so refused
                client_id, secret = (unquote_plus(part) for part in base64.b64decode(auth[6:]).decode().split(":", 1))
        if client_id != p.client_id or not hmac.compare_digest((secret or "").encode(), p.client_secret.encode()):
            self._json(401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="token"'})
            return
        if form.get("grant_type") != "authorization_code":
            self._json(400, {"error": "unsupported_grant_type"})
            return
        with p.lock:
            grant = p.codes.pop(form.get("code", ""), None)  # single use, even when refused below
        verifier = form.get("code_verifier")
        if (
            grant is None
            or grant.expires_at < time.time()
            or grant.client_id != client_id
            or form.get("redirect_uri") != grant.redirect_uri
            or (grant.code_challenge is not None and (not verifier or _s256(verifier) != grant.code_challenge))
        ):
            self._json(400, {"error": "invalid_grant"})
            return
        self._json(200, p.issue_tokens(grant), {"Pragma": "no-cache"})

    def _userinfo(self) -> None:
        auth = self.headers.get("Authorization", "")
        with self.provider.lock:
            found = self.provider.access_tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        if found is None or found[1] < time.time():
            self._json(401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return
        self._json(200, found[0])


@contextlib.contextmanager
def running_provider(client_id: str, client_secret: str, redirect_uris: Sequence[str]) -> Iterator[Provider]:
    """Serve a provider for one registered client on a free 127.0.0.1 port; stop it on exit."""
    provider = Provider(client_id, client_secret, redirect_uris)
    thread = threading.Thread(target=provider.server.serve_forever, name="test-oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()
        thread.join(timeout=10)

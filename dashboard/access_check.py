"""`product-health check --access`: the sign-in set-up (the secrets file's [auth], the settings'
[access]) against the provider itself: its discovery document, and one authorization request
that is not followed (it shows whether the provider accepts the redirect URI and the `prompt`
Streamlit sends). No streamlit.
"""

from __future__ import annotations

import base64
import hashlib
import secrets as random
import tomllib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from dashboard.config import Settings
from dashboard.errors import ProductHealthError

DEFAULT_SCOPE = "openid email profile"  # Streamlit's, when client_kwargs names none
DEFAULT_PROMPT = "select_account"  # Streamlit's, when client_kwargs names none
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'PROBLEM'}: {self.text}"


def read_auth(paths: list[Path]) -> dict[str, Any]:
    """The [auth] table of the secrets files (a later file's keys win), or an error naming them."""
    auth: dict[str, Any] = {}
    for path in paths:
        try:
            auth |= tomllib.loads(path.read_text(encoding="utf-8")).get("auth", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ProductHealthError(f"{path}: cannot read the secrets file: {exc}") from None
    if not auth:
        where = ", ".join(map(str, paths)) or "no secrets file found"
        raise ProductHealthError(f"no [auth] section in the secrets ({where}); see the README's 'Who may open it'")
    return auth


def providers(auth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """[auth] itself when it names a provider (st.login()), and each [auth.<name>] table."""
    found = {"default": auth} if any(key in auth for key in PROVIDER_KEYS) else {}
    return found | {name: table for name, table in auth.items() if isinstance(table, dict) and "client_id" in table}


def check_access(auth: dict[str, Any], settings: Settings) -> list[Finding]:
    findings = [
        Finding(bool(auth.get("redirect_uri")), f"redirect_uri = {auth.get('redirect_uri') or '(missing)'}"),
        Finding(
            bool(auth.get("cookie_secret")),
            "cookie_secret is set"
            if auth.get("cookie_secret")
            else "cookie_secret is missing: set a long random string",
        ),
    ]
    redirect = str(auth.get("redirect_uri") or "")
    if redirect and urllib.parse.urlsplit(redirect).path != "/oauth2callback":
        findings.append(Finding(False, "redirect_uri must end in /oauth2callback, at the address people open"))
    if not settings.require_sign_in:
        findings.append(Finding(False, "[access] require_sign_in is not true in the settings: nobody is asked"))
    for name, provider in (providers(auth) or {"default": {}}).items():
        findings += check_provider(name, provider, redirect, settings)
    return findings


def check_provider(name: str, provider: dict[str, Any], redirect: str, settings: Settings) -> list[Finding]:
    """What the provider's discovery document and an authorization request say of this client."""
    missing = [key for key in PROVIDER_KEYS if not provider.get(key)]
    if missing:
        return [Finding(False, f"provider '{name}': {', '.join(missing)} missing")]
    try:
        found = httpx.get(provider["server_metadata_url"], timeout=10)
        found.raise_for_status()
        document = found.json()
    except (httpx.HTTPError, ValueError) as exc:
        return [Finding(False, f"provider '{name}': cannot read {provider['server_metadata_url']}: {exc}")]
    kwargs = provider.get("client_kwargs") or {}
    scopes = str(kwargs.get("scope", DEFAULT_SCOPE)).split()
    out = [Finding(True, f"provider '{name}': discovery document of {document.get('issuer')}")]
    out += _claims(name, document, scopes, settings)
    out += _authorization(name, provider, document, redirect, str(kwargs.get("prompt", DEFAULT_PROMPT)), scopes)
    if not document.get("end_session_endpoint"):
        out.append(Finding(True, f"provider '{name}': no end_session_endpoint: signing out leaves its own session"))
    return out


def _claims(name: str, document: dict[str, Any], scopes: list[str], settings: Settings) -> list[Finding]:
    """E-mail (and groups, when the settings use them) must reach the ID token: Streamlit reads
    no other claims."""
    wanted = ["email"] + (["groups"] if _uses_groups(settings) else [])
    supported = document.get("claims_supported")
    out = []
    for claim in wanted:
        if supported is not None and claim not in supported:
            out.append(Finding(False, f"provider '{name}': claims_supported does not list '{claim}'"))
        scope = "email" if claim == "email" else "groups"
        if scope not in scopes and not (claim == "groups" and document.get("scopes_supported") is None):
            out.append(Finding(False, f"provider '{name}': client_kwargs scope does not ask for '{scope}'"))
    out.append(
        Finding(
            True,
            f"provider '{name}': make sure {' and '.join(wanted)} are put in the ID token itself "
            "(Streamlit reads no userinfo): the README says how for Google, Entra, Okta and Keycloak",
        )
    )
    return out


def _uses_groups(settings: Settings) -> bool:
    return bool(settings.allowed_groups) or any(key.startswith("group:") for key in settings.line_access)


def _authorization(
    name: str, provider: dict[str, Any], document: dict[str, Any], redirect: str, prompt: str, scopes: list[str]
) -> list[Finding]:
    """Start a sign-in as Streamlit would and look at the first answer only: a login page is
    fine; an error sent back to the redirect URI names the problem; a refusal to redirect at
    all means the redirect URI is not registered."""
    supported = document.get("prompt_values_supported")
    if supported is not None and prompt not in supported:
        return [
            Finding(
                False,
                f"provider '{name}': prompt '{prompt}' is not supported ({', '.join(supported)}): "
                'set client_kwargs = { prompt = "login" }',
            )
        ]
    verifier = random.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "client_id": provider["client_id"],
        "response_type": "code",
        "scope": " ".join(scopes),
        "redirect_uri": redirect,
        "state": random.token_urlsafe(16),
        "prompt": prompt,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "nonce": random.token_urlsafe(16),
    }
    try:
        answer = httpx.get(document["authorization_endpoint"], params=query, timeout=10, follow_redirects=False)
    except (httpx.HTTPError, KeyError) as exc:
        return [Finding(False, f"provider '{name}': the authorization endpoint did not answer: {exc}")]
    location = answer.headers.get("location", "")
    if answer.is_redirect and location.startswith(redirect):
        error = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        if "error" in error:
            described = f"{error['error']} ({error.get('error_description', '')})"
            fix = ': set client_kwargs = { prompt = "login" }' if "prompt" in described else ""
            return [Finding(False, f"provider '{name}': a sign-in is refused: {described}{fix}")]
    if answer.status_code >= 400:
        return [
            Finding(
                False,
                f"provider '{name}': a sign-in is refused (HTTP {answer.status_code}): is "
                f"{redirect} registered as a redirect URI of client {provider['client_id']}?",
            )
        ]
    return [Finding(True, f"provider '{name}': a sign-in starts (redirect URI and prompt '{prompt}' accepted)")]

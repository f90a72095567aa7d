"""What `product-health serve` runs: the dashboard (app.py) as an st.App, with the HTTP checks
Streamlit's own routes leave out when [access] require_sign_in is set. No page code here.

- /media/… (downloads: the meeting pack, CSVs, produced when clicked) is served only to a
  browser whose sign-in cookie belongs to an admitted, unexpired, not signed-out session.
- A deep link survives sign-in: the page the sign-in started from (the Referer of /auth/login,
  same origin only) is where the provider's answer lands, instead of the front page.
- A failed sign-in leaves its reason in a short-lived cookie (`ph_sign_in_error`) the sign-in
  screen reads; Streamlit itself only logs it and shows "Sign in" again.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from dashboard.access import ERROR_COOKIE, RETURN_COOKIE, Person, book_at, verdict
from dashboard.config import Settings
from dashboard.errors import ProductHealthError


def _settings() -> Settings:
    from dashboard.data import config_path, data_dir
    from dashboard.settings import load_settings

    return load_settings(data_dir(), config_path())


def _person(request: Request) -> Person | None:
    """The person of the request's sign-in cookie, if it carries a valid (signed) one."""
    from streamlit.web.server.starlette.starlette_auth_routes import _get_cookie_value_from_request
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    value = _get_cookie_value_from_request(request, USER_COOKIE_NAME)
    if not value:
        return None
    try:
        claims = json.loads(value)
    except (TypeError, ValueError):
        return None
    return Person.from_claims(claims) if isinstance(claims, dict) and claims.get("is_logged_in") else None


def admitted(request: Request) -> bool:
    """Whether the request comes from a browser signed in to an admitted, live session (or
    sign-in is not required)."""
    from dashboard.data import data_dir
    from dashboard.store import store_dir

    try:
        settings = _settings()
    except ProductHealthError:
        return False
    if not settings.require_sign_in:
        return True
    person = _person(request)
    return person is not None and verdict(settings, person, book_at(store_dir(data_dir()))).admitted


def _return_path(request: Request) -> str | None:
    """The path and query of the page a sign-in started from: same origin only, never the
    sign-in routes themselves."""
    referer = urllib.parse.urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return None
    if referer.path.startswith(("/auth/", "/oauth2callback")) or (referer.path == "/" and not referer.query):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def _failure(request: Request, response: Response) -> str | None:
    """Why the provider's answer did not sign the user in, in one sentence; None when it did."""
    error = _plain(request.query_params.get("error") or "")
    if error:
        described = _plain(request.query_params.get("error_description") or "")
        text = f"The provider refused the sign-in: {error}" + (f" ({described})" if described else "")
        if "prompt" in described:
            text += '; set client_kwargs = { prompt = "login" } under [auth] in secrets.toml'
        return text[:300]
    set_cookies = response.headers.getlist("set-cookie")
    if any(c.startswith("_streamlit_user=") and not c.startswith('_streamlit_user="";') for c in set_cookies):
        return None
    return (
        "The provider's answer could not be used (the token exchange failed, or the sign-in was started in "
        "another tab or too long ago): see the server's log."
    )


def _plain(text: str) -> str:
    """The provider's words as plain text: anyone can send a browser to /oauth2callback with any
    `error_description`, so no markdown (links, emphasis) reaches the sign-in screen."""
    return re.sub(r"[^\w .,:;'-]", " ", text)[:150].strip()


class AccessMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if path.startswith("/media/") and not admitted(request):
            return PlainTextResponse("Sign in to download this file.", status_code=403)
        response = await call_next(request)
        if path == "/auth/login":
            back = _return_path(request)
            if back:
                response.set_cookie(RETURN_COOKIE, back, max_age=900, httponly=True, samesite="lax")
        elif path == "/oauth2callback" and request.query_params.get("state"):
            failure = _failure(request, response)
            if failure:
                response.set_cookie(ERROR_COOKIE, urllib.parse.quote(failure), max_age=120, samesite="lax")
            else:
                response.delete_cookie(ERROR_COOKIE)
                back = request.cookies.get(RETURN_COOKIE)
                if back and back.startswith("/") and not back.startswith("//") and response.status_code == 302:
                    response.headers["location"] = back
            response.delete_cookie(RETURN_COOKIE)
        return response


app = st.App(Path(__file__).parent / "app.py", middleware=[Middleware(AccessMiddleware)])

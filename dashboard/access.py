"""Who may open the dashboard, which product lines they see, and sessions that end. No streamlit.

Streamlit's sign-in cookie is stateless and signed for 30 days: by itself a sign-out only deletes
it in one browser, and the ID token's expiry is never checked. So the app keeps its own record:
a session is the (issuer, subject, issued-at) of the ID token in the cookie; signing out writes
it to a small SQLite file beside the model (SessionBook), shared by every server process on the
machine, and a session ends when its ID token expires (or after [access] max_session_hours).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.config import Settings
from dashboard.logs import log

BOOK_NAME = "sessions.sqlite"
RETURN_COOKIE = "ph_return_to"  # the page a sign-in started from (server.py)
ERROR_COOKIE = "ph_sign_in_error"  # why the last sign-in failed, for the sign-in screen (server.py)


@dataclass(frozen=True)
class Person:
    """The signed-in user as the ID token's claims say (st.user holds those and nothing else)."""

    email: str
    email_verified: bool | None
    groups: tuple[str, ...]
    subject: str
    issuer: str
    issued_at: float | None
    expires_at: float | None

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Person:
        groups = claims.get("groups") or ()
        verified = claims.get("email_verified")
        if isinstance(verified, str):  # some providers send "true" / "false"
            verified = verified.lower() == "true"
        return cls(
            email=str(claims.get("email") or ""),
            email_verified=verified if isinstance(verified, bool) else None,
            groups=tuple(str(g) for g in ([groups] if isinstance(groups, str) else groups)),
            subject=str(claims.get("sub") or claims.get("email") or ""),
            issuer=str(claims.get("iss") or ""),
            issued_at=_number(claims.get("iat")),
            expires_at=_number(claims.get("exp")),
        )

    @property
    def session(self) -> str:
        """This sign-in's key: the same cookie replayed anywhere has the same one; a new
        sign-in (a new ID token) has another."""
        raw = f"{self.issuer}\0{self.subject}\0{self.issued_at}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def described(self) -> str:
        """For the operators' log: the e-mail and groups, never a token."""
        return f"email={self.email or '-'} groups={','.join(self.groups) or '-'}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Verdict:
    """Whether the person gets in and, if not, why in one sentence. `ended`: the session is
    over (signed out or too old): signing in again helps. `lines`: their product lines (None:
    every one)."""

    admitted: bool
    reason: str = ""
    ended: bool = False
    lines: tuple[str, ...] | None = None


def session_end(settings: Settings, person: Person) -> float | None:
    """When the session ends (seconds since the epoch): after max_session_hours from the
    sign-in when that is set, else when the ID token expires; None when the token says neither."""
    if settings.max_session_hours is not None and person.issued_at is not None:
        return person.issued_at + settings.max_session_hours * 3600
    return person.expires_at


def verdict(settings: Settings, person: Person, book: SessionBook, now: float | None = None) -> Verdict:
    """The gate's decision for a signed-in person."""
    now = time.time() if now is None else now
    if book.signed_out(person.session):
        return Verdict(False, "You signed out of this session: sign in again to continue.", ended=True)
    end = session_end(settings, person)
    if end is not None and now >= end:
        at = dt.datetime.fromtimestamp(end, dt.UTC).strftime("%d %b %Y %H:%M UTC")
        return Verdict(False, f"Your session ended at {at}: sign in again to continue.", ended=True)
    if not settings.allows(person.email, person.groups, person.email_verified):
        if not person.email and not person.groups:
            reason = (
                "The provider's ID token carries neither your e-mail address nor your groups, so the allow-list "
                "cannot be checked: the provider must put them in the ID token (README, 'Who may open it')."
            )
        elif person.email_verified is False and settings.allowed_email_domains:
            reason = "Your provider says your e-mail address is not verified, so its domain does not let you in."
        else:
            reason = "Your account is not on this dashboard's allow-list (e-mail domain or group)."
        return Verdict(False, reason)
    email = person.email if person.email_verified is not False else None
    lines = settings.lines_for(email, person.groups)
    if lines == ():
        return Verdict(False, "Your account may not see any product line ([access.product_lines]).")
    return Verdict(True, lines=lines)


class SessionBook:
    """Signed-out sessions, and which sign-ins, refusals and sign-outs were logged, in one SQLite
    file shared by every server process (each call opens its own connection)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as con:
            con.execute("create table if not exists signed_out (session text primary key, at real not null)")
            con.execute("create table if not exists logged (session text, event text, primary key (session, event))")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def signed_out(self, session: str) -> bool:
        with self._connect() as con:
            return con.execute("select 1 from signed_out where session = ?", (session,)).fetchone() is not None

    def sign_out(self, session: str) -> None:
        with self._lock, self._connect() as con:
            con.execute("insert or ignore into signed_out values (?, ?)", (session, time.time()))

    def first(self, session: str, event: str) -> bool:
        """True the first time (of every process) `event` is recorded for `session`."""
        with self._lock, self._connect() as con:
            return con.execute("insert or ignore into logged values (?, ?)", (session, event)).rowcount == 1


_BOOKS: dict[Path, SessionBook] = {}


def book_at(folder: Path) -> SessionBook:
    """The session book in `folder` (the model's folder, store.store_dir)."""
    path = folder / BOOK_NAME
    if path not in _BOOKS:
        _BOOKS[path] = SessionBook(path)
    return _BOOKS[path]


def record(book: SessionBook, person: Person, outcome: Verdict | str) -> None:
    """One log line per sign-in, refusal and sign-out (e-mail, groups, the reason), no tokens;
    a session's rerun after the first is not logged again."""
    if isinstance(outcome, str):
        event, line = outcome, f"access: {outcome} {person.described()}"
    elif outcome.admitted:
        event, line = "sign-in", f"access: sign-in {person.described()}"
    else:
        kind = "ended" if outcome.ended else "refused"
        event, line = f"{kind}:{outcome.reason}", f"access: {kind} {person.described()} reason={outcome.reason}"
    if book.first(person.session, event):
        log.info(line)

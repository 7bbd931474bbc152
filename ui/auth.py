"""Sign-in, when a team configures it: Streamlit's own ``st.login`` (OpenID Connect).

Sign-in is on when Streamlit's secrets hold an ``[auth]`` section (``redirect_uri``,
``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``); otherwise, the default
at localhost, there is no sign-in and every row belongs to owner "". With it on, a browser that has
not signed in is sent to the provider before any page runs, and the signed-in user's e-mail owns
what they save (``ui.store``'s owner).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

#: the session's "share what I add with the team" box (``ui.state.save`` reads it)
SHARE_ADDITIONS = "share_additions"
#: the keys an ``[auth]`` section needs for one provider
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def _section(name: str) -> dict:
    """A section of Streamlit's secrets, or {} when there is none (or no secrets file at all)."""
    try:
        found = st.secrets.get(name)
    except Exception:  # no secrets file, or one that does not parse: no such section
        return {}
    return dict(found) if found is not None else {}


def enabled() -> bool:
    """True when sign-in is configured (an ``[auth]`` section with a provider's keys)."""
    auth = _section("auth")
    return all(auth.get(k) for k in AUTH_KEYS)


def owner() -> str:
    """Who owns what this session saves: the signed-in e-mail (or subject); "" without sign-in."""
    if not enabled() or not st.user.is_logged_in:
        return ""
    return str(st.user.get("email") or st.user.get("sub") or "")


def require() -> None:
    """With sign-in on, send a browser that has not signed in to the provider, and run no page."""
    if enabled() and not st.user.is_logged_in:
        st.title("Signing you in")
        st.caption("This dashboard is the team's: sign in with your account to see its scenarios.")
        st.login()
        st.stop()


def user_box() -> None:
    """Who is signed in, and a way out (nothing without sign-in)."""
    if not enabled() or not st.user.is_logged_in:
        return
    with st.sidebar:
        from ui import text

        text.caption(f"Signed in as {owner()}")
        st.checkbox(
            "Share what I add with the team",
            key=SHARE_ADDITIONS,
            help="Builds, prices, models and rentals you add from now on are shared; scenarios are shared "
            "one by one on the Scenarios page.",
        )
        st.button("Sign out", on_click=st.logout, key="auth_sign_out")


def database_url() -> str | None:
    """The team's database from Streamlit's secrets (``[connections.breakeven] url``), as
    ``st.connection`` reads it; None when not given there."""
    section = _section("connections").get("breakeven")
    found = section.get("url") if isinstance(section, Mapping) else None
    return str(found) if found else None

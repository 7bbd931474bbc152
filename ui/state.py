"""The catalogue the pages work with: ``data/`` plus what the user added, kept in their store.

Builds, prices and models added in the browser are written to the user's SQLite store
(``costmodel.store``) and read back when a session starts. When the store cannot be opened (a
corrupt or foreign file at its path), the app keeps working with ``data/`` and this session's
additions, and says once that saving is off and why.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

import costmodel as cm
from costmodel.catalog import with_snapshot
from costmodel.store import Store, StoreError, default_path

CUSTOM_BUILDS = "custom_builds"
CUSTOM_PRICES = "custom_prices"
CUSTOM_MODELS = "custom_models"
FETCHED_SNAPSHOT = "fetched_snapshot"
_KIND = {CUSTOM_BUILDS: cm.Build, CUSTOM_PRICES: cm.ApiPrice, CUSTOM_MODELS: cm.Model}


@st.cache_resource(show_spinner=False)
def base_catalog() -> cm.Catalog:
    """``data/``, read and validated once per server."""
    return cm.load_catalog()


@st.cache_resource(show_spinner=False)
def _open(path: str) -> Store | StoreError:
    try:
        return Store(path)
    except StoreError as exc:
        return exc


def store() -> Store | None:
    """The user's store, or None when it cannot be used (``store_problem`` says why)."""
    opened = _open(str(default_path()))
    return opened if isinstance(opened, Store) else None


def store_problem() -> str | None:
    """Why saving is off, or None."""
    opened = _open(str(default_path()))
    return None if isinstance(opened, Store) else str(opened)


def custom(kind: str) -> dict:
    """This session's builds, prices or models by id: the store's, loaded once per session."""
    if kind not in st.session_state:
        saved = store()
        try:
            st.session_state[kind] = saved.load(_KIND[kind]) if saved else {}
        except StoreError as exc:
            st.session_state[kind] = {}
            st.session_state.setdefault("store_warnings", []).append(str(exc))
    return st.session_state[kind]


def save(kind: str, *objects: cm.Build | cm.ApiPrice | cm.Model) -> str | None:
    """Add or replace builds, prices or models for this session and in the store (one transaction).

    Returns why they could not be saved for later sessions, or None.
    """
    table = custom(kind)
    saved = store()
    problem = store_problem()
    if saved is not None:
        try:
            saved.save(*objects)
        except (StoreError, OSError) as exc:
            problem = str(exc)
    for obj in objects:
        key = getattr(obj, {CUSTOM_BUILDS: "build_id", CUSTOM_PRICES: "price_id", CUSTOM_MODELS: "model_id"}[kind])
        table[key] = obj
    st.session_state["catalog_version"] = st.session_state.get("catalog_version", 0) + 1
    return problem


def saved_message(problem: str | None, done: str) -> str:
    """What a save did: ``done``, and whether it is kept for later sessions."""
    return (
        f"{done} for this session; not kept for later: {problem}" if problem else f"{done}; saved for later sessions."
    )


def version() -> int:
    """A number that changes whenever this session's builds, prices or models change (a cache key)."""
    return st.session_state.get("catalog_version", 0)


@st.cache_resource(show_spinner=False)
def curated_catalog() -> cm.Catalog:
    """``data/`` without the genai-prices snapshot, for a session that fetched newer prices."""
    return cm.load_catalog(snapshot=False)


def catalog() -> cm.Catalog:
    """``data/`` with the user's builds, prices and models over it (an edit replaces the row)."""
    fetched = st.session_state.get(FETCHED_SNAPSHOT)
    base = base_catalog() if fetched is None else with_snapshot(curated_catalog(), fetched)
    builds, prices, models = custom(CUSTOM_BUILDS), custom(CUSTOM_PRICES), custom(CUSTOM_MODELS)
    if not (builds or prices or models):
        return base
    return dataclasses.replace(
        base,
        builds={**base.builds, **builds},
        prices={**base.prices, **prices},
        models={**base.models, **models},
    )


def build_order(cat: cm.Catalog) -> list[str]:
    """Every build id in a fixed order: the catalogue's, then the user's; colours follow it."""
    base = list(base_catalog().builds)
    return base + [b for b in cat.builds if b not in base]


def storage_banner() -> None:
    """Say once per session when saving is off or a saved row could not be read."""
    if st.session_state.get("_storage_banner_shown"):
        return
    st.session_state["_storage_banner_shown"] = True
    problem = store_problem()
    if problem:
        st.warning(f"Saving is off for this session: {problem}. The catalogue in data/ works as usual.")
    for warning in st.session_state.get("store_warnings", []):
        st.warning(f"A saved item could not be read: {warning}")

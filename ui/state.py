"""The catalogue the pages work with: ``data/`` plus what the user added, kept in their store.

Builds, prices, models and rentals added in the browser are written to the store (``ui.store``:
the user's SQLite file, or the team's PostgreSQL) and read back when a session starts: the user's
own, and those the team shares. When the store cannot be opened (a
corrupt or foreign file at its path), the app keeps working with ``data/`` and this session's
additions, and says once that saving is off and why.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping

import streamlit as st
from pydantic import BaseModel

import costmodel as cm
from costmodel import plots
from costmodel.io.catalog import with_snapshot
from ui import auth, text
from ui.store import MAX_ADDED, Store, StoreError, default_target

CUSTOM_BUILDS = "custom_builds"
CUSTOM_PRICES = "custom_prices"
CUSTOM_MODELS = "custom_models"
CUSTOM_RENTALS = "custom_rentals"
FETCHED_SNAPSHOT = "fetched_snapshot"
_FINGERPRINT = "_catalog_fingerprint"
_CHECKED = "_store_checked"
_OPEN_FAILED = "_store_open_failed"
_KIND = {CUSTOM_BUILDS: cm.Build, CUSTOM_PRICES: cm.ApiPrice, CUSTOM_MODELS: cm.Model, CUSTOM_RENTALS: cm.Rental}
_KEY = {CUSTOM_BUILDS: "build_id", CUSTOM_PRICES: "price_id", CUSTOM_MODELS: "model_id", CUSTOM_RENTALS: "rental_id"}


@st.cache_resource(show_spinner=False)
def base_catalog() -> cm.Catalog:
    """``data/``, read and validated once per server."""
    return cm.load_catalog()


@st.cache_resource(show_spinner=False)
def _open(target: str) -> Store:
    """The store at ``target``, opened once per server; a failure is not cached (the next session tries
    again, so a database that was down at start is found once it is up)."""
    return Store(target)


def target() -> str:
    """Where the store is: the team's database (secrets, then ``BREAKEVEN_DATABASE_URL``), else the file."""
    return auth.database_url() or str(default_target())


def _opened() -> Store | StoreError:
    """The store, or why it could not be opened: tried once per session (a database that is down
    would otherwise be tried, and waited for, at every call)."""
    failed = st.session_state.get(_OPEN_FAILED)
    if failed is not None:
        return failed
    try:
        return _open(target()).as_owner(auth.owner())
    except StoreError as exc:
        st.session_state[_OPEN_FAILED] = exc
        return exc


def store() -> Store | None:
    """This user's view of the store, or None when it cannot be used (``store_problem`` says why)."""
    opened = _opened()
    return opened if isinstance(opened, Store) and store_problem() is None else None


def store_problem() -> str | None:
    """Why saving is off, or None. The file is checked once per session: one damaged while the
    server runs turns saving off for the sessions that start after, with this message."""
    opened = _opened()
    if not isinstance(opened, Store):
        return str(opened)
    if _CHECKED not in st.session_state:
        try:
            opened.check()
            st.session_state[_CHECKED] = None
        except StoreError as exc:
            st.session_state[_CHECKED] = str(exc)
    return st.session_state[_CHECKED]


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


def save(kind: str, *objects: cm.Build | cm.ApiPrice | cm.Model | cm.Rental) -> str | None:
    """Add or replace builds, prices, models or rentals for this session and in the store (one transaction),
    shared with the team when the session's "share what I add" box is ticked.

    Returns why they could not be saved for later sessions, or None.
    """
    table = custom(kind)
    saved = store()
    if saved is None:  # else the store holds to the cap, counting this user's own rows, not the team's shared ones
        most = MAX_ADDED[kind.removeprefix("custom_")]
        adding = {getattr(obj, _KEY[kind]) for obj in objects}
        if len(set(table) | adding) > most:
            raise cm.CostModelError(
                f"at most {most:,} {kind.removeprefix('custom_')} may be added; {len(table):,} are added already "
                f"and this adds {len(adding - set(table)):,}: delete some or add fewer"
            )
    problem = store_problem()
    if saved is not None:
        try:
            saved.save(*objects, shared=bool(st.session_state.get(auth.SHARE_ADDITIONS)))
        except StoreError as exc:
            problem = str(exc)
    for obj in objects:
        table[getattr(obj, _KEY[kind])] = obj
    st.session_state.pop(_FINGERPRINT, None)
    return problem


def saved_message(problem: str | None, done: str) -> str:
    """What a save did: ``done``, and whether it is kept for later sessions."""
    return (
        f"{done} for this session; not kept for later: {problem}" if problem else f"{done}; saved for later sessions."
    )


def use_snapshot(snapshot: object) -> None:
    """Price this session with a newer genai-prices snapshot (fetched by the Prices page)."""
    st.session_state[FETCHED_SNAPSHOT] = snapshot
    st.session_state.pop(_FINGERPRINT, None)


def catalogue_key(customs: Mapping[str, Mapping[str, BaseModel]], fetched: object | None = None) -> str:
    """A cache key for a catalogue: a hash of the user's builds, prices, models and rentals
    (``customs``: kind -> id -> row) and of the snapshot fetched (``fetched``, or None for the
    bundled one). The catalogue as shipped, with nothing added, is ``catalogue_key({})``."""
    digest = hashlib.sha256()
    for kind in _KIND:
        for key, obj in sorted(customs.get(kind, {}).items()):
            digest.update(f"{kind}\0{key}\0".encode())
            digest.update(obj.model_dump_json().encode())
    if fetched is not None:
        digest.update(f"snapshot\0{fetched.version}\0{len(fetched.prices)}".encode())
    return digest.hexdigest()[:24]


def fingerprint() -> str:
    """The ``catalogue_key`` of the catalogue this session sees. Two sessions with the same additions
    share cached views; a session whose additions differ never sees another's."""
    if _FINGERPRINT not in st.session_state:
        customs = {kind: custom(kind) for kind in _KIND}
        st.session_state[_FINGERPRINT] = catalogue_key(customs, st.session_state.get(FETCHED_SNAPSHOT))
    return st.session_state[_FINGERPRINT]


@st.cache_resource(show_spinner=False)
def curated_catalog() -> cm.Catalog:
    """``data/`` without the genai-prices snapshot, for a session that fetched newer prices."""
    return cm.load_catalog(snapshot=False)


def catalog() -> cm.Catalog:
    """``data/`` with the user's builds, prices and models over it (an edit replaces the row)."""
    fetched = st.session_state.get(FETCHED_SNAPSHOT)
    base = base_catalog() if fetched is None else with_snapshot(curated_catalog(), fetched)
    builds, prices, models = custom(CUSTOM_BUILDS), custom(CUSTOM_PRICES), custom(CUSTOM_MODELS)
    rentals = custom(CUSTOM_RENTALS)
    if not (builds or prices or models or rentals):
        return base
    return dataclasses.replace(
        base,
        builds={**base.builds, **builds},
        prices={**base.prices, **prices},
        models={**base.models, **models},
        rentals={**base.rentals, **rentals},
    )


def build_order(cat: cm.Catalog) -> list[str]:
    """Every build id in a fixed order: the catalogue's, then the user's; colours follow it."""
    base = list(base_catalog().builds)
    return base + [b for b in cat.builds if b not in base]


def colours(cat: cm.Catalog, rental_ids: Iterable[str] = ()) -> dict[str, str]:
    """Each machine's colour on every chart: builds by ``build_order``, rentals by their place in ``rental_ids``."""
    return plots.build_colours(build_order(cat), rental_ids)


def storage_banner() -> None:
    """Say once per session when saving is off or a saved row could not be read."""
    if st.session_state.get("_storage_banner_shown"):
        return
    st.session_state["_storage_banner_shown"] = True
    problem = store_problem()
    if problem:
        text.warning(
            f"Saving is off for this session: {problem}. The catalogue in data/ works as usual (read only); "
            "a new session tries the store again."
        )
    for warning in st.session_state.get("store_warnings", []):
        text.warning(f"A saved item could not be read: {warning}")

"""The catalogue the pages work with: ``data/`` plus the builds and prices added in the browser."""

from __future__ import annotations

import dataclasses

import streamlit as st

import costmodel as cm

CUSTOM_BUILDS = "custom_builds"
CUSTOM_PRICES = "custom_prices"


@st.cache_resource(show_spinner=False)
def base_catalog() -> cm.Catalog:
    """``data/``, read and validated once per server."""
    return cm.load_catalog()


def custom(kind: str) -> dict:
    """The builds or prices added or edited in this session, by id (read-only: see ``save``)."""
    return st.session_state.setdefault(kind, {})


def save(kind: str, *objects: cm.Build | cm.ApiPrice) -> None:
    """Add or replace builds or prices of this session; cached views see the change at once."""
    table = custom(kind)
    for obj in objects:
        table[obj.build_id if isinstance(obj, cm.Build) else obj.price_id] = obj
    st.session_state["catalog_version"] = st.session_state.get("catalog_version", 0) + 1


def version() -> int:
    """A number that changes whenever this session's builds or prices change (a cache key)."""
    return st.session_state.get("catalog_version", 0)


def catalog() -> cm.Catalog:
    """``data/`` with this session's builds and prices over it (an edit replaces the row)."""
    base = base_catalog()
    builds, prices = custom(CUSTOM_BUILDS), custom(CUSTOM_PRICES)
    if not builds and not prices:
        return base
    return dataclasses.replace(base, builds={**base.builds, **builds}, prices={**base.prices, **prices})


def build_order(cat: cm.Catalog) -> list[str]:
    """Every build id in a fixed order: the catalogue's, then the session's; colours follow it."""
    base = list(base_catalog().builds)
    return base + [b for b in cat.builds if b not in base]

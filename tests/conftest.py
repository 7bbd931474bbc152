"""Shared fixtures: the real catalogue, and small hand-made objects for hand-computed cases."""

from __future__ import annotations

import html
import os
import re
import tempfile
import uuid
from pathlib import Path

import live_server
import pytest
from hypothesis import HealthCheck, settings

import costmodel as cm

#: Streamlit scripts that browser tests serve: pages, not modules to import for doctests
collect_ignore = ["pages_under_test"]

# the app's store goes to a throwaway directory, never the user's ~/.local/share/breakeven
os.environ.setdefault("BREAKEVEN_HOME", tempfile.mkdtemp(prefix="breakeven-tests-"))

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
# a long hunt for counter-examples, run by hand: HYPOTHESIS_PROFILE=thorough
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A store of the test's own (``$BREAKEVEN_HOME``): what one test saves never reaches another's
    sessions, whose catalogue (and cache key) would then differ."""
    monkeypatch.setenv("BREAKEVEN_HOME", str(tmp_path))
    monkeypatch.delenv("BREAKEVEN_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def catalog() -> cm.Catalog:
    return cm.load_catalog()


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL cluster for the session (``team_kit``): a missing server fails, never skips."""
    from team_kit import running_postgres

    with running_postgres() as (url, pg):
        yield url, pg


@pytest.fixture
def pg_url(postgres) -> str:
    """A fresh, empty database of the session's cluster: its SQLAlchemy URL (dropped after the test)."""
    url, pg = postgres
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg.psql(f"CREATE DATABASE {name} OWNER breakeven")
    yield url.rsplit("/", 1)[0] + f"/{name}"
    pg.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path) -> str:
    """Where a store lives, once per backend: an SQLite file, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "breakeven.sqlite3")
    return request.getfixturevalue("pg_url")


def hand_build(**overrides) -> cm.Build:
    """A one-GPU box with round numbers."""
    fields = dict(
        build_id="hand-box",
        name="Hand-computed box",
        capex_usd=2000.0,
        gpu_name="GPU",
        gpu_count=1,
        vram_gb_per_gpu=24.0,
        vram_bandwidth_gbs=1000.0,
        gpu_fp16_tflops=100.0,
        system_ram_gb=64.0,
        ram_bandwidth_gbs=100.0,
        cpu_tflops=1.0,
        power_load_w=400.0,
        power_idle_w=100.0,
        lifetime_months=60,
        resale_fraction=0.25,
    )
    fields.update(overrides)
    return cm.Build(**fields)


def hand_rental(**overrides) -> cm.Rental:
    """An 80 GB GPU rented at $2.00 an hour, with round numbers: storage $0.10 a GB-month, egress
    $0.05 a GB, billed by the minute (at least one), a 60 s start and weights loaded at 1 GB/s."""
    fields = dict(
        rental_id="hand-rent",
        provider="Hand Cloud",
        name="1x Hand GPU (Hand Cloud, on-demand)",
        offer_kind="on-demand",
        gpu_name="GPU",
        gpu_count=1,
        vram_gb_per_gpu=80.0,
        vram_bandwidth_gbs=2000.0,
        gpu_fp16_tflops=300.0,
        system_ram_gb=128.0,
        ram_bandwidth_gbs=200.0,
        cpu_tflops=2.0,
        usd_per_hour=2.0,
        storage_usd_per_gb_month=0.10,
        egress_usd_per_gb=0.05,
        billing_increment_s=60.0,
        min_billing_s=60.0,
        cold_start_s=60.0,
        weights_load_gbs=1.0,
    )
    fields.update(overrides)
    return cm.Rental(**fields)


def hand_model(**overrides) -> cm.Model:
    fields = dict(
        model_id="hand-8b",
        name="Hand 8B",
        total_params_b=8.0,
        active_params_b=8.0,
        n_layers=32,
        n_kv_heads=8,
        head_dim=128,
        max_context_tokens=131072,
    )
    fields.update(overrides)
    return cm.Model(**fields)


def hand_quant(**overrides) -> cm.Quant:
    fields = dict(quant="Q4", file_size_gb=4.0, bits_per_weight=4.0, quality_retained=0.97)
    fields.update(overrides)
    return cm.Quant(**fields)


def hand_price(**overrides) -> cm.ApiPrice:
    fields = dict(price_id="api/x", provider="api", model="x", input_usd_per_mtok=2.0, output_usd_per_mtok=8.0)
    fields.update(overrides)
    return cm.ApiPrice(**fields)


def hand_scenario(**overrides) -> cm.Scenario:
    fields = dict(
        build=hand_build(),
        model=hand_model(),
        quant=hand_quant(),
        price=hand_price(),
        usage=cm.Usage(tokens_per_month=10e6, input_share=0.5),
        electricity_usd_per_kwh=0.15,
        horizon_months=60,
        decode_tok_s=50.0,
        prefill_tok_s=500.0,
        discount_rate_per_year=0.0,  # the plain sums, for arithmetic by hand; discounting has its own cases
    )
    fields.update(overrides)
    return cm.Scenario(**fields)


def chart_text(markup: str) -> str:
    """What a person reads in a plotly title or note: tags dropped, wrapped lines joined, entities decoded."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", markup).split()))


def click(at, label: str):
    """Click the one button labelled ``label`` in an AppTest and rerun."""
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def save_form(at, form: str, values: dict[str, str]):
    """Type ``values`` into the text fields of ``ui.forms`` form ``form`` and press its Save."""
    for name, value in values.items():
        at.text_input(key=f"{form}:{name}").input(value)
    [button] = [b for b in at.button if b.label == "Save" and b.form_id == form]
    return button.click().run()


# --- browser tests: Debian's chromium through pytest-playwright -----------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium, headless, with the flags it needs here (``playwright install`` is never run)."""
    return {**browser_type_launch_args, **live_server.launch_args()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A desktop-sized window, so the sidebar is open and screenshots show the whole layout."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def base_url() -> None:
    """No default server: ``test_browser.py`` starts the app's; other browser tests start their own.

    Defining it here replaces pytest-playwright's fallback fixture, which pytest 9 warns about.
    """
    return None

"""Downloads of the break-even view: curve data as CSV, and a PNG rendered on the server."""

from __future__ import annotations

import os
import re
import shutil
import warnings
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

import streamlit as st

import costmodel as cm
from costmodel.io.exports import to_csv_bytes
from costmodel.io.rows import FileSpec, catalogue_frame
from ui import text

BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def scenario_slug(values: dict[str, Any]) -> str:
    """A file name that names the scenario: ``breakeven-glm-5.2-ud-iq2_xxs-50M-zai-glm-5.2``."""
    tokens = values["tokens_per_month"]
    volume = f"{tokens / 1e9:g}B" if tokens >= 1e9 else f"{tokens / 1e6:g}M"
    parts = ["breakeven", values["model_id"], values["quant"], volume, *values["price_id"][:2]]
    return re.sub(r"[^a-z0-9._-]+", "-", "-".join(parts).lower()).strip("-")[:120]


def browser_path() -> str | None:
    """The Chromium kaleido can drive, if any (``BROWSER_PATH`` first, as kaleido reads it)."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).exists():
        return env
    for candidate in BROWSERS:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium") or shutil.which("google-chrome")
    return found


@st.cache_resource(show_spinner=False)
def _kaleido_server() -> bool:
    """One browser kept for every render (0.15 s a chart instead of 1.7 s)."""
    import kaleido

    path = browser_path()
    if path:
        os.environ.setdefault("BROWSER_PATH", path)
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    return True


#: width of a server-side PNG [px] before ``scale``; each chart keeps its own height
PNG_WIDTH_PX = 1400


def png_bytes(figure: dict, scale: int = 2) -> bytes:
    """The figure as a PNG at its own height, rendered by kaleido in the system's Chromium."""
    import plotly.graph_objects as go
    import plotly.io as pio

    _kaleido_server()
    height = int(figure.get("layout", {}).get("height") or 700)
    with warnings.catch_warnings():  # kaleido's server ignores per-call browser options, and says so
        warnings.simplefilter("ignore", UserWarning)
        return pio.to_image(
            go.Figure(figure, _validate=False), format="png", scale=scale, width=PNG_WIDTH_PX, height=height
        )


def downloads(result: cm.Study, slug: str, figures: dict[str, dict]) -> None:
    """CSV downloads of the curves and the summary (made when clicked); server-side PNGs of
    ``figures`` (file-name suffix -> figure) where a browser exists."""
    a, b, c = st.columns(3)
    a.download_button(
        "Cumulative cost by month (CSV)",
        lambda: to_csv_bytes(result.curves),
        f"{slug}-cumulative.csv",
        "text/csv",
        key="download_curves",
    )
    b.download_button(
        "Verdicts and costs (CSV)",
        lambda: to_csv_bytes(result.summary),
        f"{slug}-summary.csv",
        "text/csv",
        key="download_summary",
    )
    with c:
        if browser_path() is None:
            st.caption(
                "Server-side PNG export needs Chromium on the server (Debian: apt-get install chromium). "
                "The chart's camera button saves a PNG from your browser meanwhile."
            )
        elif st.button("Render both charts as PNG", key="render_png"):
            try:
                rendered = {suffix: png_bytes(figure) for suffix, figure in figures.items()}
            except Exception as exc:  # kaleido or the browser failed: say so, keep the page
                text.warning(f"PNG export failed ({type(exc).__name__}): {exc}")
            else:
                for suffix, data in rendered.items():
                    st.download_button(
                        f"Download {suffix} PNG",
                        data,
                        f"{slug}-{suffix}.png",
                        "image/png",
                        key=f"download_png_{suffix}",
                    )


def catalogue_download(label: str, objects: Iterable[BaseModel], spec: FileSpec) -> None:
    """A button that downloads catalogue rows (builds, offerings, rentals) as the CSV file ``spec``
    reads back, made when clicked."""
    st.download_button(
        f"Download {label} (CSV)",
        lambda: to_csv_bytes(catalogue_frame(objects, spec)),
        spec.name,
        "text/csv",
        key=f"download_{spec.name.removesuffix('.csv')}",
    )

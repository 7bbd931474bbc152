"""The one way a chart reaches the screen: a finished spec from ``costmodel.plots``, drawn as it is.

``st.plotly_chart`` validates a dict by building a ``go.Figure`` from it (tens of ms a chart),
and turns a ``go.Figure`` into a dict again with a deep copy. The plots' specs are valid already
(their tests build each one with validation on), so ``show`` hands the spec over as it is.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from costmodel.plots import png_config


class _Finished(go.Figure):
    """A figure whose dict is the finished spec: no validation, no copy."""

    def __init__(self, spec: dict) -> None:
        super().__init__(layout={"template": {}}, _validate=False)  # no default template to copy in
        self._finished_spec = spec

    def to_dict(self) -> dict:
        return self._finished_spec


def show(spec: dict, filename: str, key: str) -> None:
    """Draw ``spec`` full width; the toolbar saves a 2x PNG named ``filename``."""
    st.plotly_chart(_Finished(spec), width="stretch", config=png_config(filename), key=key)

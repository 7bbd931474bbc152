"""The catalogue as the library holds it: builds, models (with quants), API prices, GPUs and rentals by id.

Reading ``data/`` is ``costmodel.io.catalog.load_catalog``'s job; this module holds what it
returns, and answers questions of it: an offering by id (never a $0 price for an unknown one),
its price on a date from its dated history, a model's quant.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from typing import Any

import pandas as pd

from .errors import CostModelError
from .schema import ApiPrice, Build, Claim, Gpu, Model, Quant, Rental


@dataclasses.dataclass(frozen=True)
class PriceChange:
    """One price of an offering and the date from which it applies (None: before any dated change)."""

    valid_from: dt.date | None
    price: ApiPrice


def price_at(history: tuple[PriceChange, ...], day: dt.date) -> ApiPrice | None:
    """The price of a history in force on ``day`` (the latest change dated on or before it)."""
    current = None
    for change in history:
        if change.valid_from is None or change.valid_from <= day:
            current = change.price
    return current


@dataclasses.dataclass(frozen=True)
class Calibrated:
    """A measured speed of a catalogue build running a catalogue quant (a calibration point), which
    anchors the estimate there: ``context_tokens`` is the filled context it was measured at."""

    point_id: str
    decode_tok_s: float
    prefill_tok_s: float | None
    context_tokens: int
    engine: str
    source: str


@dataclasses.dataclass(frozen=True)
class Catalog:
    """Validated builds, models (with their quants), API prices, GPUs and rentals, each a dict by id."""

    builds: dict[str, Build]
    models: dict[str, Model]
    prices: dict[str, ApiPrice]
    claims: dict[str, Claim] = dataclasses.field(default_factory=dict)
    price_history: dict[str, tuple[PriceChange, ...]] = dataclasses.field(default_factory=dict)
    #: measured speeds by (build_id, model_id, quant): the calibration points that are catalogue builds
    calibrated: dict[tuple[str, str, str], Calibrated] = dataclasses.field(default_factory=dict)
    #: GPU models as clouds rent them, and the machines rented by the hour, by id
    gpus: dict[str, Gpu] = dataclasses.field(default_factory=dict)
    rentals: dict[str, Rental] = dataclasses.field(default_factory=dict)

    def machine(self, machine_id: str) -> Build | Rental:
        """The build or rental ``machine_id`` (their ids never collide), or an error naming the closest."""
        return lookup({**self.builds, **self.rentals}, machine_id, "build or rental")

    def price(self, price_id: str) -> ApiPrice:
        """The offering ``price_id``, or an error naming it and the closest ids (never a $0 price)."""
        return lookup(self.prices, price_id, "API offering")

    def price_at(self, price_id: str, day: dt.date) -> ApiPrice:
        """The offering's price in force on ``day``, from its dated history where it has one.

        >>> import datetime as dt
        >>> from costmodel.io.catalog import load_catalog
        >>> cat = load_catalog()
        >>> q = cat.price_at("quicksilverpro/glm-5.2", dt.date(2026, 10, 1)), cat.price_at("quicksilverpro/glm-5.2", dt.date(2026, 10, 19))
        >>> [(p.input_usd_per_mtok, p.output_usd_per_mtok) for p in q]
        [(1.12, 3.52), (0.7, 2.2)]
        """
        current = self.price(price_id)
        history = self.price_history.get(price_id)
        if history:
            found = price_at(history, day)
            if found is not None:
                return found if day < (history[-1].valid_from or dt.date.min) else current
            raise CostModelError(f"price_at: {price_id} has no price known before {history[0].valid_from}")
        if current.as_of is not None and day < current.as_of:
            raise CostModelError(
                f"price_at: {price_id} has no dated history; its price is known as of {current.as_of}, not {day}"
            )
        return current

    def price_history_frame(self, price_id: str) -> pd.DataFrame:
        """The offering's dated prices as a tidy table: ``valid_from`` and the three prices [USD/Mtok]."""
        current = self.price(price_id)
        history = self.price_history.get(price_id) or ()
        rows = [(c.valid_from, c.price) for c in history] or [(None, current)]
        if history:
            rows[-1] = (rows[-1][0], current)
        return pd.DataFrame(
            [
                {
                    "price_id": price_id,
                    "valid_from": start,
                    "input_usd_per_mtok": p.input_usd_per_mtok,
                    "output_usd_per_mtok": p.output_usd_per_mtok,
                    "cached_input_usd_per_mtok": p.cached_input_usd_per_mtok,
                    "source": p.source,
                }
                for start, p in rows
            ]
        )

    def claims_for(self, build_id: str, model_id: str, quant: str) -> list[Claim]:
        """Published speeds of ``quant`` of ``model_id`` on ``build_id``."""
        return [c for c in self.claims.values() if (c.build_id, c.model_id, c.quant) == (build_id, model_id, quant)]

    def quant(self, model_id: str, quant: str) -> Quant:
        """The quant ``quant`` of model ``model_id``, with a clear error when either is unknown."""
        model = lookup(self.models, model_id, "model")
        return lookup(model.quants, quant, f"quant of {model_id}")


def lookup(table: dict[str, Any], key: str, what: str) -> Any:
    """``table[key]``, or a ``CostModelError`` naming what was asked and the closest ids."""
    try:
        return table[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(table), n=3, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise CostModelError(f"unknown {what} {key!r}{hint}") from None

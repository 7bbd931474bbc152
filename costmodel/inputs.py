"""The inputs a sensitivity study varies: one table, each input's field, bounds, label and unit.

Each row names a field of the scenario (or a multiplier: ``api_price`` on every per-token price of
the API and of the overflow API, ``rental_price`` on a rented machine's hourly price; 1.0 is
today's prices). Bounds come from the field's one definition in ``costmodel.schema``, label and
unit from ``costmodel.glossary``; the engine reads each value by name. An input applies to some
scenarios only (``applies``): capex and electricity to a machine bought, the hourly price and the
starts a day to one rented. Adding an input is one row here and its term where the engine uses it.

>>> INPUTS["electricity_usd_per_kwh"].bounds
(0, 10, True, True)
>>> INPUTS["capex_usd"].path
('build', 'capex_usd')
"""

from __future__ import annotations

import dataclasses
import math
import types
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import BaseModel

from .errors import CostModelError
from .glossary import GLOSSARY
from .schema import ApiPrice, Assumptions, Build, Scenario, Usage, bounds


def any_machine(scenario: Scenario) -> bool:
    """An input of every scenario."""
    return True


def bought(scenario: Scenario) -> bool:
    """An input of a machine bought: its price, resale, electricity."""
    return not scenario.build.rented


def rented(scenario: Scenario) -> bool:
    """An input of a machine rented by the hour."""
    return scenario.build.rented


def scaling_to_zero(scenario: Scenario) -> bool:
    """An input of a rented machine started and stopped with the work."""
    return scenario.build.rented and scenario.rental_mode == "scale-to-zero"


@dataclasses.dataclass(frozen=True)
class Input:
    """One input that tornado, Monte Carlo and the engine can vary."""

    name: str
    label: str  # a few plain words for charts and tables
    path: tuple[str, ...]  # where it lives in a Scenario: ("electricity_usd_per_kwh",), ("build", "capex_usd")
    owner: type[BaseModel] | None  # the model whose field bounds it (None: api_price, a multiplier)
    #: a row of the tornado by default: always, never, or only where the scenario's value is not 0
    #: (a +-25% range around 0 is empty: give it a range to add its row)
    in_tornado: bool | Literal["nonzero"] = True
    uncertain: bool = False  # drawn by Monte Carlo by default
    #: the lowest value a default range may reach, where the field allows less (hours: at least 1 a day)
    floor: float | None = None
    #: the scenarios it is an input of (``rented``: a rental's hourly price; ``bought``: capex)
    applies: Callable[[Scenario], bool] = any_machine

    @property
    def bounds(self) -> tuple[float, float, bool, bool]:
        """``(low, high, low_included, high_included)`` from the field's definition."""
        if self.owner is None:
            return MULTIPLIER_BOUNDS
        return bounds(self.owner, self.name)

    @property
    def unit(self) -> str:
        return GLOSSARY[self.name][0]

    def check(self, fn: str, value: object) -> float:
        """``value`` as a float within the bounds, or a ``CostModelError`` naming ``fn`` and the input."""
        low, high, low_in, high_in = self.bounds
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            try:
                value = float(value)  # numpy scalars
            except (TypeError, ValueError):
                raise CostModelError(f"{fn}: {self.name} must be a number, got {value!r}") from None
        value = float(value)
        below = value < low if low_in else value <= low
        above = value > high if high_in else value >= high
        if not math.isfinite(value) or below or above:
            edge = "from" if low_in else "above"
            raise CostModelError(f"{fn}: {self.name} must be {edge} {low:g} up to {high:g}, got {value:g}")
        return value

    def clip(self, value: float) -> float:
        """A default range's end, kept within the bounds (and the floor)."""
        low, high, _, _ = self.bounds
        low = max(low, self.floor) if self.floor is not None else low
        return min(max(value, low), high)

    def read(self, scenario: Scenario) -> float:
        """The input's value in ``scenario`` (a multiplier is 1.0: today's prices)."""
        if not self.applies(scenario):
            raise CostModelError(f"{self.name} is not an input of a {'rented' if rented(scenario) else 'bought'} machine")
        if self.owner is None:
            return 1.0
        obj = scenario
        for part in self.path:
            obj = getattr(obj, part)
        return float(obj)


#: a multiplier on every per-token API price, or on a rental's hourly price: above 0, up to 100x
MULTIPLIER_BOUNDS = (0.0, 100.0, False, True)

_ROWS = (
    Input(
        "electricity_usd_per_kwh",
        "electricity price",
        ("electricity_usd_per_kwh",),
        Assumptions,
        uncertain=True,
        applies=bought,
    ),
    Input("capex_usd", "capex", ("build", "capex_usd"), Build, uncertain=True, applies=bought),
    Input("resale_fraction", "resale share", ("build", "resale_fraction"), Build, uncertain=True, applies=bought),
    Input("rental_price", "rental price (x)", (), None, uncertain=True, applies=rented),
    Input("decode_tok_s", "decode speed", ("decode_tok_s",), Scenario, uncertain=True),
    # off (1.0) by default; give it a range (published: 0.8-2x) to vary it
    Input("speculative_speedup", "speculative decoding (x)", ("speculative_speedup",), Assumptions, in_tornado=False),
    Input("api_price", "API price (x)", (), None, uncertain=True),
    Input("tokens_per_month", "tokens a month", ("usage", "tokens_per_month"), Usage, uncertain=True),
    Input("input_share", "input share", ("usage", "input_share"), Usage),
    Input("cached_input_share", "cached share of input", ("usage", "cached_input_share"), Usage),
    Input("hours_per_day", "hours powered a day", ("hours_per_day",), Assumptions, floor=1.0, applies=bought),
    Input("dual_use_share", "share of capex charged", ("dual_use_share",), Assumptions, applies=bought),
    Input("busy_hours_per_day", "hours a day the work comes", ("busy_hours_per_day",), Assumptions, applies=rented),
    Input(
        "rental_starts_per_day",
        "starts a day (scale to zero)",
        ("rental_starts_per_day",),
        Assumptions,
        applies=scaling_to_zero,
    ),
    # a trend's base is usually 0, where a +-25% range is empty: give it a range to add its row
    Input(
        "api_price_change_per_year",
        "API price change a year",
        ("api_price_change_per_year",),
        Assumptions,
        in_tornado="nonzero",
        uncertain=True,
    ),
    Input("discount_rate_per_year", "cost of capital", ("discount_rate_per_year",), Assumptions, in_tornado="nonzero"),
    Input("pue", "PUE (cooling)", ("pue",), Assumptions, applies=bought),
    # identical boxes bought: a draw may buy another number (the recommendation weighs 1 to 8 at once)
    Input("boxes", "boxes bought", ("boxes",), Assumptions, in_tornado=False, applies=bought),
    Input("setup_usd", "setup cost", ("setup_usd",), Assumptions, in_tornado="nonzero", applies=bought),
    Input(
        "maintenance_share_per_year",
        "maintenance (share of capex a year)",
        ("maintenance_share_per_year",),
        Assumptions,
        in_tornado="nonzero",
        applies=bought,
    ),
    Input(
        "operator_hours_per_month",
        "operator hours a month",
        ("operator_hours_per_month",),
        Assumptions,
        in_tornado="nonzero",
    ),
    Input("operator_usd_per_hour", "operator's rate", ("operator_usd_per_hour",), Assumptions, in_tornado="nonzero"),
)

#: every input that can be varied, by name, in the order draws are taken
INPUTS: Mapping[str, Input] = types.MappingProxyType({row.name: row for row in _ROWS})


def known(fn: str, names: object, scenario: Scenario | None = None) -> None:
    """A ``CostModelError`` naming ``fn`` for the first name that is not an input (of ``scenario``, when given)."""
    unknown = [n for n in names if n not in INPUTS]
    if unknown:
        raise CostModelError(f"{fn}: unknown input {unknown[0]!r}; the inputs are {', '.join(INPUTS)}")
    if scenario is not None:
        foreign = [n for n in names if not INPUTS[n].applies(scenario)]
        if foreign:
            kind = "rented" if rented(scenario) else "bought"
            ours = ", ".join(n for n, row in INPUTS.items() if row.applies(scenario))
            raise CostModelError(f"{fn}: {foreign[0]!r} is not an input of a {kind} machine; its inputs are {ours}")


def replaced(obj: BaseModel, **changes: object) -> BaseModel:
    """A validated copy of a frozen model with some fields changed (``model_copy`` skips validation)."""
    return type(obj)(**{**dict(obj), **changes})


def scaled_price(price: ApiPrice, factor: float) -> ApiPrice:
    """``price`` with every per-token price multiplied by ``factor``."""
    cached = price.cached_input_usd_per_mtok
    return replaced(
        price,
        input_usd_per_mtok=price.input_usd_per_mtok * factor,
        output_usd_per_mtok=price.output_usd_per_mtok * factor,
        cached_input_usd_per_mtok=None if cached is None else cached * factor,
    )


def varied(scenario: Scenario, name: str, value: float) -> Scenario:
    """``scenario`` with one input set to ``value`` (``api_price`` multiplies every API price).

    >>> import costmodel as cm
    >>> cat = cm.load_catalog(); glm = cat.models["glm-5.2"]
    >>> s = cm.Scenario(build=cat.builds["mac-studio-m3-ultra-256gb"], model=glm, quant=glm.quants["UD-IQ2_XXS"],
    ...                 price=cat.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=50e6))
    >>> varied(s, "api_price", 0.5).price.output_usd_per_mtok      # $4.40 halved
    2.2
    """
    known("varied", [name])
    row = INPUTS[name]
    value = row.check("varied", value)
    known("varied", [name], scenario)  # an input of this scenario, or an error saying it is not
    if name == "rental_price":
        return replaced(scenario, build=replaced(scenario.build, usd_per_hour=scenario.build.usd_per_hour * value))
    if row.owner is None:
        overflow = None if scenario.overflow_price is None else scaled_price(scenario.overflow_price, value)
        return replaced(scenario, price=scaled_price(scenario.price, value), overflow_price=overflow)
    if len(row.path) == 1:
        return replaced(scenario, **{name: value})
    parent, field = row.path
    return replaced(scenario, **{parent: replaced(getattr(scenario, parent), **{field: value})})

"""A break-even view: the inputs of the break-even page as one validated object.

``Inputs`` is what the dashboard keeps in its URL and saves as a named scenario, and what a
notebook loads back: ``study_of(inputs, catalog)`` recomputes the view. Field names are the
glossary's; ``RANGES`` bounds the numbers (the page's widgets use the same ranges).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from .catalog import Catalog, lookup
from .errors import CostModelError
from .schema import MIN_TOK_S, Usage, _Frozen
from .study import Study, compare_builds

ARTICLE_BUILDS = ("mac-studio-m3-ultra-256gb", "rtx3090-256gb-offload", "rtx3090-x12", "mac-studio-192gb")

#: bounds of the numeric inputs: (low, high, widget step)
RANGES: dict[str, tuple[float, float, float]] = {
    "tokens_per_month": (0.0, 1e10, 0.0),
    "input_share": (0.0, 1.0, 0.05),
    "cached_input_share": (0.0, 1.0, 0.05),
    "monthly_growth": (-0.2, 0.5, 0.01),
    "electricity_usd_per_kwh": (0.0, 2.0, 0.01),
    "hours_per_day": (1.0, 24.0, 1.0),
    "dual_use_share": (0.0, 1.0, 0.05),
    "horizon_months": (6, 120, 1),
    "context_tokens": (512, 1_048_576, 512),
    "api_price_change_per_year": (-0.5, 1.0, 0.05),
}
MAX_MEASURED_TOK_S = 100_000.0
#: what one view may compare at most
MAX_BUILDS, MAX_PRICES = 24, 8

#: the scenario assumptions an ``Inputs`` passes on to every ``Scenario``
ASSUMPTIONS = (
    "electricity_usd_per_kwh",
    "hours_per_day",
    "dual_use_share",
    "horizon_months",
    "context_tokens",
    "raise_gpu_memory_cap",
    "api_price_change_per_year",
    "quality_adjusted",
)


def _bounded(name: str, kind: type = float) -> Any:
    low, high, _ = RANGES[name]
    return Annotated[kind, Field(ge=low, le=high)]


class Inputs(_Frozen):
    """The break-even page's inputs; the defaults are the article's GLM 5.2 case."""

    model_id: Annotated[str, Field(min_length=1, max_length=80)] = "glm-5.2"
    quant: Annotated[str, Field(min_length=1, max_length=60)] = "UD-IQ2_XXS"
    build_id: Annotated[tuple[str, ...], Field(min_length=1, max_length=MAX_BUILDS)] = ARTICLE_BUILDS
    price_id: Annotated[tuple[str, ...], Field(min_length=1, max_length=MAX_PRICES)] = ("zai/glm-5.2",)
    tokens_per_month: _bounded("tokens_per_month") = 50e6
    input_share: _bounded("input_share") = 0.75
    cached_input_share: _bounded("cached_input_share") = 0.0
    monthly_growth: _bounded("monthly_growth") = 0.0
    electricity_usd_per_kwh: _bounded("electricity_usd_per_kwh") = 0.15
    hours_per_day: _bounded("hours_per_day") = 24.0
    dual_use_share: _bounded("dual_use_share") = 1.0
    horizon_months: _bounded("horizon_months", int) = 60
    context_tokens: _bounded("context_tokens", int) = 8192
    raise_gpu_memory_cap: bool = True
    api_price_change_per_year: _bounded("api_price_change_per_year") = 0.0
    quality_adjusted: bool = False
    decode_tok_s: dict[str, Annotated[float, Field(ge=MIN_TOK_S, le=MAX_MEASURED_TOK_S)]] = Field(default_factory=dict)

    @field_validator("build_id", "price_id")
    @classmethod
    def _unique(cls, ids: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(ids)) != len(ids):
            raise ValueError(f"lists an id twice: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
        return ids

    @model_validator(mode="after")
    def _measured_builds_are_compared(self) -> Inputs:
        stray = sorted(set(self.decode_tok_s) - set(self.build_id))
        if stray:
            raise ValueError(f"decode_tok_s names builds not compared: {', '.join(stray)}")
        return self

    def check(self, catalog: Catalog) -> Inputs:
        """The inputs, after checking every id against ``catalog``; a ``CostModelError`` names the first unknown."""
        model = lookup(catalog.models, self.model_id, "model")
        lookup(model.quants, self.quant, f"quant of {self.model_id}")
        for build_id in self.build_id:
            lookup(catalog.builds, build_id, "build")
        for price_id in self.price_id:
            lookup(catalog.prices, price_id, "API offering")
        if self.context_tokens > model.max_context_tokens:
            raise CostModelError(
                f"context_tokens {self.context_tokens:,} exceeds {self.model_id}'s maximum {model.max_context_tokens:,}"
            )
        return self


def study_of(inputs: Inputs, catalog: Catalog) -> Study:
    """Recompute the break-even view ``inputs`` describes, with ``catalog``'s builds, models and prices.

    >>> import costmodel as cm
    >>> from costmodel.views import Inputs, study_of
    >>> study = study_of(Inputs(), cm.load_catalog())
    >>> study.primary("mac-studio-192gb").verdict.value
    'does_not_fit'
    """
    inputs.check(catalog)
    model = catalog.models[inputs.model_id]
    usage = Usage(
        tokens_per_month=inputs.tokens_per_month,
        input_share=inputs.input_share,
        cached_input_share=inputs.cached_input_share,
        monthly_growth=inputs.monthly_growth,
    )
    return compare_builds(
        [catalog.builds[b] for b in inputs.build_id],
        [catalog.prices[p] for p in inputs.price_id],
        model=model,
        quant=model.quants[inputs.quant],
        usage=usage,
        decode_tok_s=inputs.decode_tok_s,
        **{k: getattr(inputs, k) for k in ASSUMPTIONS},
    )

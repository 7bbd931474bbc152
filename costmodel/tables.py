"""Tables behind the hardware, models and prices pages: many builds, quants or offerings at once.

================  ===================================================================
``hardware_table``   every build against one model and quant: fit, speeds, capacity, cost
``memory_map``       every quant of a model: file, memory needed at a context, who holds it
``kv_curve``         KV-cache size against context length
``prices_table``     every API offering: prices, blend for a mix, age and staleness
``rentals_table``    every rental: hourly price, what it gives, its terms, age, whether it holds a model
================  ===================================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .breakeven import Comparison, compare
from .memory import check_fit, kv_cache_gb
from .pricing import blended_usd_per_mtok, sum_of_prices_usd
from .schema import ApiPrice, Assumptions, Build, MemoryOptions, Model, Quant, Rental, Scenario, Usage, age_days
from .speed import estimate_speed, streams_at_floor

FIT_WORDS = {"gpu": "yes", "unified": "yes", "ram": "yes (CPU)", "gpu+ram": "with offload"}


def fit_label(placement: str, shortfall_gb: float) -> str:
    """``'yes'``, ``'with offload'``, ``'yes (CPU)'`` or ``'no, short by 59 GB'``."""
    return FIT_WORDS.get(placement, f"no, short by {shortfall_gb:,.0f} GB")


def hardware_table(
    builds: Iterable[Build],
    model: Model,
    quant: Quant,
    price: ApiPrice,
    usage: Usage,
    assumptions: Assumptions,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Every build against ``quant`` of ``model``: fit, decode and prefill speed with the ceiling,
    the most tokens a month, and the cost per million tokens at full use over the build's life
    (net of resale), beside ``price``'s blend for ``usage``'s mix (its volume is not used).

    Each build's price says what it is and when it was seen; with ``today`` it is flagged
    ``price_stale`` past ``BUILD_PRICE_STALE_AFTER_DAYS``."""
    a = assumptions
    rows = []
    memory = a.memory.model_dump()
    for b in builds:
        fit = check_fit(b, model, quant, **memory)
        row = {
            "build_id": b.build_id,
            "name": b.name,
            "fits": fit_label(fit.placement, fit.shortfall_gb),
            "required_gb": fit.required_gb,
            "available_gb": fit.available_gb,
            "capex_usd": b.capex_usd,
            "price_kind": b.price_kind,
            "price_as_of": b.price_seen,
            "price_stale": None if today is None else b.price_is_stale(today),
            "decode_tok_s": None,
            "ceiling_decode_tok_s": None,
            "prefill_tok_s": None,
            "bound": None,
            "capacity_tok_per_month": None,
            "local_usd_per_mtok": None,
            "streams_at_floor": None,
        }
        if fit.fits:
            speed = estimate_speed(b, model, quant, **a.speed.model_dump())

            def at(volume: float) -> Comparison:
                return compare(
                    Scenario(
                        build=b,
                        model=model,
                        quant=quant,
                        price=price,
                        usage=usage.model_copy(update={"tokens_per_month": volume, "monthly_growth": 0.0}),
                        **{**a.assumptions, "horizon_months": b.lifetime_months, "quality_adjusted": False},
                    )
                )

            capacity = at(0.0).capacity_tok_per_month  # with the streams, hours and cache of the assumptions
            full = at(capacity)  # the build busy all its usable hours, for its whole life
            row.update(
                decode_tok_s=speed.decode_tok_s,
                ceiling_decode_tok_s=speed.ceiling_decode_tok_s,
                prefill_tok_s=speed.prefill_tok_s,
                bound=speed.bound,
                capacity_tok_per_month=capacity,
                local_usd_per_mtok=full.local_usd_per_mtok,
                streams_at_floor=streams_at_floor(b, model, quant, a),
            )
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["api_usd_per_mtok"] = blended_usd_per_mtok(price, usage)
    return frame


def memory_map(model: Model, builds: Sequence[Build], memory: MemoryOptions) -> pd.DataFrame:
    """Every quant of ``model``: file size, memory needed at the context of ``memory``, quality
    retained, and for each build whether it holds the quant (long form: one row per quant and build)."""
    rows = []
    for q in model.quants.values():
        for b in builds:
            fit = check_fit(b, model, q, **memory.model_dump())
            rows.append(
                {
                    "quant": q.quant,
                    "file_size_gb": q.file_size_gb,
                    "size_kind": q.size_kind,
                    "claimed_file_size_gb": q.claimed_file_size_gb,
                    "bits_per_weight": q.bits_per_weight,
                    "quality_retained": q.quality_retained,
                    "quality_confidence": q.quality_confidence,
                    "quality_metric": q.quality_metric,
                    "min_memory_gb": q.min_memory_gb,
                    "kv_cache_gb": fit.kv_cache_gb,
                    "required_gb": fit.required_gb,
                    "build_id": b.build_id,
                    "holds": fit.fits,
                    "fits": fit_label(fit.placement, fit.shortfall_gb),
                }
            )
    return pd.DataFrame(rows)


def kv_curve(model: Model, max_context_tokens: int | None = None, points: int = 60) -> pd.DataFrame:
    """KV-cache size [GB] against context length, log-spaced from 1,024 tokens, per cache type."""
    top = max(min(max_context_tokens or model.max_context_tokens, model.max_context_tokens), 1024)
    contexts = np.unique(np.geomspace(1024, top, points).round().astype(int))
    frames = [
        pd.DataFrame(
            {
                "context_tokens": contexts,
                "kv_cache_dtype": dtype,
                "kv_cache_gb": [kv_cache_gb(model, int(c), dtype) for c in contexts],
            }
        )
        for dtype in ("f16", "q8_0", "q4_0")
    ]
    return pd.concat(frames, ignore_index=True)


def prices_table(prices: Iterable[ApiPrice], usage: Usage, today: dt.date) -> pd.DataFrame:
    """Every offering with its blend for ``usage``'s mix, the articles' sum, age and stale flag."""
    rows = []
    for p in prices:
        age = age_days(p.as_of, today)
        rows.append(
            {
                "price_id": p.price_id,
                "provider": p.provider,
                "model": p.model,
                "input_usd_per_mtok": p.input_usd_per_mtok,
                "output_usd_per_mtok": p.output_usd_per_mtok,
                "cached_input_usd_per_mtok": p.cached_input_usd_per_mtok,
                "blended_usd_per_mtok": blended_usd_per_mtok(p, usage),
                "sum_of_prices_usd": sum_of_prices_usd(p),
                "open_weights_model_id": p.open_weights_model_id,
                "region": p.region,
                "as_of": p.as_of,
                "age_days": age,
                "stale": p.is_stale(today),
                "source": p.source,
            }
        )
    return pd.DataFrame(rows).sort_values("blended_usd_per_mtok", ignore_index=True)


def offerings_for(prices: Iterable[ApiPrice], model_id: str, usage: Usage) -> list[ApiPrice]:
    """The offerings that serve the open weights of ``model_id``, cheapest first for ``usage``'s mix.

    >>> import costmodel as cm
    >>> cheapest = offerings_for(cm.load_catalog().prices.values(), "glm-5.2", cm.Usage(tokens_per_month=1))
    >>> cheapest[0].price_id
    'avian/z-ai/glm-5.2'
    """
    serving = [p for p in prices if p.open_weights_model_id == model_id]
    return sorted(serving, key=lambda p: (blended_usd_per_mtok(p, usage), p.price_id))


#: columns of ``rentals_table``
RENTAL_COLUMNS = (
    "rental_id",
    "name",
    "provider",
    "offer_kind",
    "gpu_name",
    "gpu_count",
    "vram_gb",
    "fits",
    "usd_per_hour",
    "storage_usd_per_gb_month",
    "egress_usd_per_gb",
    "billing_increment_s",
    "interruptions_per_day",
    "commitment_months",
    "price_as_of",
    "age_days",
    "stale",
    "confidence",
    "source",
)


def rentals_table(
    rentals: Iterable[Rental], model: Model, quant: Quant, memory: MemoryOptions, today: dt.date
) -> pd.DataFrame:
    """Every rental, cheapest an hour first: what it gives (GPUs, memory), whether it holds ``quant``
    of ``model`` at ``memory``'s context, its hourly price and terms, and when the price was seen
    (``stale`` past ``RENTAL_PRICE_STALE_AFTER_DAYS``)."""
    rows = []
    options = memory.memory.model_dump()
    for r in rentals:
        fit = check_fit(r, model, quant, **options)
        rows.append(
            {
                "rental_id": r.rental_id,
                "name": r.name,
                "provider": r.provider,
                "offer_kind": r.offer_kind,
                "gpu_name": r.gpu_name,
                "gpu_count": r.gpu_count,
                "vram_gb": (r.vram_gb_per_gpu or 0.0) * r.gpu_count,
                "fits": fit_label(fit.placement, fit.shortfall_gb),
                "usd_per_hour": r.usd_per_hour,
                "storage_usd_per_gb_month": r.storage_usd_per_gb_month,
                "egress_usd_per_gb": r.egress_usd_per_gb,
                "billing_increment_s": r.billing_increment_s,
                "interruptions_per_day": r.interruptions_per_day,
                "commitment_months": r.commitment_months,
                "price_as_of": r.price_seen,
                "age_days": age_days(r.price_seen, today),
                "stale": r.price_is_stale(today),
                "confidence": r.confidence,
                "source": r.source,
            }
        )
    frame = pd.DataFrame(rows, columns=list(RENTAL_COLUMNS))
    return frame.sort_values(["usd_per_hour", "rental_id"], kind="stable").reset_index(drop=True)

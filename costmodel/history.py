"""Your real usage: a usage export's records summed into a volume, a mix and a trend, and what the
same tokens would have cost elsewhere.

==================  ==========================================================================
``summarize``       records (``costmodel.io.usage_exports.RECORD_COLUMNS``) -> ``UsageHistory``:
                    tokens a month over the last ``WINDOW_DAYS``, input and cached shares, the
                    monthly growth fitted to the whole file, tokens by model and by day
``offering_costs``  the window's tokens priced at every offering: fresh input and cache writes at
                    the input price, cache reads at the cached price, output at the output price
``used_offerings``  the catalogue offerings that bill the models the export names
``hours_needed``    the hours a machine would have worked to serve the window's tokens
==================  ==========================================================================

The window is the last ``WINDOW_DAYS`` days of the file (all of it when shorter; the last month of
a monthly report), so "your last 30 days" is what the break-even page takes as tokens a month. The
growth is a least-squares line through the logarithm of the tokens of each week (each month of a
monthly report) with any tokens, over the whole file: ``exp(slope x days a month) - 1``. With fewer
than ``MIN_TREND_BINS`` such weeks there is no trend to fit and the growth is left at 0, said so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .breakeven import Comparison
from .engine import hours_per_api_token
from .errors import CostModelError
from .schema import ApiPrice, Usage, bounds
from .units import DAYS_PER_MONTH, TOKENS_PER_MTOK

#: "your last 30 days": the window a file's tokens a month and mix are taken over [days]
WINDOW_DAYS = 30
#: the fewest weeks (or months) with tokens that a growth is fitted to
MIN_TREND_BINS = 4
#: a growth past this, either way, is said to be steep: compounded over a horizon it is rarely kept [per month]
STEEP_GROWTH_PER_MONTH = 0.10
#: token kinds of the by-day table, and the record column each is
KINDS = {
    "fresh input": "input_tokens",
    "cache write": "cache_write_tokens",
    "cache read": "cached_input_tokens",
    "output": "output_tokens",
}
COUNTS = tuple(KINDS.values())


@dataclasses.dataclass(frozen=True)
class UsageHistory:
    """What a usage export says: its span, the window's tokens and mix, the trend, by model and by day."""

    first_day: dt.date
    last_day: dt.date
    window_first_day: dt.date
    window_days: int  # [days] calendar days of the window (a month's for a monthly report)
    monthly: bool  # the file's rows are months
    window: dict[str, float]  # the window's tokens by record column [tokens]
    cost_usd: float | None  # what the export says the window cost [USD]; None when it does not say
    tokens_per_month: float  # [tokens/month] the window's tokens over its days, times days a month
    monthly_growth: float  # [per month] fitted, within Usage's bounds; 0 when there is no trend to fit
    growth_note: str  # how the growth was found, in words
    by_model: pd.DataFrame  # model, tokens, share, and each count, over the window
    by_day: pd.DataFrame  # date, kind, tokens: the whole file (long form)
    models: tuple[str, ...]  # the window's models, most tokens first

    @property
    def window_tokens(self) -> float:
        return float(sum(self.window[c] for c in COUNTS))

    @property
    def input_tokens(self) -> float:
        """Every input token of the window: fresh, written to the cache, read from it [tokens]."""
        return float(self.window["input_tokens"] + self.window["cache_write_tokens"] + self.window["cached_input_tokens"])

    @property
    def input_share(self) -> float:
        return self.input_tokens / self.window_tokens if self.window_tokens else 0.0

    @property
    def cached_input_share(self) -> float:
        return self.window["cached_input_tokens"] / self.input_tokens if self.input_tokens else 0.0

    @property
    def usage(self) -> Usage:
        """The window as the break-even page's usage: tokens a month, the mix, the growth."""
        return Usage(
            tokens_per_month=self.tokens_per_month,
            input_share=self.input_share,
            cached_input_share=self.cached_input_share,
            monthly_growth=self.monthly_growth,
        )


def _growth(frame: pd.DataFrame, monthly: bool) -> tuple[float, str]:
    """The monthly growth fitted to the tokens of each week (month) with any, and how it was found."""
    totals = frame.assign(tokens=frame[list(COUNTS)].sum(axis=1))
    if monthly:
        bins = totals.groupby("date")["tokens"].sum()
        x = np.array([(d - bins.index[0]).days for d in bins.index], dtype=float)
        unit = "month"
    else:
        start = totals["date"].min()
        week = totals["date"].map(lambda d: (d - start).days // 7)
        bins = totals.groupby(week)["tokens"].sum()
        last_week_days = (totals["date"].max() - start).days % 7 + 1
        if last_week_days < 7 and len(bins) > 1:  # a week cut short reads as a fall: leave it out
            bins = bins.iloc[:-1]
        x = bins.index.to_numpy(dtype=float) * 7
        unit = "whole week"
    kept = bins.to_numpy() > 0
    if kept.sum() < MIN_TREND_BINS:
        n = int(kept.sum())
        return 0.0, f"no growth fitted: {n} {unit}{'s' if n != 1 else ''} with tokens, {MIN_TREND_BINS} needed"
    slope = np.polyfit(x[kept], np.log(bins.to_numpy()[kept]), 1)[0]  # [per day]
    growth = float(np.exp(slope * DAYS_PER_MONTH) - 1.0)
    low, high, _, _ = bounds(Usage, "monthly_growth")
    fitted = f"fitted to {int(kept.sum())} {unit}s"
    if not low <= growth <= high:
        clipped = min(max(growth, low), high)
        return clipped, fitted + f": {growth:+.1%} a month, held to {clipped:+.0%} (the most a scenario takes)"
    return growth, fitted


def summarize(records: pd.DataFrame, monthly: bool = False) -> UsageHistory:
    """A usage export's records summed: the last ``WINDOW_DAYS`` days' tokens a month and mix, the growth
    fitted to the whole file, tokens by model (window) and by day and kind (whole file).

    >>> from costmodel.io.usage_exports import read_usage
    >>> u = read_usage("date,model,input_tokens,cached_input_tokens,output_tokens\\n"
    ...                "2026-11-01,m,1000,400,250\\n2026-11-02,m,3000,1600,750\\n", "mine.csv")
    >>> h = summarize(u.records)
    >>> h.window_days, h.window_tokens, h.input_share, h.cached_input_share
    (2, 5000.0, 0.8, 0.5)
    >>> round(h.tokens_per_month)   # 5,000 tokens in 2 days x 30.4375 days a month
    76094
    """
    if records.empty:
        raise CostModelError("summarize: the usage export has no records")
    frame = records.copy()
    first, last = frame["date"].min(), frame["date"].max()
    if monthly:
        window_first = last
        next_month = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        days = (next_month - last).days
    else:
        window_first = max(first, last - dt.timedelta(days=WINDOW_DAYS - 1))
        days = (last - window_first).days + 1
    inside = frame[frame["date"] >= window_first]
    window = {c: float(inside[c].sum()) for c in COUNTS}
    costs = inside["cost_usd"].dropna()
    cost = float(costs.sum()) if len(costs) == len(inside) and len(inside) else None
    total = sum(window.values())
    growth, note = _growth(frame, monthly)
    by_model = (
        inside.assign(tokens=inside[list(COUNTS)].sum(axis=1))
        .groupby("model", as_index=False)[["tokens", *COUNTS]]
        .sum()
        .sort_values(["tokens", "model"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    by_model.insert(2, "share", by_model["tokens"] / total if total else 0.0)
    per_day = frame.groupby("date", as_index=False)[list(COUNTS)].sum()
    by_day = per_day.melt(id_vars="date", var_name="kind", value_name="tokens")
    by_day["kind"] = by_day["kind"].map({v: k for k, v in KINDS.items()})
    return UsageHistory(
        first_day=first,
        last_day=last,
        window_first_day=window_first,
        window_days=days,
        monthly=monthly,
        window=window,
        cost_usd=cost,
        tokens_per_month=total / days * DAYS_PER_MONTH,
        monthly_growth=growth,
        growth_note=note,
        by_model=by_model,
        by_day=by_day,
        models=tuple(by_model["model"]),
    )


def tokens_cost_usd(price: ApiPrice, counts: Mapping[str, float]) -> float:
    """What ``counts`` of each kind cost at ``price`` [USD]: fresh input and cache writes at the input
    price (no offering here states a write price), cache reads at the cached price (else input).

    >>> p = ApiPrice(price_id="a/b", provider="a", model="b", input_usd_per_mtok=3.0, output_usd_per_mtok=15.0,
    ...              cached_input_usd_per_mtok=0.3)
    >>> tokens_cost_usd(p, {"input_tokens": 1e6, "cache_write_tokens": 1e6, "cached_input_tokens": 10e6, "output_tokens": 1e6})
    24.0
    """
    cached = price.cached_input_usd_per_mtok if price.cached_input_usd_per_mtok is not None else price.input_usd_per_mtok
    return (
        (counts["input_tokens"] + counts["cache_write_tokens"]) * price.input_usd_per_mtok
        + counts["cached_input_tokens"] * cached
        + counts["output_tokens"] * price.output_usd_per_mtok
    ) / TOKENS_PER_MTOK


def offering_costs(history: UsageHistory, prices: Iterable[ApiPrice]) -> pd.DataFrame:
    """The window's tokens priced at every offering, cheapest first: ``price_id``, ``cost_usd``,
    ``usd_per_mtok`` (over every token of the window), ``open_weights_model_id``."""
    rows = [
        {
            "price_id": p.price_id,
            "cost_usd": tokens_cost_usd(p, history.window),
            "open_weights_model_id": p.open_weights_model_id,
            "as_of": p.as_of,
        }
        for p in prices
    ]
    frame = pd.DataFrame(rows, columns=["price_id", "cost_usd", "open_weights_model_id", "as_of"])
    frame["usd_per_mtok"] = frame["cost_usd"] / history.window_tokens * TOKENS_PER_MTOK if history.window_tokens else 0.0
    return frame.sort_values(["cost_usd", "price_id"], kind="stable").reset_index(drop=True)


#: the maker whose own offering bills a model, by the start of its name
MAKERS = (("claude", "anthropic"), ("gpt", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"),
          ("gemini", "google"), ("glm", "zai"), ("qwen", "alibaba"), ("deepseek", "deepseek"), ("grok", "xai"))


def model_key(name: str) -> str:
    """A model's name for matching across providers: lower case, no provider path, no date, dots as dashes.

    >>> model_key("claude-sonnet-4-5-20250929"), model_key("anthropic/claude-sonnet-4.5"), model_key("gpt-5-2025-08-07")
    ('claude-sonnet-4-5', 'claude-sonnet-4-5', 'gpt-5')
    """
    text = name.strip().lower().rsplit("/", 1)[-1].split(":")[0]
    text = re.sub(r"-(20\d{6}|20\d{2}-\d{2}-\d{2})$", "", text)
    return text.replace(".", "-")


def used_offerings(history: UsageHistory, prices: Mapping[str, ApiPrice], provider: str | None = None) -> dict[str, str]:
    """The offering that bills each model of the window, by model: the ``provider``'s where it lists
    the model (OpenRouter's for an OpenRouter export), else its maker's, else the cheapest that serves it."""
    by_key: dict[str, list[ApiPrice]] = {}
    for p in prices.values():
        by_key.setdefault(model_key(p.model), []).append(p)
    found = {}
    for model in history.models:
        candidates = by_key.get(model_key(model), [])
        if provider == "openrouter":
            slug = model.strip().lower()
            candidates = [p for p in prices.values() if p.price_id.lower() == f"openrouter/{slug}"] or candidates
        if not candidates:
            continue
        maker = next((m for prefix, m in MAKERS if model_key(model).startswith(prefix)), None)
        for want in (provider, maker):
            mine = [p for p in candidates if want and p.provider.lower() == want]
            if mine:
                candidates = mine
                break
        found[model] = min(candidates, key=lambda p: tokens_cost_usd(p, history.window)).price_id
    return found


def used_cost_usd(history: UsageHistory, prices: Mapping[str, ApiPrice], used: Mapping[str, str]) -> float | None:
    """The window's tokens priced model by model at the offerings that bill them [USD]; None unless
    every model's offering is known."""
    if not history.models or any(m not in used for m in history.models):
        return None
    rows = history.by_model.set_index("model")
    return float(sum(tokens_cost_usd(prices[used[m]], rows.loc[m]) for m in history.models))


def hours_needed(history: UsageHistory, comparison: Comparison) -> float | None:
    """Hours the comparison's machine would have worked to serve the window's tokens at its speeds,
    with the window's mix (the prefix cache finding the cached input) [h]; None when it cannot run
    the model."""
    t = comparison.throughput
    if t.decode_tok_s is None or t.prefill_tok_s is None:
        return None
    s = comparison.scenario
    per_token = hours_per_api_token(s, t.decode_tok_s, t.prefill_tok_s, history.input_share, history.cached_input_share)
    return float(history.window_tokens * per_token / s.boxes)


@dataclasses.dataclass(frozen=True)
class CostsElsewhere:
    """What the window's tokens cost as billed, and would have cost elsewhere."""

    used: dict[str, str]  # model of the window -> the offering that bills it
    used_usd: float | None  # the window at those offerings' prices [USD]; None unless every model's is known
    billed_usd: float | None  # what the export itself says the window cost [USD]
    target_model_id: str | None  # the model the break-even page weighs (GLM 5.2 by default)
    target: tuple[str, float] | None  # its cheapest offering for these tokens, and their cost there [USD]
    open_weights: pd.DataFrame  # the cheapest offerings of open-weight models the catalogue runs
    hours: dict[str, float | None]  # machine id -> hours it would have worked [h]; None: cannot run it


def costs_elsewhere(
    history: UsageHistory,
    prices: Mapping[str, ApiPrice],
    provider: str | None,
    comparisons: Mapping[str, Comparison],
    target_model_id: str | None = None,
    most: int = 10,
) -> CostsElsewhere:
    """The window's tokens on the offerings that billed them, on the cheapest offering of
    ``target_model_id`` and of every open-weight model the catalogue runs (the ``most`` cheapest), and
    the hours each machine of ``comparisons`` (machine id -> its comparison) would have worked."""
    used = used_offerings(history, prices, provider)
    table = offering_costs(history, prices.values())
    target = None
    if target_model_id is not None:
        mine = table[table["open_weights_model_id"] == target_model_id]
        if not mine.empty:
            target = (str(mine["price_id"].iloc[0]), float(mine["cost_usd"].iloc[0]))
    open_weights = (
        table[table["open_weights_model_id"].notna()].drop_duplicates("open_weights_model_id").head(most).reset_index(drop=True)
    )
    return CostsElsewhere(
        used=used,
        used_usd=used_cost_usd(history, prices, used),
        billed_usd=history.cost_usd,
        target_model_id=target_model_id,
        target=target,
        open_weights=open_weights,
        hours={machine_id: hours_needed(history, r) for machine_id, r in comparisons.items()},
    )

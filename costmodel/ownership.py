"""What owning a build costs: capex charged, resale value, electricity, maintenance, capacity.

* **Capex** is paid at month 0; ``dual_use_share`` of it (and of its resale value) is charged to
  LLM work. When the horizon outlasts ``lifetime_months`` and ``replace_at_end_of_life`` is set,
  the machine is sold at its resale value and bought again at each end of life.
* **Value if sold at month m** falls in a straight line from capex to
  ``capex x resale_fraction`` over the lifetime (and stays there if the machine is kept).
* **Electricity** per month = (hours at load x ``power_load_w`` + hours powered but idle x
  ``power_idle_w``) / 1000 x ``electricity_usd_per_kwh``. The box is powered ``hours_per_day``
  hours a day and off otherwise.
* **Capacity**: a token mix needs ``output / decode_tok_s + input / prefill_tok_s`` seconds of
  load; the most tokens a month are the powered hours over the hours per token.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .units import DAYS_PER_MONTH, SECONDS_PER_HOUR, TOKENS_PER_MTOK, W_PER_KW

FloatArray = npt.NDArray[np.float64]


def hours_per_token(decode_tok_s: float, prefill_tok_s: float, input_share: float) -> float:
    """Hours of load one token of the mix takes [h].

    At 6 tok/s of decode, a million output tokens take 46.3 hours:

    >>> round(hours_per_token(6.0, 100.0, input_share=0.0) * 1e6, 1)
    46.3
    """
    seconds = (1.0 - input_share) / decode_tok_s + input_share / prefill_tok_s
    return seconds / SECONDS_PER_HOUR


def powered_hours_per_month(hours_per_day: float) -> float:
    """Hours a month the box is on [h] (730.5 at 24 hours a day)."""
    return hours_per_day * DAYS_PER_MONTH


def usable_hours_per_month(hours_per_day, busy_hours_per_day=24.0, peak_to_average=1.0):
    """Hours a month the box can work on what is asked [h]: the powered hours in which work comes,
    over the peak-to-average factor (a box sized for the average hour falls behind at the peak).

    >>> float(usable_hours_per_month(24.0)), float(usable_hours_per_month(24.0, 8.0, 2.0))
    (730.5, 121.75)
    """
    return powered_hours_per_month(np.minimum(hours_per_day, busy_hours_per_day)) / peak_to_average


def capacity_tok_per_month(
    hours_per_token_h: float,
    hours_per_day: float,
    busy_hours_per_day: float = 24.0,
    peak_to_average: float = 1.0,
    boxes: int = 1,
) -> float:
    """Most tokens of the mix ``boxes`` builds can serve in a month [tokens/month].

    At 3 tok/s, 24 hours a day, all output: about 7.9 M tokens a month (the article's "8 M"); in
    8 office hours with a peak twice the average, a sixth of that:

    >>> round(capacity_tok_per_month(hours_per_token(3.0, 100.0, 0.0), 24) / 1e6, 2)
    7.89
    >>> round(capacity_tok_per_month(hours_per_token(3.0, 100.0, 0.0), 24, 8, 2) / 1e6, 2)
    1.31
    """
    if hours_per_token_h <= 0:
        return float("inf")
    return float(usable_hours_per_month(hours_per_day, busy_hours_per_day, peak_to_average)) * boxes / hours_per_token_h


def electricity_usd(
    load_hours: FloatArray | float,
    powered_hours: float,
    power_load_w: float,
    power_idle_w: float,
    electricity_usd_per_kwh: float,
) -> FloatArray | float:
    """Electricity for a month with ``load_hours`` of work in ``powered_hours`` on [USD].

    A 1 kW box generating 46.3 hours at $0.15/kWh spends $6.94 (the article's figure for a
    million tokens at 6 tok/s):

    >>> round(float(electricity_usd(1e6 / 6 / 3600, 1e6 / 6 / 3600, 1000, 100, 0.15)), 2)
    6.94
    """
    idle_hours = np.subtract(powered_hours, load_hours)
    kwh = (np.multiply(load_hours, power_load_w) + np.multiply(idle_hours, power_idle_w)) / W_PER_KW
    return np.multiply(kwh, electricity_usd_per_kwh)


def replacement_months(horizon_months: int, lifetime_months: int, replace_at_end_of_life: bool) -> FloatArray:
    """Months strictly inside the horizon at which the machine is sold and bought again.

    >>> replacement_months(60, 24, True).tolist()
    [24.0, 48.0]
    >>> replacement_months(48, 24, True).tolist()
    [24.0]
    """
    if not replace_at_end_of_life or lifetime_months >= horizon_months:
        return np.empty(0)
    return np.arange(lifetime_months, horizon_months, lifetime_months, dtype=float)


def resale_value_usd(
    capex_usd: float | FloatArray,
    resale_fraction: float | FloatArray,
    lifetime_months: int,
    horizon_months: int,
    replace_at_end_of_life: bool = True,
    first_value_usd: float | FloatArray | None = None,
) -> FloatArray:
    """What the machine in use would sell for at each month 0..horizon [USD].

    Straight line from its price to ``price x resale_fraction`` over the lifetime; a replaced
    machine starts again from capex, a kept one stays at its end-of-life value. The first machine's
    price is ``first_value_usd`` when given (a box owned already, worth that today), else capex:

    >>> resale_value_usd(10_000, 0.3, 24, 48)[[0, 12, 24, 36, 48]].round(2).tolist()
    [10000.0, 6500.0, 10000.0, 6500.0, 3000.0]
    >>> resale_value_usd(10_000, 0.3, 24, 48, replace_at_end_of_life=False)[[12, 24, 48]].round(2).tolist()
    [6500.0, 3000.0, 3000.0]
    >>> resale_value_usd(10_000, 0.3, 24, 48, first_value_usd=4_000)[[0, 12, 23, 24]].round(2).tolist()
    [4000.0, 2600.0, 1316.67, 10000.0]
    """
    age = machine_age_months(lifetime_months, horizon_months, replace_at_end_of_life)
    price = np.asarray(capex_usd, dtype=float)
    if first_value_usd is not None:
        first = machine_index(lifetime_months, horizon_months, replace_at_end_of_life) == 0
        price = np.where(first, np.asarray(first_value_usd, dtype=float), price)
    return price * (1.0 - (1.0 - np.asarray(resale_fraction, dtype=float)) * age / lifetime_months)


def machine_index(lifetime_months: int, horizon_months: int, replace_at_end_of_life: bool) -> FloatArray:
    """Which machine is in use at each month 0..horizon: 0 the first, 1 after the first replacement."""
    months = np.arange(horizon_months + 1, dtype=float)
    replaced = replacement_months(horizon_months, lifetime_months, replace_at_end_of_life)
    return np.searchsorted(replaced, months, side="right").astype(float)


def discount_factors(monthly_rate: float | FloatArray, horizon_months: int) -> FloatArray:
    """What a dollar of month m is worth today at a monthly discount rate: ``(1 + rate) ** -m`` [ratio].

    At 8% a year (0.643% a month) a dollar spent in month 12 is worth 92.6 cents today:

    >>> round(float(discount_factors((1.08) ** (1 / 12) - 1, 12)[12]), 4)
    0.9259
    """
    months = np.arange(horizon_months + 1, dtype=float)
    return np.power(1.0 + np.asarray(monthly_rate, dtype=float)[..., np.newaxis], -months)


def machine_age_months(lifetime_months: int, horizon_months: int, replace_at_end_of_life: bool) -> FloatArray:
    """Age of the machine in use at each month 0..horizon [months]."""
    months = np.arange(horizon_months + 1, dtype=float)
    if replace_at_end_of_life:
        return months - lifetime_months * machine_index(lifetime_months, horizon_months, True)
    return np.minimum(months, lifetime_months)


def per_mtok(usd: float, tokens: float) -> float | None:
    """USD per million tokens, or None when there is not even one token."""
    return usd / tokens * TOKENS_PER_MTOK if tokens >= 1 else None

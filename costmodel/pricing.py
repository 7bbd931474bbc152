"""API prices: the blended price of a token mix.

A provider quotes an input price and an output price per million tokens. What a million tokens
of *your* traffic costs depends on the mix: with an input share s, a cached share c of that
input, and prices i (input), k (cached input) and o (output),

    blended = s x ((1 - c) x i + c x k) + (1 - s) x o        [USD/Mtok]

Cached input is a part of input, never billed on top of it. The sum "input + output" that
articles call "blended" is the price of one million input tokens *plus* one million output
tokens: two million tokens, not one.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from .errors import CostModelError
from .schema import ApiPrice, Usage

ArrayLike = float | npt.NDArray[np.float64]


def _blend(
    input_usd_per_mtok: ArrayLike,
    output_usd_per_mtok: ArrayLike,
    cached_input_usd_per_mtok: ArrayLike,
    input_share: ArrayLike,
    cached_input_share: ArrayLike,
) -> ArrayLike:
    """The blend formula on plain numbers or arrays (they broadcast)."""
    uncached = np.multiply(np.subtract(1.0, cached_input_share), input_usd_per_mtok)
    cached = np.multiply(cached_input_share, cached_input_usd_per_mtok)
    value = np.multiply(input_share, uncached + cached) + np.multiply(
        np.subtract(1.0, input_share), output_usd_per_mtok
    )
    return float(value) if np.ndim(value) == 0 else value


@overload
def blended_usd_per_mtok(price: ApiPrice, usage: Usage, /) -> float: ...
@overload
def blended_usd_per_mtok(
    *,
    input_usd_per_mtok: ArrayLike,
    output_usd_per_mtok: ArrayLike,
    input_share: ArrayLike,
    cached_input_usd_per_mtok: ArrayLike | None = None,
    cached_input_share: ArrayLike = 0.0,
) -> ArrayLike: ...


def blended_usd_per_mtok(
    price: ApiPrice | None = None,
    usage: Usage | None = None,
    /,
    *,
    input_usd_per_mtok: ArrayLike | None = None,
    output_usd_per_mtok: ArrayLike | None = None,
    input_share: ArrayLike | None = None,
    cached_input_usd_per_mtok: ArrayLike | None = None,
    cached_input_share: ArrayLike = 0.0,
) -> ArrayLike:
    """Price of one million tokens of a given input/output mix [USD/Mtok].

    Call it with an ``ApiPrice`` and a ``Usage``, or with the prices and shares as numbers or
    arrays (which broadcast). Without a cached-input price, cached input is billed as input.

    GLM 5.2's API at $1.40 in / $4.40 out: the article's "$5.80 blended" is the two prices
    added. At a 1:1 mix a million tokens cost $2.90, at 3:1 (three input tokens per output
    token) $2.15:

    >>> round(blended_usd_per_mtok(input_usd_per_mtok=1.40, output_usd_per_mtok=4.40, input_share=0.5), 4)
    2.9
    >>> round(blended_usd_per_mtok(input_usd_per_mtok=1.40, output_usd_per_mtok=4.40, input_share=0.75), 4)
    2.15

    With half of the input read from a prompt cache at $0.26:

    >>> round(blended_usd_per_mtok(input_usd_per_mtok=1.40, output_usd_per_mtok=4.40,
    ...       input_share=0.75, cached_input_usd_per_mtok=0.26, cached_input_share=0.5), 4)
    1.7225
    """
    if price is not None or usage is not None:
        if price is None or usage is None:
            raise CostModelError("blended_usd_per_mtok: give both a price and a usage, or the numbers")
        if input_usd_per_mtok is not None or output_usd_per_mtok is not None or input_share is not None:
            raise CostModelError("blended_usd_per_mtok: give a price and usage, or the numbers, not both")
        cached = price.cached_input_usd_per_mtok
        return _blend(
            price.input_usd_per_mtok,
            price.output_usd_per_mtok,
            price.input_usd_per_mtok if cached is None else cached,
            usage.input_share,
            usage.cached_input_share,
        )
    if input_usd_per_mtok is None or output_usd_per_mtok is None or input_share is None:
        raise CostModelError(
            "blended_usd_per_mtok: input_usd_per_mtok, output_usd_per_mtok and input_share are required"
        )
    shares = np.asarray(
        [np.min(input_share), np.max(input_share), np.min(cached_input_share), np.max(cached_input_share)]
    )
    if not np.all(np.isfinite(shares)) or np.any(shares < 0) or np.any(shares > 1):
        raise CostModelError("blended_usd_per_mtok: input_share and cached_input_share must be within 0-1")
    cached_price = input_usd_per_mtok if cached_input_usd_per_mtok is None else cached_input_usd_per_mtok
    return _blend(input_usd_per_mtok, output_usd_per_mtok, cached_price, input_share, cached_input_share)


def sum_of_prices_usd(price: ApiPrice) -> float:
    """The articles' "blended" figure: input price plus output price [USD per 1 M in + 1 M out].

    >>> from costmodel.schema import ApiPrice
    >>> sum_of_prices_usd(ApiPrice(price_id="zai/glm-5.2", provider="zai", model="glm-5.2",
    ...                            input_usd_per_mtok=1.40, output_usd_per_mtok=4.40))
    5.8
    """
    return round(price.input_usd_per_mtok + price.output_usd_per_mtok, 10)

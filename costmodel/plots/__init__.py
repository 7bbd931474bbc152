"""Figure specs from finished results: ``breakeven``, ``catalogue``, ``sensitivity``, ``usage``; ``style`` is what
they share.

Specs are plain dicts (no plotly objects), so ``import costmodel.plots`` needs plotly only for
its template; ``ui.charts.show`` draws them.
"""

from .breakeven import cost_per_mtok, cumulative_cost, scenario_overlay
from .catalogue import hardware_speeds, kv_cache, price_blend, price_history, quant_memory
from .sensitivity import fan, price_trends, savings_distribution, tornado
from .style import build_colours, legend_names, png_config
from .usage import usage_by_day

__all__ = [
    "build_colours",
    "cost_per_mtok",
    "cumulative_cost",
    "fan",
    "hardware_speeds",
    "kv_cache",
    "legend_names",
    "png_config",
    "price_blend",
    "price_history",
    "price_trends",
    "quant_memory",
    "savings_distribution",
    "scenario_overlay",
    "tornado",
    "usage_by_day",
]

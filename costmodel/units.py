"""Named constants of the time base and of units. A bare 730 or 1e6 never appears in a formula.

Months are calendar-average months (365.25 / 12 days): a box powered 24 hours a day runs
``HOURS_PER_MONTH`` = 730.5 hours a month.
"""

from __future__ import annotations

HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.25
MONTHS_PER_YEAR = 12
DAYS_PER_MONTH = DAYS_PER_YEAR / MONTHS_PER_YEAR  # 30.4375 days
HOURS_PER_MONTH = HOURS_PER_DAY * DAYS_PER_MONTH  # 730.5 hours
SECONDS_PER_HOUR = 3600.0
TOKENS_PER_MTOK = 1_000_000.0  # prices are quoted per million tokens
W_PER_KW = 1000.0
BYTES_PER_GB = 1e9  # decimal gigabytes, as file sizes are quoted
FLOPS_PER_TFLOP = 1e12
PARAMS_PER_B = 1e9  # parameter counts are quoted in billions
BITS_PER_BYTE = 8.0

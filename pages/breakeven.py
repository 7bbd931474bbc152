"""Break-even: buy the box, rent it, or pay the API? The page's code is ``ui/breakeven.py``."""

import ui.warmed  # noqa: F401  first: waits for the server's warm-up imports (ui/serve.py)

from ui.breakeven import body
from ui.guard import run_page

run_page(body)

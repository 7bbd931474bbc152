"""Break-even: buy the box, rent it, or pay the API? The page's code is ``ui/breakeven.py``."""

from ui.breakeven import body
from ui.guard import run_page

run_page(body)

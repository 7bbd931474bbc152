"""breakeven: buy the box or pay the API? The entrypoint only wires the pages (see ui/nav.py)."""

from ui import nav

nav.run()

"""breakeven: buy the box or pay the API? The entrypoint only wires the pages (see ui/nav.py)."""

import ui.warmed  # noqa: F401  first: waits for the server's warm-up imports (ui/serve.py)

from ui import nav

nav.run()

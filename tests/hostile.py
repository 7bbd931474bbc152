"""Hostile strings: what a user (or a link) may type where the app shows text.

Every test that renders user text uses this list. Each entry would, if rendered as markdown by
Streamlit, become a link, an image fetched from an outside host, a colour or icon directive,
LaTeX, a heading or other formatting. ``EVIL`` is the outside host: nothing on a page may point at
it. ``NAMES`` are those that also pass the catalogue's own checks for a name (no HTML tags, no
spreadsheet formula start), so they can be the name of a build.
"""

from __future__ import annotations

EVIL = "evil.example"

HOSTILE: tuple[str, ...] = (
    f"[Prices changed: click to re-verify](http://{EVIL}/verify)",
    f"![x](http://{EVIL}/beacon.png?leak=1)",
    f"http://{EVIL}/bare",
    f"https://{EVIL}/bare-tls",
    f"www.{EVIL}",
    f"mail a@{EVIL}",
    f"<http://{EVIL}/angle>",
    f"[ref][1] [1]: http://{EVIL}/ref",
    ":red[alert] :blue-background[x] :small[y]",
    ":material/warning: icon",
    "$\\LaTeX x^2$",
    "**bold** _it_ ~~strike~~ `code`",
    "# heading",
    "> quote",
    f"a\\[b\\](http://{EVIL}/pre-escaped)",
    "&lt;b&gt; &amp;",
    "<img src=x onerror=alert(1)>",
    f'<a href="http://{EVIL}/tag">tag</a>',
)

#: hostile strings a build, model or scenario name may hold (the schema refuses tags and formulas)
NAMES: tuple[str, ...] = tuple(h for h in HOSTILE if "<" not in h and not h.startswith(("=", "+", "@")))

#: markdown that a backslash escape stops: present as is, the string reached markdown unescaped
SYNTAX_MARKERS: tuple[str, ...] = ("](", "![", ":red[alert]", "$\\LaTeX")
#: what Streamlit matches after parsing, escapes or not: bare URLs, e-mail addresses, icons
AUTOLINK_MARKERS: tuple[str, ...] = (f"://{EVIL}", f"www.{EVIL}", f"@{EVIL}", ":material/")


def raw_markers(text: str) -> list[str]:
    """The hostile markers in ``text`` (an element's markdown as sent to the browser)."""
    unescaped = text.replace("\\", "")
    return [m for m in SYNTAX_MARKERS if m in text] + [m for m in AUTOLINK_MARKERS if m in unescaped]


#: pieces that generated strings are made of: markdown, directives, autolink and icon patterns
FRAGMENTS: tuple[str, ...] = (
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "http://",
    "https://",
    "www.",
    "@",
    EVIL,
    "/x.png",
    ":red[",
    ":material/warning:",
    ":smile:",
    "$",
    "$$",
    "\\",
    "*",
    "**",
    "_",
    "`",
    "~~",
    "#",
    "> ",
    "1. ",
    "|",
    "<",
    ">",
    "&amp;",
    " ",
    "a",
    "Box",
    ".",
    ":",
    "=",
)


def fuzz_strings(seed: int, count: int) -> list[str]:
    """``count`` strings of 1-12 fragments drawn with ``seed`` (the same seed, the same strings)."""
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 12))).strip() or "a" for _ in range(count)]

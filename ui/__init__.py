"""App-side helpers shared by the pages: catalogue with the user's additions, URL state, guards.

Streamlit lives here and in ``pages/``, never in ``costmodel``.
"""

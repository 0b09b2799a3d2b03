"""Object declarations of the governance app.

Governance sits on top of the stack (beside appraisal): it reads the portfolio and the
organization, and shows itself on their pages only through the hallways' extension points
(``core.extensions.register_tile`` / ``register_panel`` / ``register_hook``).
"""

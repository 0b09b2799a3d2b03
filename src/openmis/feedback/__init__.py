"""Feedback on systems and the improvements backlog it feeds."""

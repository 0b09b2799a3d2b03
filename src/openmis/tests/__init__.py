"""System tests: behaviour that spans apps, run on the assembled site (above every app in the
layer contract, see pyproject.toml)."""

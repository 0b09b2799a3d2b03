"""The governance app's models, one module per aggregate (policies, audiences, training...)."""

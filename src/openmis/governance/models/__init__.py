"""The governance app's models, one module per aggregate (policies, audiences, training...)."""

from openmis.governance.models.policies import Policy, PolicyException, PolicyVersion  # noqa: F401

"""Business intelligence: datasets in the warehouse, the questions asked of them, dashboards
of questions, who they are shared with, and their scheduled deliveries and alerts.

The models live in modules by subject; this package names them all, as Django and the rest
of the app expect ``openmis.bi.models.<Model>``.
"""

from openmis.bi.models.base import Visibility
from openmis.bi.models.datasets import Column, Dataset, ImportJob, Relationship
from openmis.bi.models.deliveries import Alert, AlertState, Delivery, Subscription
from openmis.bi.models.questions import Card, Dashboard, Question
from openmis.bi.models.security import RowRule, Share

__all__ = [
    "Alert",
    "AlertState",
    "Card",
    "Column",
    "Dashboard",
    "Dataset",
    "Delivery",
    "ImportJob",
    "Question",
    "Relationship",
    "RowRule",
    "Share",
    "Subscription",
    "Visibility",
]

"""The post-implementation review as a pure computation: feedback before and after a go-live
compared over equal windows, normalised per week and per user.

No database here: :func:`compare` takes plain rows ``(date, rating, hours)`` — the day the
feedback was given, its rating (1–5 or None) and the hours a month it says are lost (the
feedback's ``hours_per_month``: the hours lost a month by the people it speaks for, as the
improvement page adds them up) — and returns a :class:`Review`.

The rules, so that a figure is never a day-one artefact:

* **Equal windows.** ``window_days`` (W, 90 by default) days before the go-live day and W days
  from it. Only complete days count: today is not over, so the after window ends yesterday
  at the latest. While fewer than W days have passed, both windows are as long as the days
  that have passed (the same count before as after).
* **Not before ``min_days``.** Until ``min_days`` (30) whole days have passed since the go-live
  the review is *not ready*, and says on which day it will be (go-live + ``min_days``).
* **Not on too little feedback.** Each window needs at least ``min_feedback`` (5) feedback
  items; with fewer the review is *not ready* either, giving the counts.
* **Normalised.** Feedback items per week (count × 7 ÷ days) and, when the system's number of
  users is known, per user per week; the hours lost stated on the feedback, in total and per
  user; the average rating with the number of ratings it is made of.

>>> from datetime import date
>>> go_live = date(2026, 10, 1)
>>> rows = [(date(2026, 9, d), 2, 4) for d in range(1, 8)] + [
...     (date(2026, 10, d), 4, 1) for d in range(1, 15)]
>>> review = compare(rows, go_live, today=date(2026, 10, 31), users=20)
>>> review.ready, review.days, review.before.start, review.after.end
(True, 30, datetime.date(2026, 9, 1), datetime.date(2026, 10, 30))
>>> review.before.count, review.after.count
(7, 14)
>>> review.before.per_week, review.after.per_week   # 7 × 7 / 30, 14 × 7 / 30
(1.6333333333333333, 3.2666666666666666)
>>> review.after.per_user_per_week                   # 3.2666… ÷ 20 users
0.16333333333333333
>>> review.before.hours, review.after.hours          # 7 × 4 h, 14 × 1 h
(Decimal('28'), Decimal('14'))
>>> review.before.average_rating, review.after.average_rating, review.rating_change
(2.0, 4.0, 2.0)
>>> review.per_week_change                            # doubled: +100 %
1.0

Too early, the review says when it will be ready and shows no figure:

>>> early = compare(rows, go_live, today=date(2026, 10, 2))
>>> early.ready, early.reason, early.ready_on, early.before
(False, 'too_early', datetime.date(2026, 10, 31), None)
"""

# ruff: noqa: RUF002, RUF003  (the arithmetic is written with ×, ÷, − and –)

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

WINDOW_DAYS = 90  # days compared on each side of the go-live
MIN_DAYS = 30  # whole days that must have passed since the go-live
MIN_FEEDBACK = 5  # feedback items each window needs

TOO_EARLY = "too_early"
TOO_LITTLE_FEEDBACK = "too_little_feedback"

Row = tuple[date, int | None, "Decimal | float | int | None"]


@dataclass(frozen=True)
class Window:
    """The figures of one side: ``start`` ≤ date ≤ ``end``, ``days`` days long."""

    start: date
    end: date
    days: int
    count: int  # feedback items
    ratings: int  # of which rated
    average_rating: float | None
    hours: Decimal  # hours a month lost, as the feedback states them (summed)
    users: int | None  # the system's users, None when unknown

    @property
    def weeks(self) -> float:
        return self.days / 7

    @property
    def per_week(self) -> float:
        """Feedback items per week of the window."""
        return self.count / self.weeks

    @property
    def per_user_per_week(self) -> float | None:
        """Feedback items per user per week; None when the number of users is unknown."""
        return self.per_week / self.users if self.users else None

    @property
    def hours_per_user(self) -> Decimal | None:
        """Hours a month lost per user, as stated; None when the number of users is unknown."""
        return self.hours / self.users if self.users else None


@dataclass(frozen=True)
class Review:
    """The comparison, or why there is none yet.

    ``ready`` False: ``reason`` is :data:`TOO_EARLY` (``ready_on`` the first day with figures;
    no windows) or :data:`TOO_LITTLE_FEEDBACK` (``before``/``after`` hold the counts so far;
    until :attr:`complete_on` the windows still grow). The changes are None unless ready.
    """

    go_live: date
    window_days: int  # the configured length W
    min_days: int
    min_feedback: int
    days: int  # the length of each window actually compared (≤ W); 0 when too early
    ready: bool
    reason: str
    ready_on: date | None
    before: Window | None
    after: Window | None

    @property
    def complete(self) -> bool:
        """Whether both windows have their full length W."""
        return self.days == self.window_days

    @property
    def complete_on(self) -> date:
        """The first day on which both windows have their full length."""
        return self.go_live + timedelta(days=self.window_days)

    def _change(self, name: str):
        if not self.ready:
            return None
        before, after = getattr(self.before, name), getattr(self.after, name)
        if before is None or after is None:
            return None
        return after - before

    @property
    def per_week_change(self) -> float | None:
        """The relative change of feedback items per week (0.5: half as many again)."""
        if not self.ready or not self.before.count:
            return None
        return self.after.per_week / self.before.per_week - 1

    @property
    def per_user_per_week_change(self) -> float | None:
        return self._change("per_user_per_week")

    @property
    def rating_change(self) -> float | None:
        return self._change("average_rating")

    @property
    def hours_change(self) -> Decimal | None:
        return self._change("hours")


def _window(rows: list[Row], start: date, end: date, users: int | None) -> Window:
    inside = [(rating, hours) for day, rating, hours in rows if start <= day <= end]
    ratings = [rating for rating, _hours in inside if rating is not None]
    return Window(
        start=start,
        end=end,
        days=(end - start).days + 1,
        count=len(inside),
        ratings=len(ratings),
        average_rating=sum(ratings) / len(ratings) if ratings else None,
        hours=sum((Decimal(str(hours or 0)) for _rating, hours in inside), Decimal(0)),
        users=users or None,
    )


def compare(
    rows: Iterable[Row],
    go_live: date,
    today: date,
    *,
    users: int | None = None,
    window_days: int = WINDOW_DAYS,
    min_days: int = MIN_DAYS,
    min_feedback: int = MIN_FEEDBACK,
) -> Review:
    """Compare the feedback ``rows`` before and after ``go_live`` as of ``today`` (see the
    module's docstring for the rules). ``users``: the system's number of users (0 or None:
    unknown, so no per-user figures). Rows outside both windows are ignored."""
    if window_days < 1 or min_days < 1 or min_feedback < 0:
        raise ValueError("window_days and min_days must be at least 1, min_feedback at least 0")
    min_days = min(min_days, window_days)
    passed = (today - go_live).days  # whole days since the go-live (today is not over)
    settings = {
        "go_live": go_live,
        "window_days": window_days,
        "min_days": min_days,
        "min_feedback": min_feedback,
    }
    if passed < min_days:
        return Review(
            **settings,
            days=0,
            ready=False,
            reason=TOO_EARLY,
            ready_on=go_live + timedelta(days=min_days),
            before=None,
            after=None,
        )
    days = min(passed, window_days)
    rows = list(rows)
    before = _window(rows, go_live - timedelta(days=days), go_live - timedelta(days=1), users)
    after = _window(rows, go_live, go_live + timedelta(days=days - 1), users)
    enough = before.count >= min_feedback and after.count >= min_feedback
    return Review(
        **settings,
        days=days,
        ready=enough,
        reason="" if enough else TOO_LITTLE_FEEDBACK,
        ready_on=None,
        before=before,
        after=after,
    )


def span(go_live: date, window_days: int = WINDOW_DAYS) -> tuple[date, date]:
    """The first and last day any review of ``go_live`` can look at (for the query)."""
    return go_live - timedelta(days=window_days), go_live + timedelta(days=window_days - 1)

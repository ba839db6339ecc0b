"""Day boundaries and "now as of a date" mean one thing everywhere (kit.clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kit.clock import combine_local, end_of_day, local_midnight, now_as_of

LONDON = ZoneInfo("Europe/London")


def test_local_midnight_is_the_start_of_the_day_in_london_in_winter_and_summer() -> None:
    assert local_midnight(date(2031, 1, 15)) == datetime(2031, 1, 15, tzinfo=LONDON)
    assert local_midnight(date(2031, 7, 15)).utcoffset() == timedelta(hours=1)


def test_the_end_of_a_day_is_the_next_midnight_even_across_a_clock_change() -> None:
    assert end_of_day(date(2031, 3, 29)) == datetime(2031, 3, 30, tzinfo=LONDON)
    assert end_of_day(date(2031, 3, 30)).astimezone(UTC) - local_midnight(date(2031, 3, 30)).astimezone(
        UTC
    ) == timedelta(hours=23)


def test_now_as_of_today_or_later_is_now_and_of_a_past_day_its_last_instant() -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    assert now_as_of(today, now) == now
    assert now_as_of(today + timedelta(days=3), now) == now
    last = now_as_of(today - timedelta(days=1), now)
    assert last == local_midnight(today) - timedelta(microseconds=1)
    assert timezone.localdate(last) == today - timedelta(days=1)


def test_a_date_and_a_time_combine_into_an_aware_local_moment() -> None:
    assert combine_local(date(2031, 1, 15), time(9, 30)) == datetime(2031, 1, 15, 9, 30, tzinfo=LONDON)
    assert combine_local(None, time(9, 30)) is None
    assert combine_local(date(2031, 1, 15), None) is None

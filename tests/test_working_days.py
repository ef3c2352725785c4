"""The vectorised working-day calendar equals chinese-calendar's is_workday on every day it covers."""
import datetime as dt

import chinese_calendar as cc
import numpy as np

from kzpolicy.rules.working_day_fee import _calendar, calendar_range, working_days


def test_calendar_equals_is_workday_on_every_day():
    first, last, cum = _calendar()
    days = np.arange(first, last + 1)
    ours = np.diff(cum).astype(bool)
    theirs = np.array([cc.is_workday(d.astype(dt.date)) for d in days])
    assert len(ours) == len(theirs) > 365 * 15
    assert (ours == theirs).all(), days[ours != theirs][:10]


def test_calendar_covers_exactly_the_packages_years():
    first, last = calendar_range()
    cc.is_workday(first.astype(dt.date))
    cc.is_workday(last.astype(dt.date))
    for outside in (first - 1, last + 1):
        try:
            cc.is_workday(outside.astype(dt.date))
        except NotImplementedError:
            continue
        raise AssertionError(f"chinese-calendar covers {outside}, the calendar here does not")


def test_working_days_over_a_national_holiday():
    # 2023-09-29 to 2023-10-06 off, 2023-10-07 and 10-08 (weekend) worked (调休)
    assert int(working_days(np.array(["2023-09-25"], "datetime64[D]"), np.array(["2023-10-09"], "datetime64[D]"))[0]) == \
        sum(cc.is_workday(dt.date(2023, 9, 25) + dt.timedelta(k)) for k in range(14))

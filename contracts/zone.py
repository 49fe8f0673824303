"""The time zone the platform's dates are local to (China Standard Time): deadlines,
notice dates and monthly figures are all counted in it."""

from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

"""A year's official holiday schedule (the State Council's notice), read from an operator's file.

Each November the General Office of the State Council publishes next year's holidays and
the make-up working days (调休) that pay for them. The operator loads the notice with
`renda holidays load`; a file is refused whole, the offending line named, when any part
of it is wrong, so a half-read notice never moves a deadline.

Two formats, both UTF-8 (see deploy/calendars/cn-2026.json):

- JSON: `{"year": 2026, "source": "...", "holidays": {"2026-01-01": "元旦", ...},
  "working_days": {"2026-01-04": "元旦调休", ...}}`
- CSV: a header `date,kind,name`, then one day a line, kind `holiday` or `working`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HOLIDAY = "holiday"
WORKING = "working"
NAME_LENGTH = 60
SOURCE_LENGTH = 255


class ScheduleError(ValueError):
    """A schedule file that cannot be loaded; the message names the file and line."""


@dataclass(frozen=True)
class OfficialSchedule:
    """One year's official days: holidays with their names, and make-up working days."""

    year: int
    holidays: dict[date, str]
    working_days: dict[date, str]
    source: str = ""
    loaded_at: str = field(default="", compare=False)

    def is_working_day(self, day: date) -> bool:
        """A make-up day works; otherwise a weekday works unless it is a holiday."""
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays


def read_schedule(path: Path, year: int, form: str | None = None) -> OfficialSchedule:
    """The schedule in `path` for `year`, or ScheduleError naming what is wrong and where;
    its format is `form`, or else the file's suffix."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleError(f"{path}: cannot read it ({exc})") from None
    return parse_schedule(path.name, text, form or path.suffix.lower().lstrip("."), year)


def parse_schedule(name: str, text: str, form: str, year: int) -> OfficialSchedule:
    """The schedule in `text` (`json` or `csv`); `name` is what errors call it."""
    if form == "json":
        return _from_json(name, text, year)
    if form == "csv":
        return _from_csv(name, text, year)
    raise ScheduleError(f"{name}: write the schedule as .json or .csv")


def _from_json(name: str, text: str, year: int) -> OfficialSchedule:
    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        for key in keys:
            if keys.count(key) > 1:
                raise ScheduleError(f"{name} line {_line_of(text, key)}: {key} is given twice")
        return dict(pairs)

    try:
        document = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise ScheduleError(f"{name} line {exc.lineno}: not JSON ({exc.msg})") from None
    if not isinstance(document, dict):
        raise ScheduleError(f"{name} line 1: expected an object with year, holidays, working_days")
    if document.get("year") != year:
        raise ScheduleError(
            f"{name} line {_line_of(text, 'year')}: the file is for {document.get('year')!r}, "
            f"not {year}"
        )
    unknown = set(document) - {"year", "source", "holidays", "working_days"}
    if unknown:
        first = sorted(unknown)[0]
        raise ScheduleError(f"{name} line {_line_of(text, first)}: unknown field {first!r}")
    source = document.get("source", "")
    if not isinstance(source, str) or len(source) > SOURCE_LENGTH:
        raise ScheduleError(
            f"{name} line {_line_of(text, 'source')}: source is text of at most "
            f"{SOURCE_LENGTH} characters"
        )
    days: list[tuple[int, str, str, object]] = []
    for kind, member in ((HOLIDAY, "holidays"), (WORKING, "working_days")):
        entries = document.get(member, {})
        if not isinstance(entries, dict):
            raise ScheduleError(
                f"{name} line {_line_of(text, member)}: {member} maps dates to names"
            )
        start = _line_of(text, member)
        days.extend(
            (_line_of(text, day, start), day, kind, label) for day, label in entries.items()
        )
    return _checked(name, year, source, days)


def _from_csv(name: str, text: str, year: int) -> OfficialSchedule:
    rows = list(enumerate(csv.reader(io.StringIO(text)), start=1))
    if not rows or [cell.strip() for cell in rows[0][1]] != ["date", "kind", "name"]:
        raise ScheduleError(f"{name} line 1: the header must be date,kind,name")
    days: list[tuple[int, str, str, object]] = []
    for number, cells in rows[1:]:
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != 3:
            raise ScheduleError(f"{name} line {number}: expected date,kind,name")
        day, kind, label = (cell.strip() for cell in cells)
        if kind not in (HOLIDAY, WORKING):
            raise ScheduleError(f"{name} line {number}: kind is holiday or working, not {kind!r}")
        days.append((number, day, kind, label))
    return _checked(name, year, "", days)


def _checked(
    name: str, year: int, source: str, days: list[tuple[int, str, str, object]]
) -> OfficialSchedule:
    holidays: dict[date, str] = {}
    working: dict[date, str] = {}
    for number, text, kind, label in days:
        where = f"{name} line {number}"
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ScheduleError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None
        if day.year != year:
            raise ScheduleError(f"{where}: {day} is not in {year}")
        if not isinstance(label, str) or not label.strip() or len(label) > NAME_LENGTH:
            raise ScheduleError(f"{where}: {day} needs a name of 1 to {NAME_LENGTH} characters")
        if day in holidays or day in working:
            raise ScheduleError(f"{where}: {day} is given twice (a holiday and a working day?)")
        if kind == WORKING and day.weekday() < 5:
            raise ScheduleError(f"{where}: {day} is a weekday; a make-up working day is a weekend")
        (holidays if kind == HOLIDAY else working)[day] = label.strip()
    if not holidays:
        raise ScheduleError(f"{name}: no holidays in it")
    return OfficialSchedule(year, holidays, working, source or name)


def _line_of(text: str, needle: str, start: int = 1) -> int:
    """The first line from `start` where a JSON key or value appears, to point at it."""
    quoted = json.dumps(needle, ensure_ascii=False)
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and quoted in line:
            return number
    return 1

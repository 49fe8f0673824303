"""`renda`: run the system and operate it."""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from contracts.vocabulary import CATEGORIES
from runtime.config import DIRECTORY, SERVICES, Settings
from services.scoring.domain.points import DEFAULT_RULES

SERVICE = click.Choice(SERVICES)


def _settings() -> Settings:
    return Settings.from_env()


def _clock(settings: Settings):  # type: ignore[no-untyped-def]
    """What time it is for the rules: `renda run`'s demo clock too, when it was moved."""
    from runtime.clock import DemoClockError, standalone_clock

    try:
        return standalone_clock(settings)
    except DemoClockError as exc:
        raise click.ClickException(str(exc)) from None


def _directory():  # type: ignore[no-untyped-def]
    from runtime.clock import SystemClock
    from runtime.context import build_directory

    return build_directory(_settings(), SystemClock())


@click.group()
def main() -> None:
    """renda: deputies' suggestions, their deadlines, notices, duty points and figures for a
    whole city. Reads its settings from the environment only (not .env)."""
    from renda.allocator import limit_arenas

    # Here, so that every way a renda process starts (run, api, worker, the Procfile, the
    # chart, the image) gets the same cap, before any thread exists.
    limit_arenas()


@main.command()
def run() -> None:
    """The whole system in one process (in-process bus, SQLite under var/, demo city)."""
    from renda.standalone import run as run_standalone

    run_standalone(_settings())


@main.command()
@click.argument("service", type=click.Choice([*SERVICES, "console"]))
def api(service: str) -> None:
    """Serve one service's HTTP API (or the console) with gunicorn on $PORT."""
    from renda.processes import require_broker, require_contact_keys, require_dependencies

    # Checked here, before gunicorn: a worker that refuses to boot would be respawned forever.
    if service == "console":
        settings = _settings()
        if not settings.api_base_url or not settings.secret_key:
            raise click.ClickException(
                "the console needs RENDA_API_BASE_URL and RENDA_SECRET_KEY (docs/configuration.md)"
            )
        target = "renda.processes:console_wsgi()"
    else:
        require_broker(_settings())
        require_contact_keys(_settings(), "api", [service])
        require_dependencies(_settings(), [service])
        target = f'renda.processes:wsgi("{service}")'
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(gunicorn, [gunicorn, "--config", "python:renda.gunicorn_conf", target])


@main.command()
@click.argument("service", type=SERVICE)
def worker(service: str) -> None:
    """Run one service's consumer and outbox relay; ops endpoints on $RENDA_WORKER_PORT."""
    from renda.worker_process import run as run_worker

    run_worker(service, _settings())


@main.command()
@click.argument("databases", nargs=-1, type=click.Choice(["all", DIRECTORY, *SERVICES]))
def migrate(databases: tuple[str, ...]) -> None:
    """Bring databases to the newest schema (all of them by default)."""
    from renda.processes import migrate as run_migrations

    chosen = None if not databases or "all" in databases else list(databases)
    run_migrations(_settings(), chosen)
    click.echo("migrated: " + ", ".join(chosen or [DIRECTORY, *SERVICES]))


@main.command()
@click.argument("database", type=click.Choice([DIRECTORY, *SERVICES]))
@click.option("-m", "--message", required=True)
def revision(database: str, message: str) -> None:
    """(Developers) Write a new migration from the difference between models and database."""
    from alembic import command

    from renda.registry import migrations_dir
    from runtime.migrations import alembic_config

    config = alembic_config(migrations_dir(database), _settings().database_url_for(database))
    command.revision(config, message=message, autogenerate=True)


@main.group()
def node() -> None:
    """The tenant tree: city → county → township → station."""


@node.command("create")
@click.argument("node_id")
@click.option("--kind", type=click.Choice(["city", "county", "township", "station"]), required=True)
@click.option("--name", required=True)
@click.option("--parent", "parent_id", default=None)
def node_create(node_id: str, kind: str, name: str, parent_id: str | None) -> None:
    """Create a node under its parent."""
    from runtime.directory.service import DirectoryError

    try:
        created = _directory().create_node(node_id, kind, name, parent_id)
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {created.kind} {created.id} at {created.path}")


@main.group()
def key() -> None:
    """API keys: bound to a node and a role; they see that node and everything below it."""


@key.command("create")
@click.option("--node", "node_id", required=True)
@click.option(
    "--role", type=click.Choice(["system", "committee", "unit", "deputy", "reader"]), required=True
)
@click.option("--subject", default=None, help="the unit's or deputy's id, for those roles")
@click.option("--label", default="")
def key_create(node_id: str, role: str, subject: str | None, label: str) -> None:
    """Create a key and print it once; only its hash is stored."""
    from runtime.directory.service import DirectoryError

    try:
        click.echo(_directory().create_key(node_id, role, subject=subject, label=label))
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None


@key.command("revoke")
@click.argument("key_id")
def key_revoke(key_id: str) -> None:
    """Revoke a key by its id (the part after `renda_`); effective within the key cache time."""
    from runtime.directory.service import DirectoryError

    try:
        _directory().revoke_key(key_id)
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked {key_id}")


@main.group()
def account() -> None:
    """People's console accounts: scoped like API keys (node, role, subject)."""


def _new_password() -> str:
    import secrets

    return secrets.token_urlsafe(12)


@account.command("create")
@click.argument("account_id")
@click.option("--name", required=True, help="the person's or office's name, shown in the console")
@click.option("--node", "node_id", required=True)
@click.option("--role", type=click.Choice(["committee", "unit", "deputy", "reader"]), required=True)
@click.option("--subject", default=None, help="the unit's or deputy's id, for those roles")
def account_create(
    account_id: str, name: str, node_id: str, role: str, subject: str | None
) -> None:
    """Create an account; its first password is printed once (only its argon2 hash is kept)."""
    from runtime.directory.accounts import AccountError

    password = _new_password()
    try:
        _directory().accounts.create(
            account_id, name=name, password=password, node_id=node_id, role=role, subject=subject
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{account_id} {password}")


@account.command("disable")
@click.argument("account_id")
def account_disable(account_id: str) -> None:
    """Refuse the account's sign-ins and end its sessions at once."""
    from runtime.directory.accounts import AccountError

    try:
        _directory().accounts.disable(account_id)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"disabled {account_id}")


@account.command("reset-password")
@click.argument("account_id")
def account_reset_password(account_id: str) -> None:
    """Give the account a new password (printed once), enable it and end its sessions."""
    from runtime.directory.accounts import AccountError

    password = _new_password()
    try:
        _directory().accounts.reset_password(account_id, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{account_id} {password}")


@main.group()
def people() -> None:
    """Deputies, committee members and handling units."""


@people.command("add-deputy")
@click.argument("deputy_id")
@click.option("--node", "node_id", required=True, help="the congress the deputy sits in")
@click.option("--name", required=True)
@click.option(
    "--level",
    type=click.Choice(["national", "provincial", "city", "county", "township"]),
    required=True,
)
@click.option("--phone", default=None)
@click.option(
    "--electing-unit",
    "electing_node_id",
    default=None,
    help="the node right below the congress that elected them (a county deputy's township)",
)
def add_deputy(
    deputy_id: str,
    node_id: str,
    name: str,
    level: str,
    phone: str | None,
    electing_node_id: str | None,
) -> None:
    """Add a deputy to the congress (node) they sit in."""
    from runtime.directory.service import DirectoryError

    try:
        _directory().add_deputy(deputy_id, node_id, name, level, phone, electing_node_id)
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added deputy {deputy_id}")


@people.command("add-member")
@click.argument("member_id")
@click.option("--node", "node_id", required=True, help="the congress of the member")
@click.option("--name", required=True)
@click.option(
    "--body",
    type=click.Choice(["committee", "working_committee"]),
    required=True,
    help="the standing committee (常委会组成人员) or a working committee (工委)",
)
def add_member(member_id: str, node_id: str, name: str, body: str) -> None:
    """Add a committee or working-committee member (they score projects monthly)."""
    from runtime.directory.service import DirectoryError

    try:
        _directory().add_member(member_id, node_id, name, body)
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added member {member_id}")


@people.command("set-electing-unit")
@click.argument("deputy_id")
@click.argument("node_id")
def set_electing_unit(deputy_id: str, node_id: str) -> None:
    """Record a deputy's electing unit (选举单位): a node right below their congress."""
    from runtime.directory.service import DirectoryError

    try:
        _directory().set_electing_unit(deputy_id, node_id)
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"deputy {deputy_id} elected in {node_id}")


@people.command("station-deputy")
@click.argument("station_id")
@click.argument("deputy_id")
@click.option("--remove", is_flag=True, help="the deputy no longer serves at the station")
def station_deputy(station_id: str, deputy_id: str, remove: bool) -> None:
    """Name a deputy who receives constituents at a station (the public form shows them)."""
    from runtime.directory.service import DirectoryError

    directory = _directory()
    try:
        if remove:
            directory.unlink_station_deputy(station_id, deputy_id)
        else:
            directory.link_station_deputy(station_id, deputy_id)
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{'removed' if remove else 'linked'} deputy {deputy_id} at station {station_id}")


@people.command("add-unit")
@click.argument("unit_id")
@click.option("--node", "node_id", required=True)
@click.option("--name", required=True)
def add_unit(unit_id: str, node_id: str, name: str) -> None:
    """Add a handling unit (a government department) under its county or township."""
    from runtime.directory.service import DirectoryError

    try:
        _directory().add_unit(unit_id, node_id, name)
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added unit {unit_id}")


@main.command("route")
@click.option("--tenant", required=True)
@click.option("--category", required=True, type=click.Choice(CATEGORIES))
@click.option("--lead", "lead_unit_id", required=True)
@click.option("--co", "co_unit_ids", multiple=True)
def route(tenant: str, category: str, lead_unit_id: str, co_unit_ids: tuple[str, ...]) -> None:
    """Set a tenant's routing rule: category → lead unit (and co-handling units)."""
    from services.workflow.admin import RuleRefused, set_routing_rule

    try:
        set_routing_rule(
            _workflow_db(),
            _directory(),
            tenant,
            category,
            lead_unit_id,
            list(co_unit_ids),
        )
    except RuleRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{tenant}: {category} → {lead_unit_id}")


@main.command("policy")
@click.option("--tenant", required=True)
@click.option("--set", "pairs", multiple=True, help="name=value, e.g. regular_months=3")
def policy(tenant: str, pairs: tuple[str, ...]) -> None:
    """Show or change a tenant's deadline policy (see docs/configuration.md)."""
    from services.workflow.admin import set_policy

    malformed = [pair for pair in pairs if "=" not in pair]
    if malformed:
        raise click.ClickException(f"write name=value, not {malformed[0]!r}")
    overrides: dict[str, str] = dict(pair.split("=", 1) for pair in pairs)
    _require_tenant(tenant)
    try:
        current = set_policy(_workflow_db(), tenant, overrides)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for name, value in current.items():
        click.echo(f"{name} = {value}")


@main.command("opinion-policy")
@click.option("--tenant", required=True)
@click.option("--set", "pairs", multiple=True, help="name=value, e.g. station_working_days=5")
def opinion_policy(tenant: str, pairs: tuple[str, ...]) -> None:
    """Show or change a tenant's opinion deadlines and contact retention."""
    from services.workflow.policy import set_opinion_policy

    _whole_number_policy(tenant, pairs, set_opinion_policy)


def _whole_number_policy(tenant: str, pairs: tuple[str, ...], setter: Any) -> None:
    """Merge `name=whole number` pairs into a tenant's settings with `setter`, and show them."""
    from dataclasses import asdict

    malformed = [p for p in pairs if "=" not in p or not p.split("=", 1)[1].isdigit()]
    if malformed:
        raise click.ClickException(f"write name=whole number, not {malformed[0]!r}")
    _require_tenant(tenant)
    changes = {name: int(value) for name, value in (p.split("=", 1) for p in pairs)}
    try:
        with _workflow_db().transaction() as session:
            current = setter(session, tenant, changes)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for name, value in asdict(current).items():
        click.echo(f"{name} = {value}")


@main.command("consultation-policy")
@click.option("--tenant", required=True)
@click.option("--set", "pairs", multiple=True, help="name=value, e.g. min_comment_days=14")
def consultation_policy(tenant: str, pairs: tuple[str, ...]) -> None:
    """Show or change a tenant's settings for consultations on draft laws."""
    from services.workflow.policy import set_consultation_policy

    _whole_number_policy(tenant, pairs, set_consultation_policy)


@main.command("vote-rules")
@click.option("--tenant", required=True, help="the congress: a county or a township")
@click.option("--set", "pairs", multiple=True, help="name=value, e.g. threshold_base=present")
def vote_rules(tenant: str, pairs: tuple[str, ...]) -> None:
    """Show or change a congress's rules for project votes (票决办法; docs/configuration.md).
    A vote keeps the rules it opened with."""
    from services.workflow.admin import set_vote_rules

    malformed = [pair for pair in pairs if "=" not in pair]
    if malformed:
        raise click.ClickException(f"write name=value, not {malformed[0]!r}")
    _require_tenant(tenant)
    try:
        current = set_vote_rules(_workflow_db(), tenant, dict(p.split("=", 1) for p in pairs))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for name, value in current.items():
        click.echo(f"{name} = {value}")


@main.command("topics")
@click.option("--tenant", required=True)
@click.option("--negative", multiple=True, help="a keyword that flags a likely return")
@click.option("--positive", multiple=True, help="a keyword of a fitting topic")
@click.option(
    "--negative-category",
    multiple=True,
    type=click.Choice(CATEGORIES),
    help="a category whose suggestions are flagged as likely returns",
)
@click.option("--clear", is_flag=True, help="empty all three lists first")
def topics(
    tenant: str,
    negative: tuple[str, ...],
    positive: tuple[str, ...],
    negative_category: tuple[str, ...],
    clear: bool,
) -> None:
    """Set a tenant's topic lists (正、负清单): each list given replaces that list."""
    from services.workflow.admin import set_topic_list

    _require_tenant(tenant)
    db = _workflow_db()
    given = {"negative": negative, "positive": positive, "category": negative_category}
    for polarity, words in given.items():
        if words or clear:
            set_topic_list(db, tenant, polarity, list(words))
    click.echo(
        f"{tenant}: {len(negative)} negative, {len(positive)} positive keywords, "
        f"{len(negative_category)} negative categories"
        + (" (lists cleared first)" if clear else "")
    )


@main.command("points-rule")
@click.option("--tenant", required=True, help="a city (defaults) or county (overrides)")
@click.option("--activity", type=click.Choice(sorted(DEFAULT_RULES)))
@click.option("--points", help="e.g. 3, -5 or 1.5 (at most two decimals, within ±100)")
@click.option(
    "--file",
    "table_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a whole table: CSV activity,points[,meaning] like deploy/scoring/",
)
@click.option(
    "--from",
    "effective_from",
    type=click.DateTime(["%Y-%m-%d"]),
    help="the day the figures take effect (default: today)",
)
@click.option("--show", is_flag=True, help="print the table in force on --from instead")
def points_rule(
    tenant: str,
    activity: str | None,
    points: str | None,
    table_file: Path | None,
    effective_from: datetime | None,
    show: bool,
) -> None:
    """Set (or show) what duty activities earn in a tenant from a date on.

    A county's figure wins over its city's, a city's over the shipped default table; a
    figure applies to activities on or after its date, and entries already booked keep
    theirs.
    """
    from runtime.db import Database
    from services.scoring.admin import set_points_rules, table_in_force
    from services.scoring.domain.points import (
        RuleError,
        congress_chain,
        parse_points,
        parse_rule_table,
    )
    from services.scoring.ledger import local_day

    place = _directory().node(tenant)
    if place is None or place.kind not in ("city", "county"):
        raise click.ClickException(f"no congress {tenant} (a city or county node)")
    settings = _settings()
    db = Database(settings.database_url_for("scoring"))
    day = effective_from.date() if effective_from else local_day(_clock(settings).now())
    if show:
        for name, figure in table_in_force(db, congress_chain(place.path), day).items():
            click.echo(f"{name},{figure}")
        return
    try:
        if table_file is not None and activity is None and points is None:
            table = parse_rule_table(table_file.read_text("utf-8"))
        elif table_file is None and activity and points is not None:
            table = {activity: parse_points(points)}
        else:
            raise click.UsageError("give --activity and --points, or --file")
        set_points_rules(db, tenant, table, day, datetime.now(UTC))
    except RuleError as error:
        raise click.ClickException(str(error)) from None
    for name, figure in table.items():
        click.echo(f"{tenant}: {name} = {figure.normalize():f} points from {day}")


@main.command("points-flags")
@click.option("--tenant", required=True, help="a city (default) or county (override)")
@click.option("--min-points", help="a year's minimum; a quarter is held to a quarter of it")
@click.option(
    "--require",
    "required",
    multiple=True,
    type=click.Choice(sorted(DEFAULT_RULES)),
    help="a basic duty every deputy does at least once in the period (repeat)",
)
def points_flags(tenant: str, min_points: str | None, required: tuple[str, ...]) -> None:
    """Set when a deputy is flagged as falling behind (replaces the tenant's rule)."""
    from decimal import Decimal

    from runtime.db import Database
    from services.scoring.admin import set_flag_rule
    from services.scoring.domain.points import RuleError, parse_points

    place = _directory().node(tenant)
    if place is None or place.kind not in ("city", "county"):
        raise click.ClickException(f"no congress {tenant} (a city or county node)")
    try:
        minimum = parse_points(min_points, Decimal(9999)) if min_points is not None else None
    except RuleError as error:
        raise click.ClickException(str(error)) from None
    db = Database(_settings().database_url_for("scoring"))
    set_flag_rule(db, tenant, minimum, required, datetime.now(UTC))
    click.echo(
        f"{tenant}: flag below {minimum if minimum is not None else '-'} points a year, "
        f"or without {', '.join(required) or '-'}"
    )


@main.command("duty-stars")
@click.option("--tenant", required=True, help="a city (default) or county (override)")
@click.option("--count", required=True, type=click.IntRange(1, 500), help="stars a year")
@click.option(
    "--station-duty-weight",
    default="1",
    show_default=True,
    help="station duty counts this many times its points in the proposal (e.g. 1.5)",
)
def duty_stars(tenant: str, count: int, station_duty_weight: str) -> None:
    """Set how duty stars (履职之星) are proposed from the ranking (replaces the rule)."""
    from decimal import Decimal

    from runtime.db import Database
    from services.scoring.admin import set_star_rule
    from services.scoring.domain.points import RuleError, parse_points

    place = _directory().node(tenant)
    if place is None or place.kind not in ("city", "county"):
        raise click.ClickException(f"no congress {tenant} (a city or county node)")
    try:
        weight = parse_points(station_duty_weight, Decimal(10))
    except RuleError as error:
        raise click.ClickException(str(error)) from None
    if weight < 0:
        raise click.ClickException("the weight is 0 or more")
    db = Database(_settings().database_url_for("scoring"))
    set_star_rule(db, tenant, count, weight, datetime.now(UTC))
    click.echo(f"{tenant}: {count} duty stars a year, station duty weighted {weight}")


@main.command("station-stars")
@click.option("--tenant", required=True, help="a city (default) or county (override)")
@click.option("--weight-opinions", default="1", show_default=True)
@click.option("--weight-shifts", default="2", show_default=True)
@click.option("--weight-activities", default="1", show_default=True)
@click.option("--five", default="0.2", show_default=True, help="share given 5 stars")
@click.option("--four", default="0.3", show_default=True)
@click.option("--three", default="0.3", show_default=True)
@click.option("--models", default=1, show_default=True, type=click.IntRange(0, 100))
@click.option("--together", is_flag=True, help="rank centres and stations as one group")
def station_stars(
    tenant: str,
    weight_opinions: str,
    weight_shifts: str,
    weight_activities: str,
    five: str,
    four: str,
    three: str,
    models: int,
    together: bool,
) -> None:
    """Set how centres and stations are rated (星级评定): input weights, star shares, models."""
    from decimal import Decimal, InvalidOperation

    from runtime.db import Database
    from services.scoring.admin import set_station_star_rule
    from services.scoring.domain.points import RuleError, parse_points
    from services.scoring.domain.station_stars import StationStarRule

    place = _directory().node(tenant)
    if place is None or place.kind not in ("city", "county"):
        raise click.ClickException(f"no congress {tenant} (a city or county node)")
    try:
        weights = [parse_points(w) for w in (weight_opinions, weight_shifts, weight_activities)]
        shares = [Decimal(share) for share in (five, four, three)]
    except (RuleError, InvalidOperation) as error:
        raise click.ClickException(f"not a figure: {error}") from None
    if any(w < 0 for w in weights):
        raise click.ClickException("weights are 0 or more")
    if any(not share.is_finite() or share < 0 for share in shares) or sum(shares) > 1:
        raise click.ClickException("shares are 0 or more and add up to at most 1")
    if any(share != share.quantize(Decimal("0.001")) for share in shares):
        raise click.ClickException("shares have at most three decimals")
    rule = StationStarRule(*weights, *shares, models, rank_apart=not together)
    set_station_star_rule(Database(_settings().database_url_for("scoring")), tenant, rule)
    click.echo(
        f"{tenant}: score = {weights[0]}×opinions + {weights[1]}×shifts + {weights[2]}×activities;"
        f" 5★ {shares[0]}, 4★ {shares[1]}, 3★ {shares[2]}; {models} model(s) per group"
        + ("; centres and stations together" if together else "")
    )


def _require_tenant(tenant: str) -> None:
    node = _directory().node(tenant)
    if node is None or node.kind not in ("county", "township"):
        raise click.ClickException(f"no congress {tenant} (a county or township node)")


@main.command("tick")
@click.argument("service", type=SERVICE)
def tick(service: str) -> None:
    """Run a service's scheduled work once now (it also runs in the worker)."""
    from renda.processes import runtimes_for
    from runtime.scheduler import run_tick

    settings = _settings()
    (rt,) = runtimes_for([service], settings, _clock(settings))
    for name, work in rt.spec.ticks.items():
        ran = run_tick(name, work, rt.db, rt.outbox, rt.clock, rt.directory)
        click.echo(f"{name}: {'ran' if ran else 'skipped (another replica holds it)'}")


def _workflow_db():  # type: ignore[no-untyped-def]
    from runtime.db import Database

    return Database(_settings().database_url_for("workflow"))


@main.group()
def dlq() -> None:
    """A service's dead-letter queue."""


@dlq.command("count")
@click.argument("service", type=SERVICE)
def dlq_count(service: str) -> None:
    """How many messages wait in the service's dead-letter queue."""
    from runtime.deadletters import NoDeadLetterQueue, dead_letter_count

    try:
        click.echo(dead_letter_count(_settings(), service))
    except NoDeadLetterQueue as exc:
        raise click.ClickException(str(exc)) from None


@dlq.command("replay")
@click.argument("service", type=SERVICE)
@click.option("--limit", type=int, default=None)
def dlq_replay(service: str, limit: int | None) -> None:
    """Put dead letters back on the service's queue, once the cause is fixed."""
    from runtime.deadletters import NoDeadLetterQueue, replay

    try:
        click.echo(f"replayed {replay(_settings(), service, limit)}")
    except NoDeadLetterQueue as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
def seed() -> None:
    """Seed the demo city into empty databases; print its API keys and console accounts."""
    from renda.demo import ensure_demo_accounts, ensure_seeded

    directory = _directory()
    for name, value in ensure_seeded(_settings(), directory).items():
        click.echo(f"{name}: {value}")
    for account, entry in ensure_demo_accounts(_settings(), directory).items():
        click.echo(f"console account {account}: {entry['password']}  ({entry['who']})")


@main.command("seed-term")
@click.option("--per-county-year", default=250, type=click.IntRange(1, 50_000))
def seed_term_command(per_county_year: int) -> None:
    """Write a whole term of suggestions (2025 and 2026, every county) for the figures:
    12 × 2 × N rows, COPY'd on PostgreSQL (10⁶ rows in a few minutes)."""
    from renda.term import write_term

    click.echo(f"wrote {write_term(_workflow_db(), per_county_year)} suggestions")


@main.group()
def holidays() -> None:
    """The official holiday schedules (节假日安排) that deadlines follow, city-wide."""


@holidays.command("load")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option(
    "--file",
    "path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    help="the year's schedule as .json or .csv (see deploy/calendars/); - reads stdin",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["json", "csv"]),
    default=None,
    help="the file's format; by default its suffix (needed with --file -)",
)
def holidays_load(year: int, path: Path, form: str | None) -> None:
    """Load a year's official schedule (it replaces one loaded before); all or nothing."""
    from runtime.directory.holidays import ScheduleError, parse_schedule, read_schedule

    try:
        if str(path) != "-":
            schedule = read_schedule(path, year, form)
        elif form is None:
            raise ScheduleError("stdin: say its --format, json or csv")
        else:
            schedule = parse_schedule("stdin", sys.stdin.read(), form, year)
    except ScheduleError as exc:
        raise click.ClickException(f"{exc}; nothing was loaded") from None
    _directory().load_schedule(schedule)
    click.echo(
        f"loaded {year}: {len(schedule.holidays)} holidays, "
        f"{len(schedule.working_days)} make-up working days from {schedule.source}; "
        f"in effect within {_settings().calendar_cache_seconds:g}s"
    )


@holidays.command("show")
@click.argument("year", type=click.IntRange(2000, 2100))
def holidays_show(year: int) -> None:
    """The year's official schedule, or say that its deadlines are rule-based."""
    schedule = _directory().official_schedule(year)
    if schedule is None:
        click.echo(
            f"{year}: no official schedule; deadlines are rule-based (the holidays "
            f"package's statutory days, no make-up working days). "
            f"Load it: renda holidays load {year} --file ..."
        )
        return
    click.echo(f"{year}: official, from {schedule.source} (loaded {schedule.loaded_at})")
    days = [(day, "holiday", name) for day, name in schedule.holidays.items()]
    days += [(day, "working", name) for day, name in schedule.working_days.items()]
    for day, kind, name in sorted(days):
        click.echo(f"  {day} {day.strftime('%a')}  {kind:8} {name}")


@holidays.command("remove")
@click.argument("year", type=click.IntRange(2000, 2100))
def holidays_remove(year: int) -> None:
    """Remove a year's official schedule; its deadlines become rule-based again."""
    from runtime.directory.service import DirectoryError

    try:
        _directory().remove_schedule(year)
    except DirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed {year}: its deadlines are rule-based")


@main.group()
def clock() -> None:
    """The demo clock of `renda run`, for demos and training (never in production).

    It moves the one-process mode's time ahead, so deadlines turn yellow and red and
    evaluation windows close; the running process notices within a second and runs its
    scheduled work at once. Deadlines already set do not move back after a reset.
    """


def _demo_clock_file() -> Path:
    from runtime.clock import demo_clock_file

    settings = _settings()
    if settings.is_production:
        raise click.ClickException("the demo clock is refused in production (RENDA_ENV)")
    if not settings.in_process_bus:
        raise click.ClickException(
            "the demo clock is for the one-process mode (`renda run`) only; "
            "RENDA_BROKER_URL names a broker"
        )
    return demo_clock_file(settings.var_dir)


def _show_offset(path: Path) -> str:
    from runtime.clock import DemoClockError, read_offset

    try:
        offset = read_offset(path)
    except DemoClockError as exc:
        raise click.ClickException(str(exc)) from None
    now = datetime.now(UTC) + offset
    moved = f"{_days(offset)} ahead" if offset else "the system time"
    return f"demo clock: {now:%Y-%m-%d %H:%M} UTC ({moved})"


def _days(offset: timedelta) -> str:
    days, seconds = offset.days, offset.seconds
    parts = [f"{days}d" if days else "", f"{seconds // 3600}h" if seconds >= 3600 else ""]
    parts.append(f"{seconds % 3600 // 60}m" if seconds % 3600 >= 60 else "")
    return "".join(parts) or "0m"


DURATION = re.compile(r"^(\d{1,4})([dhm])$")


@clock.command("advance")
@click.argument("duration")
def clock_advance(duration: str) -> None:
    """Move the clock ahead by DURATION: 20d (days), 6h (hours) or 30m (minutes)."""
    from runtime.clock import DemoClockError, read_offset, write_offset

    match = DURATION.match(duration.strip())
    if match is None:
        raise click.ClickException(f"write a duration like 20d, 6h or 30m, not {duration!r}")
    amount, unit = int(match.group(1)), match.group(2)
    step = {"d": timedelta(days=amount), "h": timedelta(hours=amount)}.get(
        unit, timedelta(minutes=amount)
    )
    path = _demo_clock_file()
    try:
        write_offset(path, read_offset(path) + step)
    except DemoClockError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_show_offset(path))


@clock.command("show")
def clock_show() -> None:
    """The demo clock's time and how far it is ahead."""
    click.echo(_show_offset(_demo_clock_file()))


@clock.command("reset")
def clock_reset() -> None:
    """Back to the system time."""
    path = _demo_clock_file()
    path.unlink(missing_ok=True)
    click.echo(_show_offset(path))


@main.command()
@click.option("--check", is_flag=True, help="fail if contracts/asyncapi.json is stale")
def asyncapi(check: bool) -> None:
    """Write contracts/asyncapi.json from the event schemas."""
    from contracts.asyncapi import ASYNCAPI_PATH, render

    text = render()
    if check:
        if ASYNCAPI_PATH.read_text() != text:
            raise click.ClickException("contracts/asyncapi.json is stale: run `renda asyncapi`")
        click.echo("contracts/asyncapi.json is current")
        return
    ASYNCAPI_PATH.write_text(text)
    click.echo(f"wrote {ASYNCAPI_PATH}")


@main.group()
def contacts() -> None:
    """How units, deputies and bodies are reached outside the inbox (notify's own records)."""


@contacts.command("set")
@click.argument("recipient")
@click.option("--email", default=None)
@click.option("--phone", default=None, help="e.g. +8613800000000")
@click.option("--wechat-openid", default=None)
def contacts_set(
    recipient: str, email: str | None, phone: str | None, wechat_openid: str | None
) -> None:
    """Set RECIPIENT's contact (unit:<id>, deputy:<id>, committee:<id> or directors:<id>)."""
    import re

    from runtime.clock import SystemClock
    from services.notify.admin import set_contact
    from services.notify.api.access import RECIPIENT

    if not re.fullmatch(RECIPIENT, recipient):
        raise click.ClickException("RECIPIENT is unit:<id>, deputy:<id>, committee:<id> …")
    set_contact(_notify_db(), SystemClock(), recipient, email, phone, wechat_openid)
    click.echo(f"{recipient}: email={email} phone={phone} wechat={wechat_openid}")


@main.group()
def deliveries() -> None:
    """Notify's delivery log: what went out on which channel; dead deliveries to replay."""


@deliveries.command("list")
@click.option("--status", type=click.Choice(["pending", "delivered", "refused", "dead"]))
@click.option("--limit", type=click.IntRange(1, 10000), default=50)
def deliveries_list(status: str | None, limit: int) -> None:
    """Newest first: id, status, channel, recipient, event, attempts, last error."""
    from services.notify.admin import list_deliveries

    for d in list_deliveries(_notify_db(), status, limit):
        click.echo(
            f"{d.id}\t{d.status}\t{d.channel}\t{d.recipient}\t{d.event_type}\t"
            f"attempts={d.attempts}\t{d.last_error or ''}"
        )


@deliveries.command("replay")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="every dead delivery")
def deliveries_replay(ids: tuple[int, ...], all_dead: bool) -> None:
    """Send dead (or refused) deliveries again, with their same message ids."""
    from runtime.clock import SystemClock
    from services.notify.admin import replay_deliveries

    if not ids and not all_dead:
        raise click.ClickException("give delivery ids, or --all-dead")
    replayed = replay_deliveries(_notify_db(), SystemClock(), list(ids), all_dead)
    click.echo(f"replayed {len(replayed)}: {' '.join(map(str, replayed))}")


def _notify_db():  # type: ignore[no-untyped-def]
    from runtime.db import Database

    return Database(_settings().database_url_for("notify"))

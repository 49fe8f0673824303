"""The demo city: Nanning (450100) with its twelve counties and districts (docs/domain.md)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from runtime.clock import SystemClock
from runtime.config import Settings
from runtime.db import Database
from runtime.directory import Directory
from runtime.directory.accounts import AccountError
from services.intake.codes import issue_code, signer_for
from services.notify.admin import set_contact
from services.workflow.admin import set_routing_rule, set_topic_list

CITY = ("450100", "南宁市")
COUNTIES = [
    ("450102", "兴宁区"),
    ("450103", "青秀区"),
    ("450105", "江南区"),
    ("450107", "西乡塘区"),
    ("450108", "良庆区"),
    ("450109", "邕宁区"),
    ("450110", "武鸣区"),
    ("450123", "隆安县"),
    ("450124", "马山县"),
    ("450125", "上林县"),
    ("450126", "宾阳县"),
    ("450181", "横州市"),
]
TOWNSHIPS = {
    "450102": [("450102001", "民生街道"), ("450102002", "兴东街道"), ("450102100", "三塘镇")],
    "450103": [("450103001", "新竹街道"), ("450103100", "长塘镇")],
    "450124": [("450124100", "白山镇")],
}
UNITS = [
    ("EDU", "教育局", ("education",), ()),
    ("HEALTH", "卫生健康局", ("health",), ()),
    ("HRSS", "人力资源和社会保障局", ("employment", "social_security"), ()),
    ("HOUSING", "住房和城乡建设局", ("urban_construction",), ("TRANSPORT",)),
    ("TRANSPORT", "交通运输局", ("transport",), ()),
    ("INDUSTRY", "工业和信息化局", ("industry",), ()),
    ("CULTURE", "文化广电体育和旅游局", ("ecology_tourism", "culture"), ("ECO",)),
    ("ECO", "生态环境局", (), ()),
    ("AGRI", "农业农村局", ("rural_revitalisation",), ()),
    ("POLICE", "公安分局", ("public_safety",), ()),
    ("SERVICES", "行政审批局", ("government_services", "other"), ()),
]
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ("建国", "秀英", "海燕", "志强", "丽华", "伟", "芳", "明", "静", "勇")


DEPUTIES_PER_COUNTY = 8
DEPUTIES_OF = {"450102": 120, "450103": 120}
"""兴宁区 and 青秀区 have a congress's full roll, enough for a realistic project vote (票决)."""


def deputy_id(county: str, n: int) -> str:
    return f"D{county}-{n:03d}"


def member_id(county: str, n: int) -> str:
    return f"M{county}-{n:02d}"


MEMBERS = (
    ("committee", "常委会委员"),
    ("committee", "常委会委员"),
    ("working_committee", "人代工委"),
)
"""Per county: two standing-committee members and a working-committee member, who score
projects monthly with the deputies (seeds/003)."""


def unit_id(county: str, code: str) -> str:
    return f"U{county}-{code}"


def seed_county(
    workflow_db: Database, directory: Directory, county: str, name: str, city: str, deputies: int
) -> None:
    """One county congress under `city`: its deputies and committee members, its handling
    units, the routing of every category to them, and its topic lists (the benchmark seeds
    its tenants with it)."""
    directory.create_node(county, "county", f"{name}人大常委会", city)
    for i in range(1, deputies + 1):
        directory.add_deputy(
            deputy_id(county, i),
            county,
            SURNAMES[(i + int(county)) % 10] + GIVEN[i % 10],
            "county",
            phone=f"13{int(county) % 1000:03d}{i:06d}",
        )
    for i, (body, title) in enumerate(MEMBERS, start=1):
        directory.add_member(member_id(county, i), county, f"{name}{title}{i}", body)
    for code, unit_name, _, _ in UNITS:
        directory.add_unit(unit_id(county, code), county, f"{name}{unit_name}")
    for code, _, categories, co in UNITS:
        for category in categories:
            set_routing_rule(
                workflow_db,
                directory,
                county,
                category,
                unit_id(county, code),
                [unit_id(county, c) for c in co],
            )
    set_topic_list(workflow_db, county, "negative", ["诉讼", "个人私事", "涉法涉诉"])
    set_topic_list(workflow_db, county, "positive", ["民生", "教育", "就业", "养老"])


def seed(settings: Settings, directory: Directory) -> dict[str, str]:
    """Write the demo city and return the demo API keys (shown once, kept in var/)."""
    workflow_db = Database(settings.database_url_for("workflow"))
    directory.create_node(CITY[0], "city", CITY[1], None)
    for county, name in COUNTIES:
        seed_county(
            workflow_db,
            directory,
            county,
            name,
            CITY[0],
            DEPUTIES_OF.get(county, DEPUTIES_PER_COUNTY),
        )
        for n, (township, township_name) in enumerate(TOWNSHIPS.get(county, []), start=1):
            directory.create_node(township, "township", township_name, county)
            directory.create_node(
                f"{township}-S1", "station", f"{township_name}代表联络站", township
            )
            directory.add_deputy(
                f"D{township}-001", township, f"{township_name}代表", "township", phone=None
            )
            # The station's deputies: the township's own and one of the county's.
            directory.link_station_deputy(f"{township}-S1", f"D{township}-001")
            directory.link_station_deputy(f"{township}-S1", deputy_id(county, n))
    workflow_db.dispose()
    _seed_contacts(settings)
    return _seed_qr_codes(settings, directory) | {
        "county_system_450102": directory.create_key(
            "450102", "system", label="兴宁区 county system"
        ),
        "city_reader": directory.create_key(CITY[0], "reader", label="city dashboard"),
        "unit_450102_EDU": directory.create_key(
            "450102", "unit", subject=unit_id("450102", "EDU"), label="兴宁区教育局"
        ),
    }


def _seed_qr_codes(settings: Settings, directory: Directory) -> dict[str, str]:
    """One QR code per demo station; its token opens the public form (/console/o/<token>)."""
    intake_db = Database(settings.database_url_for("intake"))
    tokens = {}
    with intake_db.transaction() as session:
        for township, _ in (t for towns in TOWNSHIPS.values() for t in towns):
            station = directory.node(f"{township}-S1")
            assert station is not None
            code = issue_code(
                session, station, "联络站门口", "liaison_station", "demo", SystemClock().now()
            )
            session.flush()
            tokens[f"qr_{station.id}"] = signer_for(settings).token(code.id)
    intake_db.dispose()
    return tokens


def _seed_contacts(settings: Settings) -> None:
    """E-mail addresses for 兴宁区's units, so that `make run` shows mail in its sink."""
    notify_db = Database(settings.database_url_for("notify"))
    for code, *_ in UNITS:
        set_contact(
            notify_db,
            SystemClock(),
            f"unit:{unit_id('450102', code)}",
            f"{code.lower()}@450102.example.cn",
            None,
            None,
        )
    notify_db.dispose()


def keys_file(settings: Settings) -> Path:
    return settings.var_dir / "demo-keys.json"


def ensure_seeded(settings: Settings, directory: Directory) -> dict[str, str]:
    """Seed on the first start; later starts read the keys kept from the first."""
    path = keys_file(settings)
    if directory.node(CITY[0]) is not None:
        return json.loads(path.read_text()) if path.exists() else {}
    keys = seed(settings, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(keys, indent=2))
    os.chmod(path, 0o600)
    return keys


DEMO_ACCOUNTS = [
    ("city.committee", "南宁市人大常委会工作机构", CITY[0], "committee", None),
    ("xn.committee", "兴宁区人大常委会选联工委", "450102", "committee", None),
    ("qx.committee", "青秀区人大常委会选联工委", "450103", "committee", None),
    ("xn.edu", "兴宁区教育局", "450102", "unit", unit_id("450102", "EDU")),
    ("xn.housing", "兴宁区住房和城乡建设局", "450102", "unit", unit_id("450102", "HOUSING")),
    ("xn.d001", "兴宁区代表（领衔）", "450102", "deputy", deputy_id("450102", 1)),
    ("xn.d002", "兴宁区代表（联名）", "450102", "deputy", deputy_id("450102", 2)),
]
"""Who works in the console in the demo: committees at two levels, two units of 兴宁区
and the two proposers of the README's suggestion."""


def accounts_file(settings: Settings) -> Path:
    return settings.var_dir / "demo-accounts.json"


def ensure_demo_accounts(settings: Settings, directory: Directory) -> dict[str, dict[str, str]]:
    """The demo's console accounts with fresh passwords, created once and kept in var/."""
    path = accounts_file(settings)
    if path.exists():
        return json.loads(path.read_text())
    accounts = {}
    for account, name, node_id, role, subject in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        try:
            directory.accounts.create(
                account, name=name, password=password, node_id=node_id, role=role, subject=subject
            )
        except AccountError:
            return {}  # made before and its file removed: `renda account reset-password`
        accounts[account] = {"password": password, "who": name}
    path.write_text(json.dumps(accounts, ensure_ascii=False, indent=2))
    os.chmod(path, 0o600)
    return accounts

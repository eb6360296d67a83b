"""`manage.py load_demo_district`: build the demo district once and print its logins."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand

from venuesafe.demo.services import DEMO_PASSWORD, URL, load_demo_district


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Load the demo district (崇川区 陈桥街道: 9 communities, 97 inspectors, 325 venues, 11 months of "
        "inspections and hazards, 212 merchants with 2 months of daily self-checks, the equipment register with "
        "its date-rule warnings, candidate major hazards and risk levels, resident reports and venue "
        "verifications) and print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"Password of the demo accounts when they are created (default: {DEMO_PASSWORD}).",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Load the district without the 11 months of inspections and hazards, the merchants' self-checks "
            "and the equipment register with its risk scores, the resident reports and venue verifications "
            "(they can be added by running the command again "
            "without this option).",
        )

    def handle(self, *args, password: str, no_history: bool = False, **options):
        result = load_demo_district(password=password, history=not no_history)
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo district loaded: 崇川区 / 陈桥街道, {result.venues} venues, {result.inspectors} inspectors."
                )
            )
        elif result.history_created or result.self_checks_created or result.equipment_created or result.reports_created:
            self.stdout.write(self.style.SUCCESS(f"Demo district already loaded ({result.venues} venues)."))
        else:
            self.stdout.write(f"Demo district already loaded ({result.venues} venues); nothing changed.")
        if result.history_created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Hazard loop history loaded: {result.inspections} inspections, {result.hazards} hazards "
                    "over the last 11 months."
                )
            )
        if result.self_checks_created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Self-check history loaded: {result.merchants_bound} merchants bound to their venues, "
                    f"{result.self_checks} punch-ins over the last two months."
                )
            )
        if result.equipment_created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Equipment register loaded: {result.equipment} items at {result.equipment_venues} venues; "
                    "date rules run, every open venue scored."
                )
            )
        if result.reports_created:
            self.stdout.write(
                self.style.SUCCESS(
                    "Resident reports and venue verifications loaded: two months of reports, three months of "
                    "verification tasks."
                )
            )
        year = result.year
        if year is not None:
            mean = f"{year.mean_hours:g} h" if year.mean_hours is not None else "-"
            rate = f"{year.on_time_rate:.1%}" if year.on_time_rate is not None else "-"
            self.stdout.write(
                f"This year in 陈桥街道: {year.found} hazards found, {year.closed} closed "
                f"(mean rectification {mean}, on time {rate}), {year.open} open, {year.overdue} overdue."
            )
        sc = result.self_check
        if sc is not None and sc.merchants:
            rate = f"{sc.total.rate:.1%}" if sc.total.rate is not None else "-"
            self.stdout.write(
                f"Self-checks in 陈桥街道: {sc.merchants} merchants doing self-checks, {sc.masters} of them masters "
                f"({settings.SELF_CHECK_MASTERY_DAYS} of the last {settings.SELF_CHECK_MASTERY_WINDOW_DAYS} days); "
                f"today so far {sc.total.punched} of {sc.total.expected} venues punched in ({rate})."
            )
        levels = result.risk_levels
        if levels and any(levels.values()):
            self.stdout.write(
                f"Risk in 陈桥街道: {levels['red']} red, {levels['orange']} orange, {levels['yellow']} yellow, "
                f"{levels['blue']} blue; {result.candidate_majors} candidate major fire hazards flagged; "
                f"{result.rule_warnings} date-rule warnings open, {result.rule_hazards} rule hazards open "
                f"({result.equipment} items registered)."
            )
        if result.resident_reports or result.verification_tasks:
            self.stdout.write(
                f"Resident reports: {result.resident_reports} ({result.reports_waiting} waiting for triage); "
                f"venue verifications: {result.verification_tasks} ({result.verifications_open} open)."
            )
        shown_password = result.password or "(the password given when the demo was first loaded)"
        header = ("Role 角色", "Username 用户名", "Mobile 手机号", "Password 密码")
        rows = [(f"{x.role_zh} {x.role_en}", x.username, x.mobile, shown_password) for x in result.logins]
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        self.stdout.write("")
        self.stdout.write("Demo logins (log in with the username or the mobile number):")
        self.stdout.write(rule)
        for i, row in enumerate([header, *rows]):
            self.stdout.write("| " + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) + " |")
            if i == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)
        self.stdout.write("Residents report problems without an account.")
        if result.open311_api_key:
            self.stdout.write(f"Open311 client {result.open311_client}: api_key={result.open311_api_key}")
            self.stdout.write(f"  curl {URL}open311/v2/services.json")
            self.stdout.write(
                f"  curl -X POST {URL}open311/v2/requests.json -d api_key={result.open311_api_key} "
                "-d service_code=other -d lat=32.0745 -d long=120.8495 -d description=..."
            )
        self.stdout.write(f"Open {URL}")

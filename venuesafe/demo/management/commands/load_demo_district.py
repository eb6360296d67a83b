"""`manage.py load_demo_district`: build the demo district once and print its logins."""

from __future__ import annotations

import unicodedata

from django.core.management.base import BaseCommand

from venuesafe.demo.services import DEMO_PASSWORD, URL, load_demo_district


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Load the demo district (崇川区 陈桥街道: 9 communities, 97 inspectors, 325 venues) and print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"Password of the demo accounts when they are created (default: {DEMO_PASSWORD}).",
        )

    def handle(self, *args, password: str, **options):
        result = load_demo_district(password=password)
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo district loaded: 崇川区 / 陈桥街道, {result.venues} venues, {result.inspectors} inspectors."
                )
            )
        else:
            self.stdout.write(f"Demo district already loaded ({result.venues} venues); nothing changed.")
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
        self.stdout.write(f"Open {URL}")

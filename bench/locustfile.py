"""Mixed pages by role for the load test (`make loadtest`, see bench/load.py).

Each simulated user signs in through the real login page as one of the generated region's
accounts and then browses what that role browses: the head its dashboards, staff the registry
and the review queue, a curator its own school's lists and report, the regional coordinator
the municipalities compared. Accounts come from $LOAD_ACCOUNTS (a JSON file written by
bench/load.py); the password from $LOAD_PASSWORD.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
PASSWORD = os.environ["LOAD_PASSWORD"]
DAY = "31.01.2021"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_cycle = {role: itertools.cycle(names) for role, names in ACCOUNTS["users"].items()}


class RoleUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)

    def _send_cookies(self):
        """Production cookies are Secure, and requests keeps Secure cookies to HTTPS; on
        plain-HTTP loopback they are sent back by hand."""
        self.client.headers["Cookie"] = "; ".join(
            f"{cookie.name}={cookie.value}" for cookie in self.client.cookies
        )

    def on_start(self):
        self.username = next(_cycle[self.role])
        page = self.client.get("/login/", name="login page")
        self._send_cookies()
        token = _CSRF.search(page.text)
        response = self.client.post(
            "/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
            alert = re.search(r"alert[^>]*>(.*?)</", response.text, re.S)
            reason = alert.group(1).strip() if alert else response.status_code
            raise RuntimeError(f"login failed for {self.username}: {reason}")
        self._send_cookies()


class Head(RoleUser):
    role = "head"
    weight = 2

    @task(3)
    def monitoring(self):
        self.client.get(f"/monitoring/?on={DAY}", name="head: monitoring dashboard")

    @task(3)
    def roadmap_dashboard(self):
        self.client.get("/roadmaps/dashboard/", name="head: roadmap dashboard")

    @task(1)
    def periods(self):
        self.client.get("/monitoring/periods/", name="head: periods")


class Staff(RoleUser):
    role = "staff"
    weight = 3

    @task(3)
    def mentees(self):
        page = random.randint(1, 50)
        self.client.get(f"/registry/mentees/?page={page}", name="staff: mentees list")

    @task(2)
    def search(self):
        letter = random.choice("АБВГДЗИКМСТХЭ")
        self.client.get(f"/registry/mentees/?q={letter}", name="staff: mentee search")

    @task(1)
    def review(self):
        self.client.get("/roadmaps/review/", name="staff: review queue")

    @task(1)
    def pairs(self):
        self.client.get("/registry/pairs/", name="staff: pairs list")


class Curator(RoleUser):
    role = "curator"
    weight = 5

    @task(3)
    def my_measures(self):
        self.client.get("/roadmaps/my/", name="curator: my measures")

    @task(2)
    def mentees(self):
        self.client.get("/registry/mentees/", name="curator: mentees")

    @task(2)
    def monitoring(self):
        self.client.get(f"/monitoring/?on={DAY}", name="curator: monitoring")


class Region(RoleUser):
    role = "region"
    weight = 1

    @task
    def compare(self):
        self.client.get(f"/monitoring/?on={DAY}", name="region: municipalities compared")

    @task
    def summary(self):
        self.client.get("/monitoring/region/", name="region: regional summary")

"""Mixed pages by role for the load test (`make loadtest`, see bench/load.py).

Each simulated user is one of the generated region's accounts, with a session prepared by
bench/load.py (one in ten signs in through the real login page instead), and browses what that
role browses: the head its dashboards, staff the registry
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
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
PASSWORD = os.environ["LOAD_PASSWORD"]
DAY = "31.01.2021"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Production cookies are Secure; Python's cookie jars keep those to HTTPS. On plain-HTTP
# loopback (and through redirects) they must still be sent back.
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True

_cycle = {role: itertools.cycle(people) for role, people in ACCOUNTS["users"].items()}


class RoleUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)

    def on_start(self):
        """Browse with the session made in advance; one user in ten signs in afresh through
        the login page instead (the password check is slow on purpose)."""
        self.username, session_key = next(_cycle[self.role])
        if random.random() < 0.1:
            self.sign_in()
        else:
            self.client.cookies.set("sessionid", session_key, path="/")
            home = self.client.get("/", name="home")
            if "/login/" in home.url:
                raise RuntimeError(
                    f"the prepared session of {self.username} is not accepted: {home.url}"
                )

    def sign_in(self):
        page = self.client.get("/login/", name="login page")
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

    def page(self, url: str, name: str):
        """A page that must be served to this user, not the login page after a redirect."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if "/login/" in response.url:
                response.failure("redirected to the login page")


class Head(RoleUser):
    role = "head"
    weight = 2

    @task(3)
    def monitoring(self):
        self.page(f"/monitoring/?on={DAY}", "head: monitoring dashboard")

    @task(3)
    def roadmap_dashboard(self):
        self.page("/roadmaps/dashboard/", "head: roadmap dashboard")

    @task(1)
    def periods(self):
        self.page("/monitoring/periods/", "head: periods")


class Staff(RoleUser):
    role = "staff"
    weight = 3

    @task(3)
    def mentees(self):
        page = random.randint(1, 50)
        self.page(f"/registry/mentees/?page={page}", "staff: mentees list")

    @task(2)
    def search(self):
        letter = random.choice("АБВГДЗИКМСТХЭ")
        self.page(f"/registry/mentees/?q={letter}", "staff: mentee search")

    @task(1)
    def review(self):
        self.page("/roadmaps/review/", "staff: review queue")

    @task(1)
    def pairs(self):
        self.page("/registry/pairs/", "staff: pairs list")


class Curator(RoleUser):
    role = "curator"
    weight = 5

    @task(3)
    def my_measures(self):
        self.page("/roadmaps/my/", "curator: my measures")

    @task(2)
    def mentees(self):
        self.page("/registry/mentees/", "curator: mentees")

    @task(2)
    def monitoring(self):
        self.page(f"/monitoring/?on={DAY}", "curator: monitoring")


class Region(RoleUser):
    role = "region"
    weight = 1

    @task
    def compare(self):
        self.page(f"/monitoring/?on={DAY}", "region: municipalities compared")

    @task
    def summary(self):
        self.page("/monitoring/region/", "region: regional summary")

"""``manage.py load_demo_data`` (``make run``): the seed roadmap with the demonstration data,
and the demo users' logins and passwords printed. Only in the development and test settings."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from devdata.demo import load_demo
from devdata.demo.current_year import load_current_year
from devdata.demo.monitoring import load_monitoring_demo
from devdata.demo.tracking import give_mentee_requests, load_tracking_demo
from roadmap.seed import load_seed


class Command(BaseCommand):
    help = "Создаёт демонстрационные школы и по одному пользователю на роль (только для make run)."

    def handle(self, *args, **options):
        roadmap = load_seed().roadmap
        today = timezone.localdate()
        users = load_demo(roadmap.municipality, roadmap)
        schools = list(roadmap.schools.order_by("pk"))
        load_monitoring_demo(roadmap.municipality, schools, today)
        load_tracking_demo(roadmap, schools)
        # The seed order stays as it was; the department works on its copy for this year.
        load_current_year(roadmap, today)
        give_mentee_requests(roadmap.municipality)  # the year's pupils too
        self.stdout.write("")
        self.stdout.write("Демонстрационные пользователи (вход: http://127.0.0.1:8000/):")
        for demo, password in users:
            self.stdout.write(f"  {demo.role:<24} логин: {demo.username:<10} пароль: {password}")
        self.stdout.write("")

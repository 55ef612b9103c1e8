"""The factories build valid rows that hang together: one municipality throughout, a pair's
mentees in its programme's form, a report on a school's execution."""

import datetime

import pytest

from core.models import Department
from monitoring import services as monitoring_services
from registry.models import Consent, PairMentee
from roadmap.models import Roadmap
from roadmap.seed import load_seed, read_seed
from tests.factories import (
    ConsentFactory,
    MenteeFactory,
    MentorFactory,
    PairFactory,
    ReportFactory,
    SchoolReportFactory,
    seed_municipality,
)

pytestmark = pytest.mark.django_db


def test_people_belong_to_one_municipality():
    mentee = MenteeFactory()
    teacher = MenteeFactory(teacher=True, school=mentee.school)
    mentor = MentorFactory(municipality=mentee.municipality, schools=[mentee.school])

    assert mentee.municipality == mentee.school.municipality
    assert (mentee.kind, mentee.age_on(datetime.date(2021, 1, 31))) == ("pupil", 8)
    assert (teacher.kind, teacher.experience_years) == ("teacher", 1)
    assert list(mentor.schools.all()) == [mentee.school]
    for person in (mentee, teacher, mentor):
        person.full_clean()


def test_a_consent_is_a_minors_and_recorded_by_staff():
    consent = ConsentFactory()
    consent.full_clean()
    assert Consent.objects.get() == consent
    assert consent.recorded_by.profile.municipality == consent.mentee.municipality


def test_a_pair_joins_its_mentees_in_the_programmes_form():
    pair = PairFactory(mentees=[MenteeFactory(), MenteeFactory()])
    school = pair.programme.school
    memberships = PairMentee.objects.filter(pair=pair)
    assert memberships.count() == 2
    assert all(m.is_active and m.form == pair.programme.form for m in memberships)
    assert school in pair.mentor.schools.all()
    assert pair.mentor.municipality == school.municipality
    assert not PairFactory(status="planned").memberships.get().is_active


def test_reports_of_both_apps():
    report = ReportFactory()
    execution = report.execution
    assert execution.school.municipality == execution.measure.section.roadmap.municipality
    assert report.submitted_by.profile.school == execution.school
    assert report.decision == "pending"

    school_report = SchoolReportFactory()
    assert school_report.school.municipality == school_report.period.municipality
    # The service finds the factory's report rather than making another.
    assert monitoring_services.report_of(school_report.period, school_report.school) == (
        school_report
    )


def test_the_seed_municipality_is_the_one_the_seed_roadmap_loads_into():
    municipality = seed_municipality()
    department = Department.objects.get(municipality=municipality)
    assert department.head_name == read_seed()["department"]["head_name"]
    assert not Roadmap.objects.exists()

    roadmap = load_seed().roadmap
    assert roadmap.municipality == municipality
    assert Department.objects.filter(municipality=municipality).count() == 1

"""How `make test` shares the suite out between workers (tests/conftest.py)."""

from tests.conftest import SHARED_OUT, scopes_in_order


def test_a_file_is_one_unit_until_pytest_django_moves_its_transactional_tests_apart():
    collection = [
        "tests/a.py::test_1",
        "tests/a.py::test_2",
        "tests/b.py::test_1",
        "tests/a.py::test_live",  # transactional: sorted after every test in a transaction
        "tests/b.py::test_live",
    ]
    scopes = scopes_in_order(collection)
    assert scopes["tests/a.py::test_1"] == scopes["tests/a.py::test_2"]
    assert scopes["tests/a.py::test_live"] != scopes["tests/a.py::test_1"]
    assert len(set(scopes.values())) == 4
    # the units keep the collection's order: the scheduler hands them out first to last
    assert list(dict.fromkeys(scopes[n] for n in collection)) == [
        "tests/a.py#1",
        "tests/b.py#1",
        "tests/a.py#2",
        "tests/b.py#2",
    ]


def test_the_role_walks_are_shared_out_one_test_at_a_time():
    walk = sorted(SHARED_OUT)[0]
    collection = [f"{walk}::test_pages[staff]", f"{walk}::test_pages[head]"]
    scopes = scopes_in_order(collection)
    assert len(set(scopes.values())) == 2

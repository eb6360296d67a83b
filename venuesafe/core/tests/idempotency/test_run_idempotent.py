import pytest

from venuesafe.core.errors import InvalidInput
from venuesafe.core.idempotency import run_idempotent
from venuesafe.core.models import IdempotencyKey
from venuesafe.testing.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


def test_run_idempotent__without_key_always_runs(user):
    made = []
    for _ in range(2):
        result = run_idempotent(user=user, key="", endpoint="x.create", action=lambda: made.append(1) or user)
        assert not result.replayed
    assert len(made) == 2
    assert not IdempotencyKey.objects.exists()


def test_run_idempotent__same_key_runs_once(user):
    calls = []

    def action():
        calls.append(1)
        return UserFactory()

    first = run_idempotent(user=user, key="k", endpoint="x.create", action=action)
    again = run_idempotent(user=user, key="k", endpoint="x.create", action=action)
    assert len(calls) == 1
    assert (again.object_id, again.status, again.replayed) == (first.object_id, 201, True)


def test_run_idempotent__key_reused_for_other_endpoint(user):
    run_idempotent(user=user, key="k", endpoint="x.create", action=UserFactory)
    with pytest.raises(InvalidInput) as exc:
        run_idempotent(user=user, key="k", endpoint="y.create", action=UserFactory)
    assert exc.value.code == "idempotency_key_reused"


def test_run_idempotent__failed_action_leaves_no_key(user):
    def action():
        UserFactory()
        raise InvalidInput("no")

    with pytest.raises(InvalidInput):
        run_idempotent(user=user, key="k", endpoint="x.create", action=action)
    assert not IdempotencyKey.objects.exists()


def test_run_idempotent__key_too_long(user):
    with pytest.raises(InvalidInput):
        run_idempotent(user=user, key="k" * 256, endpoint="x.create", action=UserFactory)

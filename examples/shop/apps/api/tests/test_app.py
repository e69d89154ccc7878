import pytest

from api.app import checkout, health


def test_health():
    assert health()["ok"]


@pytest.mark.parametrize("qty", [1, 2])
def test_checkout(qty):
    assert checkout("c-1", "book", qty)["ok"]

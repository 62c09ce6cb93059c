import pytest

from cases.services.references import check_digit, is_valid_reference

pytestmark = pytest.mark.django_db


def test_reference_shape_and_check_digit(case_factory):
    refs = [case_factory().reference for _ in range(3)]
    assert len(set(refs)) == 3
    for ref in refs:
        prefix, year, number = ref.split("-")
        assert prefix == "CX"
        assert len(year) == 4
        assert len(number) >= 7
        assert is_valid_reference(ref)


def test_a_mistyped_reference_is_detected(case_factory):
    ref = case_factory().reference
    last = int(ref[-2])
    typo = ref[:-2] + str((last + 1) % 10) + ref[-1]
    assert not is_valid_reference(typo)
    assert not is_valid_reference("CX-2026-abc")
    assert check_digit("7992739871") == "3"  # the textbook Luhn example

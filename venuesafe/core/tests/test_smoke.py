from venuesafe.core.validators import validate_uscc
from venuesafe.testing.factories import District, make_uscc, venue


def test_factories__build_a_complete_venue(db):
    d = District()
    v = venue(d.comm_a1, d.grid_a1a)
    validate_uscc(v.licence_no)
    assert v.is_complete is False  # no photo
    assert v.org_path == d.grid_a1a.path
    assert make_uscc(1) != make_uscc(2)

from references.kinds import CSL_TYPES, KIND_CHOICES, KINDS
from references.models import Reference


def test_every_kind_of_source_has_a_csl_type_and_is_a_choice_of_the_model():
    assert set(CSL_TYPES) == KINDS
    assert dict(Reference._meta.get_field("kind").choices) == dict(KIND_CHOICES)

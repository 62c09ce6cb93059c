from cases.services import transition_effects
from cases.services.lifecycle import TRANSITIONS


def test_transition_effects_are_callables_not_import_paths():
    effects = {name: spec.effect for name, spec in TRANSITIONS.items() if spec.effect is not None}
    assert effects == {
        "request_info": transition_effects.after_request_info,
        "close_unanswered": transition_effects.after_close_unanswered,
        "propose_resolution": transition_effects.after_propose_resolution,
        "record_acceptance": transition_effects.after_record_acceptance,
        "withdraw": transition_effects.after_withdraw,
    }
    assert all(callable(effect) for effect in effects.values())

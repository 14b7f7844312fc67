"""newsmon/warm.py: the pieces `newsmon serve` uses to start runs warm (the served run itself is
tests/flows/test_served_schedule.py)."""

from __future__ import annotations

import multiprocessing

from newsmon.warm import _ForkserverMultiprocessing


def test_prefects_spawn_context_becomes_the_fork_server_and_the_rest_is_multiprocessing():
    forkserver = multiprocessing.get_context("forkserver")
    shim = _ForkserverMultiprocessing(forkserver)
    assert shim.get_context("spawn") is forkserver
    assert shim.get_context("fork") is multiprocessing.get_context("fork")
    assert shim.cpu_count is multiprocessing.cpu_count


def test_the_flow_function_resolves_its_parameter_types_without_its_module():
    """A served run gets the flow pickled by value: its parameter types must not need the module's names."""
    import cloudpickle

    from flows.daily import daily

    copy = cloudpickle.loads(cloudpickle.dumps(daily))
    from prefect._internal.pydantic.validated_func import ValidatedFunction

    checked = ValidatedFunction(copy.fn).validate_call_args((), {"day": "2026-03-02"})
    assert str(checked["day"]) == "2026-03-02"

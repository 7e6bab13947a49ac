# What every Python workload returns, and how it reads its event. Shared by the three Python
# workloads (the packager copies this file into each package); standard library only.
import os
import platform

_ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def architecture():
    """The CPU this process actually runs on, in Lambda's spelling."""
    machine = platform.machine().lower()
    if machine not in _ARCHITECTURES:
        raise RuntimeError("unexpected CPU architecture %s" % machine)
    return _ARCHITECTURES[machine]


def workload_result(workload, checksum):
    # AWS_EXECUTION_ENV is "AWS_Lambda_python3.12" on Lambda (and in the local sandboxes).
    runtime = os.environ.get("AWS_EXECUTION_ENV", "").replace("AWS_Lambda_", "", 1) or "unknown"
    return {"ok": True, "workload": workload, "runtime": runtime, "architecture": architecture(), "checksum": checksum}


def int_field(event, field, fallback, minimum, maximum):
    """event[field] as an integer in [minimum, maximum], or fallback when absent; anything else raises."""
    if event is not None and not isinstance(event, dict):
        raise TypeError("the event must be a JSON object, got %r" % (event,))
    value = (event or {}).get(field)
    if value is None:
        return fallback
    # bool is an int subclass in Python: true/false are not iteration counts.
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValueError("event.%s must be an integer from %d to %d, got %r" % (field, minimum, maximum, value))
    return value

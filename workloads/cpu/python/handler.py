# cpu workload: chained SHA-256. h0 = sha256(b"s3-archive-bench cpu"), h(i+1) = sha256(h(i)) over
# the 32 raw digest bytes; returns hex(h(iterations)).
import hashlib

from workload_result import int_field, workload_result

SEED = b"s3-archive-bench cpu"
DEFAULT_ITERATIONS = 500_000


def handler(event, context):
    iterations = int_field(event, "iterations", DEFAULT_ITERATIONS, 0, 100_000_000)
    sha256 = hashlib.sha256
    digest = sha256(SEED).digest()
    for _ in range(iterations):
        digest = sha256(digest).digest()
    return workload_result("cpu", digest.hex())

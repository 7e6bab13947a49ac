# memory workload: fill `count` (default 13,107,200 = 100 MiB) unsigned 64-bit integers from
# splitmix64 seeded with 42, sort them in place ascending, return sha256 of the first 1,000 values
# as little-endian bytes. splitmix64 is the standard one (Steele, Lea & Flood 2014, as in Vigna's
# splitmix64.c): state += 0x9E3779B97F4A7C15, then the output mix of that new state.
#
# The values live in an array('Q') (8 bytes each): a list of 13M Python ints would take ~620 MB.
# Python has no native sort for an array, and sorted() of the whole array builds that list, so it
# is sorted in runs of 1M values (sorted() in C, ~50 MB at a time) merged with heapq.merge into a
# second array copied back: Max Memory Used 234 MB in the local sandbox (measured), so
# minMemoryMb is 512 (256 would leave 22 MB and was not verified).
import array
import hashlib
import heapq
import itertools
import sys

from workload_result import int_field, workload_result

DEFAULT_COUNT = 13_107_200
HASHED_VALUES = 1_000
RUN = 1 << 20
GAMMA = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
MASK = (1 << 64) - 1


def fill(count):
    values = array.array("Q", [0]) * count  # allocated once, no 100 MB temporary
    state = 42
    for i in range(count):
        state = (state + GAMMA) & MASK
        z = state
        z = ((z ^ (z >> 30)) * MIX1) & MASK
        z = ((z ^ (z >> 27)) * MIX2) & MASK
        values[i] = z ^ (z >> 31)
    return values


def sort_in_place(values):
    count = len(values)
    for start in range(0, count, RUN):
        values[start:start + RUN] = array.array("Q", sorted(values[start:start + RUN]))
    runs = [itertools.islice(values, start, min(start + RUN, count)) for start in range(0, count, RUN)]
    merged = array.array("Q", heapq.merge(*runs))
    values[:] = merged


def handler(event, context):
    count = int_field(event, "count", DEFAULT_COUNT, HASHED_VALUES, 8 * DEFAULT_COUNT)
    values = fill(count)
    sort_in_place(values)
    head = values[:HASHED_VALUES]
    if sys.byteorder == "big":
        head.byteswap()
    return workload_result("memory", hashlib.sha256(head.tobytes()).hexdigest())

"""Expected counts for the validators (this copy only; not in shared/validators).

A validator that finds nothing to check has checked nothing: every count it reports
must be non-zero (relations excepted: a document may have none), and equal to the
expected count when one is given (`--expect-docs N`, `--expect-spans N`, ...). .ci/validate-exports.sh passes the counts tests/interop.rs
wrote to <project>-out/expected.json.
"""


def add_arguments(ap, *names):
    """Add `--expect-NAME N` for each name (e.g. "docs", "spans")."""
    for name in names:
        ap.add_argument(f"--expect-{name}", type=int, metavar="N", default=None,
                        help=f"fail unless exactly N {name} are found (zero always fails)")


def check(found, args, may_be_zero=()):
    """found: {name: count}. Prints one line per count and returns True when every
    count equals its --expect-NAME (when given) and is non-zero (except the names in
    may_be_zero, which must then be expected to be zero)."""
    ok = True
    for name, n in found.items():
        want = getattr(args, f"expect_{name.replace('-', '_')}", None)
        if n == 0 and name in may_be_zero and want == 0:
            print(f"count ok: no {name} (as expected)")
        elif n == 0:
            ok = False
            print(f"COUNT FAIL: found no {name}" + (f", expected {want}" if want is not None else "")
                  + ": nothing was checked")
        elif want is not None and n != want:
            ok = False
            print(f"COUNT FAIL: found {n} {name}, expected {want}")
        else:
            print(f"count ok: {n} {name}" + (" (as expected)" if want is not None else " (no expected count given)"))
    return ok

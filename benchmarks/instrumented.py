"""Start a Rasa server or an action server with the timing hooks of `benchmarks.timing` installed.

    python -m benchmarks.instrumented rasa run --port 5005 ...
    python -m benchmarks.instrumented actions --port 5055

The arguments after the first are those of `rasa` (resp. `rasa run actions`).
"""

from __future__ import annotations

import atexit
import cProfile
import os
import sys

from .timing import install_action_server_hooks, install_rasa_hooks


def _profile_until_exit() -> None:
    """With BENCH_CPROFILE set, profile the whole process and write the stats there when it exits."""
    path = os.environ.get("BENCH_CPROFILE")
    if path:
        profiler = cProfile.Profile()
        profiler.enable()

        def dump() -> None:
            profiler.disable()
            profiler.dump_stats(path)

        atexit.register(dump)


def main() -> None:
    """Install the hooks, then hand over to Rasa's (or rasa-sdk's) own command line."""
    which, rest = sys.argv[1], sys.argv[2:]
    _profile_until_exit()
    if which == "rasa":
        install_rasa_hooks()
        from rasa.__main__ import main as rasa_main

        sys.argv = ["rasa", *rest]
        rasa_main()
    elif which == "actions":
        install_action_server_hooks()
        from rasa_sdk.__main__ import main as sdk_main

        sys.argv = ["rasa_sdk", "--actions", "actions", *rest]
        sdk_main()
    else:
        raise SystemExit("usage: python -m benchmarks.instrumented rasa|actions ARGS...")


if __name__ == "__main__":
    main()

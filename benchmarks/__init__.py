"""`make bench`: this assistant against a plain `rasa init` assistant, measured in one run on this machine.

Not a test: nothing here asserts a time. It writes reports/bench.md, reports/bench.json and
reports/bench_latency.png (see README "Speed").
"""

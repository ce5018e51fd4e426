"""Benchmarks are scripts, run by hand (see the README's Speed section); pytest collects none of them."""

collect_ignore_glob = ["*.py"]

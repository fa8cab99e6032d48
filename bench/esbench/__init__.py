"""Helpers of `bench/run.py`: the project's figures measured against raw nats-py in one run."""

"""Orchestration: inputs, batching, Prefect tasks and flows, the `clean` CLI."""

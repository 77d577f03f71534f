"""Helpers and scripts that the integration tests launch as separate processes.

Fault injection (killing a process at a chosen moment) lives only here, never in the
application code the tests exercise.
"""

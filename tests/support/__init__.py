"""Helpers the tests share: page drivers, files, lifecycle paths, clients, threads, processes.

Fixtures live in the conftest.py of the area that uses them; what several areas (or the bench
scripts) need lives here, imported explicitly.
"""

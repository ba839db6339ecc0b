"""Dev tooling: demo seeding, the national dataset generator and the benchmarks.

It may import every app and nothing imports it (the import contract in `make test` checks both).
Its code lives in management commands, which Django imports only when that command runs, so web,
worker and beat processes never load it (a test checks that too).
"""

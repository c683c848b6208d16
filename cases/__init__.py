"""Advisor cases: the domain shared by the action server (which opens cases) and the advisor desk.

`models` holds the tables, `database` creates engines (for every SQL store of the project, with one set of
SQLite settings) and the tables, `store` the case operations, `office_hours` when advisors answer live
(`office_hours.yml`). Nothing here imports web, account or password code.
"""

"""Account administration from the shell; the only way to create the first admin.

    python -m advisor_desk.manage create-advisor --username anna --role admin --display-name "Anna Peeters"
    python -m advisor_desk.manage list-advisors

The password comes from env DESK_PASSWORD (for scripts) or is asked twice, never from argv
(where it would land in shell history and `ps`).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import List, Optional

from sqlalchemy.engine import Engine

from cases.models import ROLES

from . import accounts
from .db import engine_from_env, init_db


class CommandError(Exception):
    """A problem the operator can fix; printed without a traceback."""


def read_password() -> str:
    """The new password from DESK_PASSWORD, else asked twice; checked early against the accounts' policy."""
    password = os.environ.get("DESK_PASSWORD")
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise CommandError("the passwords do not match")
    try:
        accounts.check_password_policy(password)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    return password


def create_advisor(engine: Engine, args: argparse.Namespace) -> str:
    """create-advisor: make an account with the given username, role and display name."""
    try:
        advisor = accounts.create_advisor(engine, args.username, read_password(), args.role, args.display_name)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    return f"created {advisor['role']} {advisor['username']} (id {advisor['id']})"


def list_advisors(engine: Engine, _args: argparse.Namespace) -> str:
    """list-advisors: one line per account."""
    rows = [
        f"{a['id']:>4}  {a['username']:<20} {a['role']:<8} {'active' if a['active'] else 'inactive':<9}"
        f"{a['display_name']}"
        for a in accounts.list_advisors(engine)
    ]
    return "\n".join(rows) if rows else "no advisors yet"


def set_password(engine: Engine, args: argparse.Namespace) -> str:
    """set-password: replace an advisor's password and end their sessions."""
    if not accounts.set_password(engine, args.username, read_password()):
        raise CommandError(f"no advisor {args.username!r}")
    return f"password changed for {args.username}; their sessions were ended"


def set_active(engine: Engine, args: argparse.Namespace) -> str:
    """activate-advisor / deactivate-advisor: switch an account on or off."""
    active = args.command == "activate-advisor"
    if not accounts.set_advisor_active(engine, args.username, active):
        raise CommandError(f"no advisor {args.username!r}")
    return f"{args.username} is now {'active' if active else 'inactive'}"


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser with one sub-command per operation."""
    parser = argparse.ArgumentParser(prog="python -m advisor_desk.manage")
    commands = parser.add_subparsers(dest="command", required=True)

    create = commands.add_parser("create-advisor", help="create an advisor, staff or admin account")
    create.add_argument("--username", required=True)
    create.add_argument("--role", choices=ROLES, default="advisor")
    create.add_argument("--display-name", dest="display_name")
    create.set_defaults(run=create_advisor)

    commands.add_parser("list-advisors", help="list all accounts").set_defaults(run=list_advisors)

    for name, run, help_text in (
        ("set-password", set_password, "replace an advisor's password"),
        ("deactivate-advisor", set_active, "block an account and end its sessions"),
        ("activate-advisor", set_active, "unblock an account"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--username", required=True)
        sub.set_defaults(run=run)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Run one command against CASES_DB_URL; returns the exit code (1 for an operator error)."""
    args = build_parser().parse_args(argv)
    engine = engine_from_env()
    try:
        init_db(engine)
        print(args.run(engine, args))
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

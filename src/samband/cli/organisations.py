"""`samband orgs` and `samband users`: organisations and staff accounts."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from samband.cli.base import choice, fail, group, table, transaction, validation_message
from samband.security.roles import Role

orgs_app = group("orgs", "Organisations (hospital clinics, home health care, ...).")
users_app = group("users", "Staff accounts.")


@orgs_app.command("list")
def orgs_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List organisations: code, name, kind and the authority (huvudman) that owns them."""
    from samband.organisations import service

    with transaction() as session:
        rows = [
            {
                "code": o.code,
                "name": o.name,
                "kind": o.kind,
                "authority_kind": o.authority_kind,
                "authority": o.authority_name,
                "units": [u.code for u in o.units],
            }
            for o in service.all_organisations(session)
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no organisations yet (load the demo data with `samband demo --no-serve`)")
        return
    table(["code", "name", "kind", "authority"], rows)


@orgs_app.command("add")
def orgs_add(
    code: Annotated[str, typer.Argument(help="Short unique code, e.g. INF-FALUN.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    kind: Annotated[str, typer.Option(help="Organisation kind, e.g. hospital_clinic.")],
    authority_name: Annotated[
        str, typer.Option(help="The owning authority, e.g. 'Region Dalarna'.")
    ],
    authority_kind: Annotated[str, typer.Option(help="region or municipality.")] = "region",
) -> None:
    """Add an organisation."""
    from pydantic import ValidationError

    from samband.kit.errors import SambandError
    from samband.organisations import service
    from samband.organisations.schemas import OrganisationCreate
    from samband.security.roles import AuthorityKind, OrganisationKind

    choice("kind", kind, [k.value for k in OrganisationKind])
    choice("authority kind", authority_kind, [k.value for k in AuthorityKind])
    try:
        data = OrganisationCreate(
            code=code,
            name=name,
            kind=OrganisationKind(kind),
            authority_kind=AuthorityKind(authority_kind),
            authority_name=authority_name,
        )
        with transaction() as session:
            service.create_organisation(session, data)
    except ValidationError as exc:
        fail(validation_message(exc))
    except SambandError as exc:
        fail(exc.message)
    typer.echo(f"added organisation {code}")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name: lower case letters, digits, . _ -")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(Role)}.")],
    organisation: Annotated[str, typer.Option(help="The organisation's code.")],
    unit: Annotated[str | None, typer.Option(help="A unit code inside the organisation.")] = None,
    name: Annotated[str | None, typer.Option(help="Full name (default: the username).")] = None,
    skill: Annotated[
        list[str] | None, typer.Option(help="A skill, e.g. iv_therapy; repeat for more.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from one line of stdin.")
    ] = False,
) -> None:
    """Create a staff user. The password is asked for (twice), or read from standard input.
    The access log gets a row without an actor (the system), naming the account's fields."""
    from pydantic import ValidationError

    from samband.kit.errors import SambandError
    from samband.organisations import service
    from samband.organisations.schemas import UserCreate
    from samband.security.passwords import MIN_LENGTH

    choice("role", role, [r.value for r in Role])
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        fail(
            "there is no terminal to ask for the password: give it on one line of standard "
            "input with --password-stdin"
        )
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        fail(f"the password must have at least {MIN_LENGTH} characters")
    try:
        data = UserCreate(
            username=username,
            full_name=name or username,
            role=Role(role),
            organisation_code=organisation,
            unit_code=unit,
            skills=skill or [],
            password=password,
        )
        with transaction() as session:
            user = service.system_create_user(session, data, command="samband users add")
            summary = f"added user {user.username} ({user.role}) in {organisation}"
    except ValidationError as exc:
        fail(validation_message(exc))
    except SambandError as exc:
        fail(exc.message)
    typer.echo(summary)

"""hutong provider: a service provider's batch tools (docs/providers.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

provider = typer.Typer(help="Service providers: deploy a template to many merchants.", no_args_is_help=True)


def _show(deployment: dict[str, Any]) -> None:
    counts = deployment["counts"]
    typer.echo(
        f"deployment {deployment['id']}: {counts.get('submitted', 0)} submitted, "
        f"{counts.get('committed', 0)} committed, {counts.get('pending', 0)} pending, "
        f"{counts.get('failed', 0)} failed"
    )
    for item in deployment["items"]:
        if item["state"] == "failed":
            typer.echo(f"  failed {item['appid']}: {item['errcode']} {item['errmsg']}")


@provider.command()
def deploy(
    merchants: Annotated[
        Path, typer.Argument(help="A .json list of {appid, ext} or a .csv with appid and ext columns.")
    ],
    org: Annotated[int, typer.Option(help="The provider organization's id.")],
    template: Annotated[int, typer.Option(help="The template id (gettemplatelist).")],
    version: Annotated[str, typer.Option("--version", "-v", help="The user_version to commit.")],
    desc: Annotated[str, typer.Option("--desc", "-d", help="user_desc, also the review's note.")] = "",
    submit: Annotated[bool, typer.Option(help="Submit each merchant's version for review.")] = True,
    wait: Annotated[bool, typer.Option(help="Follow the progress until every merchant is done.")] = True,
) -> None:
    """Roll a template version to a list of merchants, each with its own ext, and submit them."""
    import httpx

    from hutong.cli.main import _client
    from hutong.cli.platform import PlatformError, _check
    from hutong.server.providers.merchants import parse_merchants

    kind = "csv" if merchants.suffix.lower() == ".csv" else "json"
    try:
        rows = parse_merchants(merchants.read_text(encoding="utf-8"), kind)
    except (OSError, ValueError) as error:
        typer.echo(f"error: {merchants}: {error}", err=True)
        raise typer.Exit(1) from None
    client = _client()
    base = f"/api/orgs/{org}/provider/deployments"
    try:
        body = {
            "template_id": template,
            "user_version": version,
            "user_desc": desc,
            "submit": submit,
            "merchants": rows,
        }
        deployment: dict[str, Any] = _check(client.http.post(base, json=body))
        total = len(deployment["items"])
        if wait:
            with typer.progressbar(length=total, label=f"deploying to {total} merchants") as bar:
                done = 0
                while True:
                    finished = total - deployment["counts"].get("pending", 0)
                    bar.update(finished - done)
                    done = finished
                    if not deployment["counts"].get("pending"):
                        break
                    time.sleep(1)
                    deployment = _check(client.http.get(f"{base}/{deployment['id']}"))
    except (PlatformError, httpx.HTTPError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        client.close()
    _show(deployment)
    if deployment["counts"].get("failed"):
        typer.echo(f"retry the failures with: hutong provider retry --org {org} {deployment['id']}")
        raise typer.Exit(2)


@provider.command()
def retry(
    deployment: Annotated[int, typer.Argument(help="The deployment id.")],
    org: Annotated[int, typer.Option(help="The provider organization's id.")],
) -> None:
    """Run a deployment's failed merchants again."""
    import httpx

    from hutong.cli.main import _client
    from hutong.cli.platform import PlatformError, _check

    client = _client()
    try:
        found: dict[str, Any] = _check(
            client.http.post(f"/api/orgs/{org}/provider/deployments/{deployment}/retry")
        )
    except (PlatformError, httpx.HTTPError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        client.close()
    _show(found)

"""``realpolitik serve``: the browser workbench on this machine."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from realpolitik.cli import UsageError, app, console, guarded
from realpolitik.cli.store_commands import DbOption, store_errors_as_usage


@app.command()
@guarded
@store_errors_as_usage
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback needs a token.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[str | None, typer.Option(
        help="A secret every API call must carry (default: $REALPOLITIK_TOKEN); required off loopback.")] = None,
    max_memory: Annotated[str, typer.Option(
        "--max-memory", help="Refuse a run estimated to need more memory than this (e.g. 2GiB).")] = "1GiB",
    time_limit: Annotated[float, typer.Option(
        "--time-limit", min=0.1, help="Refuse a run estimated to take longer than this many seconds, and stop "
                                      "one that does.")] = 60.0,
    db: DbOption = None,
) -> None:
    """Serve the web workbench: scenario library and editor, forecasts with charts, run history."""
    import uvicorn

    from realpolitik.budget import Budget, parse_size

    from realpolitik.store import database_url
    from realpolitik.web import create_app
    from realpolitik.web.security import TOKEN_VARIABLE, is_loopback

    token = token or os.environ.get(TOKEN_VARIABLE) or None
    if not is_loopback(host) and token is None:
        raise UsageError(f"refusing to listen on {host} without a token: anyone who can reach it could use it; "
                         f"give --token or set {TOKEN_VARIABLE} (or listen on 127.0.0.1)")
    if token is not None and len(token) < 16:
        raise UsageError("the token must be at least 16 characters long")
    # Without a token the server trusts whoever can reach it, so it answers only requests
    # addressed to loopback names (no DNS rebinding from a web page).
    loopback_names = ["127.0.0.1", "localhost", "::1", "[::1]", host.strip("[]")]
    try:
        budget = Budget(max_memory_bytes=parse_size(max_memory), max_seconds=time_limit)
    except ValueError as error:
        raise UsageError(f"--max-memory: {error}") from None
    application = create_app(db, token, allowed_hosts=None if token else loopback_names, budget=budget, warm=True)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"realpolitik workbench on http://{shown}:{port}/ (runs in {database_url(db)})"
                  + ("; API calls need the token" if token else ""), highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")

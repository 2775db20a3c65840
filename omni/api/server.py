"""Running the API server process (`omni _api`, started by the supervisor)."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time

from sanic import Sanic
from sanic.worker.loader import AppLoader

from omni.api.app import ApiRuntime, create_app
from omni.bus.lease import WORKER_COUNT_ENV
from omni.config import Settings
from omni.host import endpoints
from omni.paths import Paths


def runtime_for(settings: Settings, paths: Paths) -> ApiRuntime:
    return ApiRuntime(
        database_url=endpoints.database_url(settings, paths),
        nats_url=endpoints.nats_url(settings, paths),
        secret_key_path=paths.master_key,
        postgres_managed=settings.postgres_managed,
        nats_managed=settings.nats_is_managed,
        data_dir=paths.data,
        plugins_dir=paths.data / "plugins",
        load_plugins=os.environ.get("OMNI_LOAD_PLUGINS"),
    )


def _factory() -> Sanic:
    """The app, built from this process's environment (the supervisor passes every setting that way). A forked worker
    finds the one its parent built."""
    from omni import config
    from omni.paths import resolve

    if "omni" in Sanic._app_registry:
        return Sanic.get_app("omni")

    paths = resolve()
    return create_app(runtime_for(config.load(paths), paths))


def _wait_at_gate() -> None:
    """Started together with postgres and nats, the API has loaded its code by now; it serves once the supervisor
    says the schema is ready (the process dies with the supervisor, so this never waits on nobody)."""
    gate = os.environ.get("OMNI_API_GATE")
    if not gate:
        return
    while not os.path.exists(gate):
        time.sleep(0.02)


def serve(settings: Settings, paths: Paths) -> None:
    """Serve until SIGTERM/SIGINT. Output goes to stderr; the supervisor writes it into the api log."""
    logging.basicConfig(level=settings.log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    options = {"host": settings.api_host, "port": settings.api_port, "access_log": False, "motd": False}
    if settings.api_workers == 1:
        app = _factory()  # building the app touches no server: done before the gate opens
        _wait_at_gate()
        app.run(single_process=True, **options)
        return
    # Workers fork from this process once the app is built: they share its memory pages (spawn would start each
    # worker as a fresh interpreter importing everything again: +60 MiB a worker). Built before the gate opens, while
    # the supervisor runs the migrations.
    Sanic.start_method = "fork"
    loader = AppLoader(factory=_factory)
    app = loader.load()
    os.environ[WORKER_COUNT_ENV] = str(settings.api_workers)  # the workers spread the pipeline's leases over them
    app.prepare(workers=settings.api_workers, **options)
    gc.freeze()  # the parent's objects: the collector never writes to them, so the forked workers keep sharing them
    _wait_at_gate()
    Sanic.serve(primary=app, app_loader=loader)


def main() -> None:
    """`omni _api`: the settings and locations of this process's environment, set by the supervisor."""
    from pydantic import ValidationError

    from omni import config
    from omni.host.errors import HostError
    from omni.paths import resolve

    try:
        paths = resolve()
        serve(config.load(paths), paths)
    except ValidationError as exc:
        sys.exit(f"invalid setting: {config.describe_error(exc)}")
    except HostError as exc:
        sys.exit(f"error: {exc}")

"""`python -m omni`, and the entry point of the frozen binary."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Sanic's worker manager uses the spawn start method: frozen children must stop here.
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["_api"]:
        # The API process the supervisor starts: straight to the server, without loading the CLI.
        from omni.api.server import main as serve_api

        serve_api()
    else:
        from omni.cli import main

        main()

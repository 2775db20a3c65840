"""`python -m omni`, and the entry point of the frozen binary."""

import multiprocessing

if __name__ == "__main__":
    # Sanic's worker manager uses the spawn start method: frozen children must stop here.
    multiprocessing.freeze_support()
    from omni.cli import main

    main()

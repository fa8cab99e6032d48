"""`python -m backoffice`: serve the back office with uvicorn (BACKOFFICE_HOST, BACKOFFICE_PORT)."""

from backoffice.bootstrap import main

main()

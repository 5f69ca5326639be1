"""Web app for editors: paste an Arabic article, get the English, both summaries and a review table.

``python app.py [--model M] [--summary-model S] [--host 127.0.0.1] [--port 7860] [--no-ui]`` serves the app at ``/``
and the LibreTranslate-compatible HTTP API beside it (``--no-ui``: the API only), and prints
``ready at http://HOST:PORT`` once it answers.

Start-up checks every setting before anything heavy is imported or loaded (``--help`` and a bad setting
answer at once); the models load next, then the web libraries.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys

from translate.config import add_arguments, config_from_parser, cors_origins, public_url, setting
from translate.errors import TranslateError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The run configuration's options (translate.config) plus the server's own."""
    parser = argparse.ArgumentParser(description="Serve the Khabar web app and its LibreTranslate-compatible API.")
    add_arguments(parser)
    server = parser.add_argument_group("server")
    server.add_argument("--host", help="address to listen on [KHABAR_HOST, default 127.0.0.1]")
    server.add_argument("--port", type=int, help="port [KHABAR_PORT, default 7860]")
    server.add_argument("--no-ui", action="store_true", help="serve the HTTP API only, without the web app")
    return parser


def check_listen(host: str, port: int) -> None:
    """Raise :class:`TranslateError` when ``host:port`` cannot be listened on now (in use, or not an
    address of this machine), so that the app says so before it loads any model."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                                flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            probe.bind(address)
    except OSError as error:
        raise TranslateError(f"Cannot listen on {host}:{port}: {error.strerror or error}.") from None


def announce(url: str) -> None:
    """Say on standard output that the app answers at ``url``."""
    print(f"ready at {url}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Check the settings, load the models, then serve the app until SIGTERM or Ctrl-C, removing every
    temporary file (also when the start fails). Returns the exit code: 0, 1 (a model did not load),
    2 (a bad setting) or 130 (interrupted while starting)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    config = config_from_parser(parser, args)
    from web.server import accounts_from_env  # light: the web libraries load after the models

    try:
        auth = accounts_from_env()
        public_url()  # a bad KHABAR_PUBLIC_URL stops the app here, in one line
        cors_origins()  # so does a bad KHABAR_CORS_ORIGINS
        host, port = setting("host", args.host, "127.0.0.1"), setting("port", args.port, 7860)
        check_listen(host, port)
        from translate.recall import open_run_memory

        memory = open_run_memory(config)  # a corrupt, locked or unreachable memory stops the app here
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from web.service import Service

    try:
        service = Service.from_config(config, memory=memory)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    temporary = []
    try:
        print("Loading models…", file=sys.stderr, flush=True)
        service.warm()
        for notice in service.compute_notices():
            print(f"warning: {notice}", file=sys.stderr, flush=True)
        from web.server import create_app, private_upload_folder, serve
        from web.ui import CSS, build_app

        temporary = [] if args.no_ui else private_upload_folder()
        blocks = None if args.no_ui else build_app(service)
        app = create_app(service, ui=not args.no_ui, auth=auth, blocks=blocks, css=CSS)
    except BaseException as error:  # a failed or interrupted start leaves no temporary folder behind
        service.close()
        for folder in temporary:
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(error, TranslateError):
            print(f"error: {error}", file=sys.stderr)
            return 1
        if isinstance(error, KeyboardInterrupt):
            return 130
        raise
    return serve(app, service, host=host, port=port, temporary=temporary, ready=announce)


if __name__ == "__main__":
    sys.exit(main())

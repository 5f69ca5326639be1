"""Web app for editors: paste an Arabic article, get the English, both summaries and a review table.

``python app.py [--model M] [--summary-model S] [--host 127.0.0.1] [--port 7860] [--no-ui]`` serves the app at ``/``
and the LibreTranslate-compatible HTTP API beside it (``--no-ui``: the API only).
"""

from __future__ import annotations

import argparse
import shutil
import sys

from translate import TranslateError
from translate.config import add_arguments, config_from_parser, cors_origins, public_url, setting
from web.service import Service
from web.ui import CSS, build_app

__all__ = ["CSS", "build_app", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The run configuration's options (translate.config) plus the server's own."""
    parser = argparse.ArgumentParser(description="Serve the Khabar web app and its LibreTranslate-compatible API.")
    add_arguments(parser)
    server = parser.add_argument_group("server")
    server.add_argument("--host", help="address to listen on [KHABAR_HOST, default 127.0.0.1]")
    server.add_argument("--port", type=int, help="port [KHABAR_PORT, default 7860]")
    server.add_argument("--no-ui", action="store_true", help="serve the HTTP API only, without the web app")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Load the models, then serve the app until SIGTERM or Ctrl-C, removing every temporary file."""
    from web.server import accounts_from_env, create_app, private_upload_folder, serve

    parser = build_parser()
    args = parser.parse_args(argv)
    config = config_from_parser(parser, args)
    try:
        auth = accounts_from_env()
        public_url()  # a bad KHABAR_PUBLIC_URL stops the app here, in one line
        cors_origins()  # so does a bad KHABAR_CORS_ORIGINS
        host, port = setting("host", args.host, "127.0.0.1"), setting("port", args.port, 7860)
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        service = Service.from_config(config)
        print("Loading models…", file=sys.stderr, flush=True)
        service.warm()
    except TranslateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    temporary = [] if args.no_ui else private_upload_folder()
    try:
        blocks = None if args.no_ui else build_app(service)
        app = create_app(service, ui=not args.no_ui, auth=auth, blocks=blocks, css=CSS)
    except BaseException:
        service.close()
        for folder in temporary:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return serve(app, service, host=host, port=port, temporary=temporary)


if __name__ == "__main__":
    sys.exit(main())

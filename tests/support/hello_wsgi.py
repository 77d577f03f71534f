"""A WSGI application that answers "hello": lets tests drive gunicorn without Django."""


def app(environ: dict, start_response) -> list[bytes]:  # noqa: ANN001
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]

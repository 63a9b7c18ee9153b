"""PDFs from our own HTML: nothing fetched, one font configuration per thread."""

from __future__ import annotations

import base64
import http.server
import threading

import pytest
from weasyprint.urls import FatalURLFetchingError

from alwaysevents import pdf

#: A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _with_image(src: str) -> bytes:
    return pdf.html_to_pdf(f'<html><body><h1>Report</h1><img alt="" src="{src}"></body></html>')


def test_inline_data_is_printed():
    document = _with_image("data:image/png;base64," + base64.b64encode(PNG).decode())
    assert document.startswith(b"%PDF-") and b"/Image" in document


def test_a_file_on_disk_is_not_read(tmp_path):
    picture = tmp_path / "picture.png"
    picture.write_bytes(PNG)
    with pytest.raises(FatalURLFetchingError, match="Error fetching"):
        _with_image(picture.as_uri())


def test_nothing_is_fetched_over_the_network():
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(FatalURLFetchingError, match="Error fetching"):
            _with_image(f"http://127.0.0.1:{server.server_port}/picture.png")
    finally:
        server.shutdown()
    assert asked == []


@pytest.mark.parametrize("src", ["/static/picture.png", "picture.png"])
def test_an_address_relative_to_nothing_is_left_out(src):
    assert b"/Image" not in _with_image(src)


def test_one_font_configuration_per_thread_is_reused():
    first = pdf._font_config()
    assert pdf._font_config() is first
    other = []
    thread = threading.Thread(target=lambda: other.append(pdf._font_config()))
    thread.start()
    thread.join()
    assert other[0] is not first

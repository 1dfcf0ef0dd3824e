"""Files uploaded through a page or the API: each kept in a private temporary folder of the app under a
random name, the size bound checked while the upload streams in (before any reader sees it; the readers
then apply `athar.ingest.limits` to what it holds), and a one-line error naming the file by its own name."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Request, UploadFile

from athar.ingest import UnreadableFile

MAX_UPLOAD = 200 * 1024 * 1024


# An upload previewed on the import page waits for its import; one neither imported nor refused
# (the page left, the browser closed) is removed this long after it was made. It holds a list of
# people: it must not outlive the use it was uploaded for.
PENDING_SECONDS = 3600


def upload_root(request: Request) -> Path:
    """The app's private folder for uploads (made on first use, removed with the app or at the
    process's exit), with the uploads older than `PENDING_SECONDS` removed from it."""
    root = getattr(request.app.state, "upload_dir", None)
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="athar-uploads-"))
        request.app.state.upload_dir = root
        weakref.finalize(request.app, shutil.rmtree, root, True)
    remove_stale_uploads(root, PENDING_SECONDS)
    return root


def remove_stale_uploads(root: Path, max_age_seconds: float) -> None:
    """Remove the upload folders in `root` last changed more than `max_age_seconds` ago."""
    now = time.time()
    for folder in root.iterdir():
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > max_age_seconds:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:  # removed meanwhile by its own request
            continue


def safe_name(name: str | None) -> str:
    base = Path(name or "upload").name
    return re.sub(r"[^\w.\-]", "_", base)[:100] or "upload"


async def save_upload(upload: UploadFile, target: Path) -> None:
    """Write the upload to `target`; UnreadableFile once it passes MAX_UPLOAD."""
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD:
                raise UnreadableFile(target.name, "the file is larger than 200 MB")
            out.write(chunk)


@asynccontextmanager
async def received(request: Request, upload: UploadFile) -> AsyncIterator[Path]:
    """The upload saved under its (cleaned) name in a folder of its own, deleted on leaving."""
    folder = upload_root(request) / secrets.token_urlsafe(24)
    folder.mkdir()
    try:
        path = folder / safe_name(upload.filename)
        await save_upload(upload, path)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def one_line(error: UnreadableFile) -> str:
    """The cause, naming the file by its own name: a parser's own message may quote the path it read
    (lxml does), and the server's temporary folders are nobody's business."""
    cause = error.cause.replace(str(error.path), error.path.name)
    cause = re.sub(r"\S*athar-uploads-[^/\\\s]*[/\\]([^/\\\s]+[/\\])?", "", cause)
    return f"{error.path.name}: {cause}".splitlines()[0]

"""Loading files into datasets: import jobs, their background task body, and the CLI path.

A new version of a dataset is written next to the live one and switched in by one row update
only once it is complete, so a failed or running import never disturbs readers.
"""

from __future__ import annotations

import codecs
import re
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openmis.analytics.errors import ImportFailed
from openmis.bi.engine import get_warehouse
from openmis.bi.models import Column, Dataset, ImportJob
from openmis.core import caching

FORMATS = {"csv", "tsv", "txt", "xlsx", "parquet", "json", "jsonl", "ndjson"}


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def format_of(file_name: str, given: str = "") -> str:
    """The file format from ``given`` or the file name's suffix; ImportFailed if unknown."""
    fmt = (given or Path(file_name).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ImportFailed(
            _("Unsupported file type “%(suffix)s”: use CSV, XLSX, Parquet or JSON.")
            % {"suffix": fmt or file_name}
        )
    return {"tsv": "csv", "txt": "csv", "jsonl": "json", "ndjson": "json"}.get(fmt, fmt)


STAGED_MAX_AGE = 24 * 3600


def stage_upload(source, file_name: str) -> Path:
    """Store an uploaded file (a file object, read in chunks) for a later import or preview."""
    format_of(file_name)  # refuse unknown types before storing anything
    _sweep_staged()
    target = upload_dir() / f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()}"
    with target.open("wb") as out:
        if hasattr(source, "chunks"):
            chunks = source.chunks()
        else:
            chunks = iter(lambda: source.read(1 << 20), b"")
        for chunk in chunks:
            out.write(chunk)
    return target


def to_utf8(path: Path, file_name: str, encoding: str = "", *, into: Path | None = None) -> str:
    """Write a CSV file in UTF-8 when it is Windows-1250 or ISO-8859-2 text (as Polish Excel
    saves "CSV"), so the warehouse reads its letters; returns the encoding it was read in
    (empty for other formats).

    ``encoding`` is the file's, a key of :data:`openmis.core.imports.reading.ENCODINGS`;
    empty, it is detected on the first 256 KiB as the object imports detect it
    (:func:`openmis.core.imports.reading.detect_encoding`). The text is converted in chunks,
    never read whole, into ``into`` (default: in place); a UTF-8 file is left as it is and
    ``into`` is not written. Raises ImportFailed, with the line, at a byte the encoding has
    no letter for.
    """
    from openmis.core.imports.reading import ENCODINGS, detect_encoding

    if format_of(file_name) != "csv":
        return ""
    if encoding not in ENCODINGS:
        with path.open("rb") as source:
            sample = source.read(256 * 1024)
            complete = not source.read(1)
        if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"  # named by its byte order mark; the warehouse reads it as it is
        encoding = detect_encoding(sample, complete=complete)
    if encoding == "utf-8":
        return encoding
    converted = into or path.with_name(path.name + ".utf8")
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    try:
        with path.open("rb") as source, converted.open("w", encoding="utf-8", newline="") as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line += chunk[: exc.start].count(b"\n")
                    raise ImportFailed(
                        _(
                            "Line %(line)d: the file is not %(encoding)s text (unexpected byte "
                            "0x%(byte)02x). Choose its encoding, or save it as “CSV UTF-8”, and "
                            "try again."
                        )
                        % {"line": line, "encoding": ENCODINGS[encoding], "byte": chunk[exc.start]},
                        line=line,
                    ) from None
                line += text.count("\n")
                out.write(text)
    except BaseException:
        converted.unlink(missing_ok=True)
        raise
    if into is None:
        converted.replace(path)
    return encoding


def staged_path(token: str) -> Path | None:
    """The staged upload named ``token`` (its file name), if it is still there."""
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z0-9]{1,8}", token or ""):
        return None
    path = upload_dir() / token
    return path if path.is_file() else None


def _sweep_staged() -> None:
    """Delete staged uploads nobody imported within a day."""
    cutoff = timezone.now().timestamp() - STAGED_MAX_AGE
    for path in upload_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def start_import(
    user,
    dataset: Dataset,
    source,
    *,
    file_name: str,
    mode: str = ImportJob.Mode.REPLACE,
    fmt: str = "",
    column_types: dict | None = None,
    encoding: str = "",
) -> ImportJob:
    """Queue the job that loads a file into ``dataset``.

    ``source`` is a staged upload (:func:`stage_upload`), another local path (copied), or a
    file object (stored in chunks, never read whole into memory). A CSV file in a Polish code
    page is converted to UTF-8 first (``encoding``, or detected: :func:`to_utf8`).
    """
    fmt = format_of(file_name, fmt)
    if mode == ImportJob.Mode.APPEND and dataset.data_version == 0:
        mode = ImportJob.Mode.REPLACE
    if isinstance(source, str | Path):
        source = Path(source)
        if source.parent == upload_dir():
            target = source
        else:
            target = upload_dir() / f"{uuid.uuid4().hex}{source.suffix.lower()}"
            shutil.copyfile(source, target)
    else:
        target = stage_upload(source, file_name)
    if fmt == "csv":
        try:
            to_utf8(target, f"{target.stem}.csv", encoding)
        except ImportFailed:
            target.unlink(missing_ok=True)
            raise
    job = ImportJob.objects.create(
        dataset=dataset,
        file_name=Path(file_name).name[:255],
        path=str(target),
        format=fmt,
        mode=mode,
        column_types=column_types or {},
        created_by=user if getattr(user, "is_authenticated", False) else None,
        language=translation.get_language() or "",
    )
    from openmis.bi.tasks import import_file

    # The database backend stores the task in this transaction, so the worker sees it only
    # once the job row is committed too.
    import_file.enqueue(job.pk)
    return job


def preview(path: Path, file_name: str) -> tuple[dict[str, str], list[list]]:
    """The columns the warehouse infers for a staged file, and its first rows."""
    return get_warehouse().sniff(path, fmt=format_of(file_name), sample_rows=20)


def column_changes(dataset: Dataset, columns: dict[str, str], mode: str) -> dict | None:
    """How the columns of a file (name -> type, as they will be loaded) differ from the
    dataset's: the columns added, removed and those whose type changes; None when a
    replacement keeps them (or nothing is replaced: a first load, an append, which refuses
    other columns itself). Questions and dashboards over a removed or retyped column break,
    so the page warns and asks for a confirmation before such a file replaces the data."""
    if mode != ImportJob.Mode.REPLACE or not dataset.data_version:
        return None
    current = {c.name: c.type for c in dataset.columns.all()}
    if not current:
        return None
    changes = {
        "added": [(n, t) for n, t in columns.items() if n not in current],
        "removed": [(n, t) for n, t in current.items() if n not in columns],
        "changed": [
            (n, current[n], t) for n, t in columns.items() if n in current and current[n] != t
        ],
    }
    return changes if any(changes.values()) else None


def import_now(
    dataset: Dataset, path, *, mode=ImportJob.Mode.REPLACE, column_types=None, encoding=""
) -> ImportJob:
    """Load a local file into ``dataset`` in this process (the CLI), as a recorded job.

    The file is read in place; a CSV file in a Polish code page (``encoding``, or detected)
    is first converted into a UTF-8 copy in the data directory's scratch space, deleted
    afterwards. Its encoding is the job's ``encoding`` attribute (not stored).
    """
    fmt = format_of(str(path))
    if mode == ImportJob.Mode.APPEND and dataset.data_version == 0:
        mode = ImportJob.Mode.REPLACE
    scratch = Path(settings.DATA_DIR) / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / f"import-{uuid.uuid4().hex}.csv"
    try:
        read_as = to_utf8(Path(path), str(path), encoding, into=copy) if fmt == "csv" else ""
        job = ImportJob.objects.create(
            dataset=dataset,
            file_name=Path(path).name[:255],
            path=str(copy if copy.exists() else Path(path).resolve()),
            format=fmt,
            mode=mode,
            column_types=column_types or {},
        )
        job = run_import(job.pk, keep_file=True)
    finally:
        copy.unlink(missing_ok=True)
    job.encoding = read_as
    return job


def _progress(job_id: int):
    def report(fraction: float) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=max(0.0, min(1.0, fraction)))

    return report


def run_import(job_id: int, *, keep_file: bool = False) -> ImportJob:
    """Load an import job's file, with its errors in the language of whoever started it."""
    language = ImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        return _run_import(job_id, keep_file=keep_file)


def _run_import(job_id: int, *, keep_file: bool = False) -> ImportJob:
    """Load an import job's file into a new version of its dataset (the job's body).

    The live version is switched by one row update only after the new version is complete;
    a failure leaves the dataset as it was and records the error with its line and column.
    """
    job = ImportJob.objects.select_related("dataset").get(pk=job_id)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, progress=0.0)
    dataset = job.dataset
    wh = get_warehouse()
    previous = dataset.data_version
    # The job's number is the new version: unique and increasing, even with two imports
    # of one dataset running at once (the later job's version wins).
    new_version = job.pk
    append_to = (
        wh.location(dataset.key, previous)
        if job.mode == ImportJob.Mode.APPEND and previous
        else None
    )
    try:
        result = wh.load(
            Path(job.path),
            key=dataset.key,
            version=new_version,
            fmt=job.format or None,
            column_types=job.column_types or None,
            append_to=append_to,
            progress=_progress(job.pk),
        )
    except ImportFailed as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            error=exc.detail,
            error_line=exc.line,
            error_column=exc.column or "",
            finished=timezone.now(),
        )
        caching.bump("bi")
        if not keep_file:
            _discard(job)
        job.refresh_from_db()
        return job
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if locked.data_version > new_version:
            # A later import finished first; this one's data is older, so it is not switched in.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE,
                progress=1.0,
                rows=result.row_count,
                finished=timezone.now(),
            )
            caching.bump("bi")
            job.refresh_from_db()
            return job
        _sync_columns(locked, result.columns)
        locked.data_version = new_version
        locked.row_count = result.row_count
        locked.profile = {}
        locked.loaded_at = timezone.now()
        locked.save()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            progress=1.0,
            rows=result.row_count,
            finished=timezone.now(),
        )
    if not keep_file:
        _discard(job)
    cleanup = getattr(wh, "cleanup", None)
    if cleanup is not None:
        # Keep the version before as well: a query that started on it may still be reading.
        cleanup(dataset.key, {new_version, previous})
    from openmis.bi.tasks import profile_version

    profile_version.enqueue(dataset.pk, new_version)
    job.refresh_from_db()
    return job


def fail_interrupted_imports() -> int:
    """Mark the imports the worker was running when it stopped (killed, out of memory, the
    machine restarted) as failed, and delete their uploaded and partly written files: called
    when the worker starts, so none stays "running" for ever. Returns how many there were.

    Only jobs reading a staged upload are the worker's: the CLI reads its file in place, in
    its own process, which may still be running.
    """
    wh = get_warehouse()
    count = 0
    running = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).select_related("dataset")
    for job in running:
        if Path(job.path).parent != upload_dir():
            continue
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _(
                "The import was interrupted: the background worker stopped before it finished. "
                "The dataset keeps its previous data; load the file again."
            )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=message, finished=timezone.now()
        )
        _discard(job)
        wh.discard_partial(job.dataset.key, job.pk)
        count += 1
    if count:
        caching.bump("bi")
    return count


def profile_dataset(dataset_id: int, version: int) -> None:
    """Compute a loaded version's profile in the engine and store it, unless a newer version
    was switched in meanwhile (the body of a background job that follows each import: the
    data is queryable before its profile is known)."""
    dataset = Dataset.objects.filter(pk=dataset_id, data_version=version).first()
    if dataset is None:
        return
    columns = {c.name: c.type for c in dataset.columns.all()}
    profile = get_warehouse().profile(get_warehouse().location(dataset.key, version), columns)
    if Dataset.objects.filter(pk=dataset_id, data_version=version).update(profile=profile):
        caching.bump("bi")  # a plain UPDATE sends no signals; kept dataset pages show it now


def refresh_external(dataset: Dataset) -> Dataset:
    """Read an external table's columns and profile again, and start a new data version (so
    cached results over it are not used any more)."""
    from openmis.bi.services import location_of

    wh = get_warehouse()
    location = location_of(dataset)
    columns = wh.describe(location)
    profile = wh.profile(location, columns)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        _sync_columns(locked, columns)
        locked.data_version += 1
        locked.row_count = profile["row_count"]
        locked.profile = profile
        locked.loaded_at = timezone.now()
        locked.save()
    return locked


def drop_data(key: str, version: int) -> None:
    """Remove a deleted dataset's data from the warehouse."""
    wh = get_warehouse()
    cleanup = getattr(wh, "cleanup", None)
    if cleanup is not None:
        cleanup(key, set())
    else:
        wh.drop(wh.location(key, version))


def drop_deleted_data(sender, instance: Dataset, **kwargs) -> None:
    """When a dataset is deleted (``post_delete``, connected in :mod:`openmis.bi.apps`), remove
    its loaded data from the warehouse once the deletion is committed; an external table is
    left alone."""
    key, version = instance.key, instance.data_version
    if version and not instance.external_table:
        transaction.on_commit(lambda: drop_data(key, version))


def _discard(job: ImportJob) -> None:
    Path(job.path).unlink(missing_ok=True)


def _sync_columns(dataset: Dataset, columns: dict[str, str]) -> None:
    """Make the dataset's column rows match the loaded table, keeping descriptions."""
    existing = {c.name: c for c in dataset.columns.all()}
    for position, (name, type_name) in enumerate(columns.items()):
        column = existing.pop(name, None)
        if column is None:
            Column.objects.create(
                dataset=dataset,
                name=name,
                type=type_name,
                position=position,
                role=_default_role(name, type_name),
            )
        elif column.type != type_name or column.position != position:
            column.type = type_name
            column.position = position
            column.save()
    for gone in existing.values():
        gone.delete()


def _default_role(name: str, type_name: str) -> str:
    if type_name in ("date", "timestamp") or type_name.startswith("timestamp"):
        return Column.Role.TIME
    if name == "id" or name.endswith("_id"):
        return Column.Role.KEY
    if type_name.startswith(("int", "float", "decimal", "uint")):
        return Column.Role.MEASURE
    return Column.Role.DIMENSION

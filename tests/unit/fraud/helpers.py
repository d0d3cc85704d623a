from __future__ import annotations

from pathlib import Path

import polars as pl

from yanglao.core.supervision import planted
from yanglao.core.supervision.files import read_payments, read_persons_file, read_residents, read_services


def planted_frames(folder: Path) -> dict[str, pl.DataFrame | None]:
    paths = {}
    for name, frame in planted.files().items():
        paths[name] = folder / f"{name}.csv"
        frame.write_csv(paths[name])
    frames: dict[str, pl.DataFrame | None] = {}
    for name, reader in (
        ("persons", read_persons_file),
        ("payments", read_payments),
        ("services", read_services),
        ("residents", read_residents),
    ):
        frame, errors = reader(paths[name])
        assert errors == [], errors
        frames[name] = frame
    return frames

"""`athar synth` and `athar demo`: synthetic people, and the whole flow on them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from athar.cli.common import console, progress_bar


def synth(
    outdir: Annotated[
        Path, typer.Argument(help="Folder to write the lists, truth.csv and persons.csv into.")
    ],
    persons: Annotated[int, typer.Option(help="How many synthetic people.")] = 2000,
    seed: Annotated[int, typer.Option(help="Same seed, same files.")] = 0,
) -> None:
    """Generate synthetic Syrian people and the lists that write them, with the truth."""
    from athar.synth import generate

    with progress_bar() as progress:
        task = progress.add_task("generating", total=None)
        summary = generate(
            outdir,
            persons=persons,
            seed=seed,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    for name, n in summary.records_by_source.items():
        console.print(f"{name}: {n:,} records", highlight=False)
    console.print(
        f"{summary.persons:,} persons, {summary.persons_in_no_source:,} in no list; files in {outdir}",
        highlight=False,
    )


def demo(
    workdir: Annotated[Path, typer.Option(help="Folder for the synthetic lists and the demo store.")] = Path(
        "demo-data"
    ),
    persons: Annotated[int, typer.Option(help="How many synthetic people.")] = 2000,
    seed: Annotated[int, typer.Option()] = 0,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve", help="Then serve the web app on 127.0.0.1:8000 with a demo account per role."
        ),
    ] = False,
) -> None:
    """The whole flow on synthetic people: generate lists, import, link, estimate (and --serve)."""
    from athar.demo import run_demo, serve_demo

    run_demo(workdir, persons=persons, seed=seed, console=console, progress=progress_bar)
    if serve:
        serve_demo(workdir, console=console)

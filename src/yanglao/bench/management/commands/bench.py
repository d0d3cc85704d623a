"""``yanglao bench import [--rows N] [--databases sqlite,postgresql] [--pg-url URL] [--json]``
``yanglao bench entitle [--persons N] [--data-dir DIR] [--json]``
``yanglao bench entitle --engine spark [--persons N] [--rounds R] [--spark-columns]`` (embedded vs Spark, docs/spark.md)
``yanglao bench bomb [--json]`` (peak memory of opening an 8 MB XLSX decompression bomb)
``yanglao bench web [--people N] [--workers K] [--clients C] [--requests R] [--database NAME] [--json]``
``yanglao bench web --menus [--workers K]`` (every role's menu pages on the demo county; docs/operations.md)
``yanglao bench facilities|admissions|services|fraud [--json]`` (the network checks, the admission ranking, the
three-way match: each module's ``run(out)`` prints its figures beside the goal)"""

from __future__ import annotations

import json
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanglao.bench import importbench

# Benchmarks that are one module with ``run(out) -> dict`` (the figures, printed beside their goals).
MODULES = {
    "facilities": "yanglao.bench.facilities",
    "admissions": "yanglao.bench.admissions",
    "services": "yanglao.bench.services",
    "fraud": "yanglao.bench.fraud",
    "impact": "yanglao.bench.impact",
    "startup": "yanglao.bench.startup",
    "api": "yanglao.bench.apibench",
}


class Command(BaseCommand):
    help = "性能基准：导入与查询（输出实测数字）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["import", "entitle", "bomb", "web", "web-build", *MODULES])
        parser.add_argument("--people", type=int, default=1_000_000, help="web: people in the database")
        parser.add_argument("--workers", type=int, default=None, help="web: server processes")
        parser.add_argument("--clients", type=int, default=8, help="web: concurrent clients")
        parser.add_argument("--requests", type=int, default=300, help="web: requests per page")
        parser.add_argument("--database", default=None, help="web: database name (default by size)")
        parser.add_argument("--menus", action="store_true", help="web: every role's menu on the demo")
        parser.add_argument(
            "--persons", type=int, default=None, help="entitle: the large population (20 M; spark: 5 M)"
        )
        parser.add_argument("--data-dir", default=None, help="entitle: where generated files are kept")
        parser.add_argument(
            "--engine", choices=["embedded", "spark"], default="embedded", help="entitle: spark"
        )
        parser.add_argument(
            "--rounds", type=int, default=3, help="entitle --engine spark: alternating rounds"
        )
        parser.add_argument(
            "--spark-columns", action="store_true", help="entitle --engine spark: JVM path too"
        )
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--databases", default="sqlite,postgresql")
        parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] in MODULES:
            figures = import_module(MODULES[options["what"]]).run(self.stdout.write)
            if options["json"]:
                self.stdout.write(json.dumps(figures, ensure_ascii=False, default=str))
            return
        if options["what"] in ("web", "web-build"):
            from yanglao.bench import webrun

            results = webrun.main(options, self.stdout.write)
            if options["json"]:
                self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        if options["what"] == "bomb":
            from yanglao.bench import filebomb

            measured = filebomb.main(self.stdout.write)
            if options["json"]:
                self.stdout.write(json.dumps(measured, ensure_ascii=False))
            return
        if options["what"] == "entitle":
            from pathlib import Path

            from yanglao.core.engine import bench

            data_dir = Path(options["data_dir"]) if options["data_dir"] else None
            if options["engine"] == "spark":
                from yanglao.core.engine import spark_bench

                results = spark_bench.main(
                    options["persons"] or 5_000_000,
                    data_dir,
                    self.stdout.write,
                    options["rounds"],
                    options["spark_columns"],
                )
            else:
                results = bench.main(options["persons"] or 20_000_000, data_dir, self.stdout.write)
            if options["json"]:
                self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        results = importbench.main(
            options["rows"],
            [d.strip() for d in options["databases"].split(",") if d.strip()],
            options["pg_url"],
            self.stdout.write,
        )
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))

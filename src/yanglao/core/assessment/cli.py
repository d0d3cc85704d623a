"""``yanglao assess FILE.json``: score one assessment given as JSON and print the result as JSON.

``argv`` is what follows ``yanglao assess``: one path, or ``-`` for standard input. Exit status 0
with one JSON object on stdout; 2 for a usage error, an unreadable file or invalid input, with every
problem on stderr (one per line) and nothing on stdout.
"""

from __future__ import annotations

import json
import sys

from yanglao.core.assessment.scoring import score_input
from yanglao.core.assessment.validate import InvalidInput, parse_json

USAGE = "用法：yanglao assess FILE.json（FILE.json 为 - 时从标准输入读取）"
EXIT_OK = 0
EXIT_INVALID = 2


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8-sig") as fh:
        return fh.read()


def main(argv: list[str]) -> int:
    if argv in (["-h"], ["--help"]):
        print(USAGE)
        return EXIT_OK
    if len(argv) != 1:
        print(USAGE, file=sys.stderr)
        return EXIT_INVALID
    path = argv[0]
    try:
        text = _read(path)
    except FileNotFoundError:
        print(f"assess：找不到文件“{path}”", file=sys.stderr)
        return EXIT_INVALID
    except IsADirectoryError:
        print(f"assess：“{path}”是一个目录，不是文件", file=sys.stderr)
        return EXIT_INVALID
    except PermissionError:
        print(f"assess：没有读取“{path}”的权限", file=sys.stderr)
        return EXIT_INVALID
    except UnicodeDecodeError:
        print(f"assess：“{path}”不是UTF-8编码的文本", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"assess：无法读取“{path}”：{exc.strerror}", file=sys.stderr)
        return EXIT_INVALID
    try:
        data = parse_json(text)
    except InvalidInput as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return EXIT_INVALID
    result = score_input(data)
    print(json.dumps(result.to_dict(), ensure_ascii=False))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

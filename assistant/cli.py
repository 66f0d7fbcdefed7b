"""The `assistant` command: up, call, pbx, db.

Errors the service anticipates (`AssistantError`) end the command with one line on stderr and
exit status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from assistant.config import Settings
from assistant.errors import AssistantError

log = logging.getLogger("assistant")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValueError as exc:
        print(f"assistant: invalid configuration: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "websockets", "faster_whisper"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.run(settings, args) or 0
    except AssistantError as exc:
        print(f"assistant: {exc} [{exc.code}]", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Smart Number phone assistant")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run the service: lab Asterisk, Stasis app and API")
    up.set_defaults(run=cmd_up)

    pbx = commands.add_parser("pbx", help="the lab Asterisk")
    pbx.add_argument("action", choices=["up", "down", "status"])
    pbx.set_defaults(run=cmd_pbx)

    call = commands.add_parser("call", help="place a simulated call into a line and print what was heard")
    call.add_argument("line", choices=["smart", "line"], help="the Smart Number or the assistant line")
    call.add_argument("--say", action="append", default=[], help="what the caller says (repeat for turns)")
    call.add_argument("--dtmf", help="keys the caller presses after speaking")
    call.add_argument("--from", dest="caller", default="+12025550123", help="the caller's number")
    call.add_argument("--name", default="", help="the caller's caller-ID name")
    call.add_argument("--hangup-after", type=float, help="hang up after this many seconds")
    call.add_argument("--max-seconds", type=float, default=60.0)
    call.set_defaults(run=cmd_call)

    db = commands.add_parser("db", help="database")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(run=cmd_db)
    return parser


def cmd_up(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.service import Service

    asyncio.run(Service(settings).run())
    return 0


def cmd_pbx(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.pbx import lab

    if not settings.uses_lab:
        raise AssistantError(
            "lab-not-used", f"ARI_URL is set ({settings.ari_url}): the lab Asterisk is not used"
        )
    if args.action == "up":
        pid = lab.start(settings)
        print(json.dumps({"running": True, "pid": pid, "ari_url": settings.effective_ari_url}))
    elif args.action == "down":
        print(json.dumps({"stopped": lab.stop(settings)}))
    else:
        print(json.dumps(lab.status(settings)))
    return 0


def cmd_call(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.simcall import Step, simulated_caller

    steps = [Step(say=text) for text in args.say]
    if args.dtmf:
        steps.append(Step(dtmf=args.dtmf, wait_for_turn=not steps))
    number = settings.smart_number if args.line == "smart" else settings.assistant_line

    async def run() -> None:
        async with simulated_caller(settings) as caller:
            result = await caller.call(
                number,
                steps,
                caller_number=args.caller,
                caller_name=args.name,
                hangup_after_s=args.hangup_after,
                max_call_s=args.max_seconds,
            )
        for heard in result.heard:
            print(json.dumps({"event": "heard", "at_s": heard.at_s, "text": heard.text}), flush=True)
        print(
            json.dumps(
                {
                    "event": "ended",
                    "answered": result.answered,
                    "ended_by": result.ended_by,
                    "duration_s": round(result.duration_s, 2),
                    "channel_id": result.channel_id,
                }
            )
        )

    asyncio.run(run())
    return 0


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.store.db import open_store

    store = open_store(settings.effective_database_url)
    store.migrate()
    print(json.dumps({"database": store.display_url, "migrated": True}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

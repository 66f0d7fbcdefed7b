"""The `assistant` command: up, call, pbx, db, user, queue.

Errors the service anticipates (`AssistantError`) end the command with one line on stderr and
exit status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path

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
    pbx.add_argument(
        "action", choices=["up", "down", "status", "phones"], help="phones: accounts for softphones"
    )
    pbx.set_defaults(run=cmd_pbx)

    call = commands.add_parser("call", help="place a simulated call into a line and print what was heard")
    call.add_argument(
        "line",
        choices=["smart", "line", "speechtest"],
        help="the Smart Number, the assistant line, the speech test",
    )
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

    evaluate = commands.add_parser("eval", help="measure recognition and decisions on recorded cases")
    kinds = evaluate.add_subparsers(dest="eval_kind", required=True)
    asr = kinds.add_parser("asr", help="word error rate of the dictation role")
    asr.add_argument("--cases", type=Path, required=True, help='JSONL: {"audio": "x.wav", "text": "..."}')
    asr.add_argument("--engine", choices=["auto", "whisper", "pocketsphinx", "vosk"])
    asr.add_argument("--telephony", action="store_true", help="pass the audio through 8 kHz mu-law first")
    asr.add_argument(
        "--recordings",
        action="store_true",
        help="transcribe each case whole, as a voicemail is, instead of as a live turn",
    )
    asr.set_defaults(run=cmd_eval_asr)
    screening = kinds.add_parser("screening", help="precision and recall of the importance decision")
    screening.add_argument(
        "--cases", type=Path, required=True, help='JSONL: {"audio": "x.wav", "important": true}'
    )
    screening.add_argument(
        "--telephony", action="store_true", help="pass the audio through 8 kHz mu-law first"
    )
    screening.add_argument(
        "--written", action="store_true", help="decide on each case's written text, not its audio"
    )
    screening.set_defaults(run=cmd_eval_screening)
    namedial = kinds.add_parser("namedial", help="top-1 and top-3 accuracy of name dialing")
    namedial.add_argument(
        "--phonebook", type=Path, required=True, help="CSV with a header of name,number[,nickname,label]"
    )
    namedial.add_argument(
        "--cases", type=Path, required=True, help='JSONL: {"audio": "x.wav", "contact": "Maria Garcia"}'
    )
    namedial.add_argument(
        "--telephony", action="store_true", help="pass the audio through 8 kHz mu-law first"
    )
    namedial.add_argument(
        "--no-dictation",
        dest="dictation",
        action="store_false",
        help="the grammar engine alone, without the dictation engine's second opinion",
    )
    namedial.set_defaults(run=cmd_eval_namedial)

    models = commands.add_parser("models", help="speech models")
    model_actions = models.add_subparsers(dest="models_action", required=True)
    install = model_actions.add_parser("install", help="download and verify a model")
    install.add_argument("model", choices=["vosk-en"])
    install.add_argument("--dest", type=Path, help="where to unpack it (default: the cache folder)")
    install.set_defaults(run=cmd_models_install)

    add_user_commands(commands)
    add_queue_commands(commands)
    return parser


def cmd_eval_asr(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.speech.asr.evaluate import run_eval_asr

    run_eval_asr(settings, args.cases, args.engine, args.telephony, recordings=args.recordings)
    return 0


def cmd_eval_screening(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.eval.screening import run_eval_screening

    run_eval_screening(settings, args.cases, args.telephony, written=args.written)
    return 0


def cmd_eval_namedial(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.eval.namedial import run_eval_namedial

    run_eval_namedial(settings, args.phonebook, args.cases, args.telephony, dictation=args.dictation)
    return 0


def cmd_models_install(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.speech.asr.models_install import install_vosk_en

    dest = args.dest or settings.cache_dir / "models" / "vosk-model-small-en-us"
    path = install_vosk_en(dest)
    print(json.dumps({"installed": str(path), "use": f"ASSISTANT_VOSK_MODEL={path}"}))
    return 0


def add_user_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``assistant user create|list|set-password|set-pin|token``."""
    user = commands.add_parser("user", help="accounts of the portal and the API")
    actions = user.add_subparsers(dest="user_action", required=True)

    create = actions.add_parser("create", help="create a user (the owner of a Smart Number)")
    create.add_argument("--email", required=True)
    create.add_argument("--password", help="at least 10 characters; else read from ASSISTANT_USER_PASSWORD")
    create.add_argument("--name", help="the owner's name (default: ASSISTANT_OWNER_NAME)")
    create.add_argument("--smart-number", help="the owner's Smart Number (default: ASSISTANT_SMART_NUMBER)")
    create.add_argument(
        "--assistant-line", help="the owner's assistant line (default: ASSISTANT_ASSISTANT_LINE)"
    )
    create.add_argument(
        "--line", action="append", default=[], help="another line whose calls are this owner's"
    )
    create.add_argument(
        "--registered-phone",
        action="append",
        default=[],
        help="a phone recognized as the owner on the assistant line by caller ID (repeatable)",
    )
    create.add_argument("--time-zone", default=None, help="IANA time zone (default America/New_York)")
    create.add_argument("--country", default=None, help="default country of phone numbers (default US)")
    create.set_defaults(run=cmd_user_create)

    listing = actions.add_parser("list", help="list users")
    listing.set_defaults(run=cmd_user_list)

    password = actions.add_parser(
        "set-password", help="change a password (ends that user's sessions and tokens)"
    )
    password.add_argument("--email", required=True)
    password.add_argument("--password", help="else read from ASSISTANT_USER_PASSWORD")
    password.set_defaults(run=cmd_user_password)

    pin = actions.add_parser(
        "set-pin", help="set the PIN other phones must give on the assistant line (clears its lockouts)"
    )
    pin.add_argument("--email", required=True)
    who = pin.add_mutually_exclusive_group(required=True)
    who.add_argument("--pin", help="4 to 8 digits")
    who.add_argument("--remove", action="store_true", help="remove the PIN (only registered phones get in)")
    pin.set_defaults(run=cmd_user_pin)

    token = actions.add_parser("token", help="print a new API bearer token for a user (just the token)")
    token.add_argument("--email", required=True)
    token.add_argument("--label", default="cli", help="a name for the token")
    token.set_defaults(run=cmd_user_token)


def add_queue_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``assistant queue create|add-member|remove-member|list``."""
    queue = commands.add_parser("queue", help="queues: numbers whose calls ring their present members")
    actions = queue.add_subparsers(dest="queue_action", required=True)

    create = actions.add_parser("create", help="make a queue (in the lab: +15550300 to +15550399)")
    create.add_argument("--number", required=True)
    create.add_argument("--name", required=True, help="spoken to callers and shown in the portal")
    create.add_argument("--ring-seconds", type=int, default=30, help="how long members ring (5-120)")
    create.add_argument("--mailbox", help="e-mail of the account that takes the queue's messages")
    create.set_defaults(run=cmd_queue_create)

    add = actions.add_parser("add-member", help="assign an account to a queue (presence on)")
    add.add_argument("--number", required=True)
    add.add_argument("--email", required=True)
    add.set_defaults(run=cmd_queue_add_member)

    remove = actions.add_parser("remove-member", help="take an account out of a queue")
    remove.add_argument("--number", required=True)
    remove.add_argument("--email", required=True)
    remove.set_defaults(run=cmd_queue_remove_member)

    listing = actions.add_parser("list", help="list queues and their members' presence")
    listing.set_defaults(run=cmd_queue_list)


def _queue_command(settings: Settings, operation) -> int:
    from assistant.store.queues import Queues

    store, _users = _open_users(settings)
    try:
        print(json.dumps(operation(Queues(store))))
    finally:
        store.close()
    return 0


def _queue_doc(queue) -> dict:
    return {
        "id": queue.id,
        "number": queue.number,
        "name": queue.name,
        "ring_seconds": queue.ring_s,
        "mailbox_owner_id": queue.mailbox_owner_id,
        "members": [{"user_id": user_id, "present": present} for user_id, present in queue.members],
    }


def cmd_queue_create(settings: Settings, args: argparse.Namespace) -> int:
    return _queue_command(
        settings,
        lambda queues: _queue_doc(
            queues.create(args.number, args.name, ring_s=args.ring_seconds, mailbox_email=args.mailbox)
        ),
    )


def cmd_queue_add_member(settings: Settings, args: argparse.Namespace) -> int:
    def add(queues) -> dict:
        queues.add_member(args.number, args.email)
        return _queue_doc(queues.by_number(queues_number(args.number)))

    return _queue_command(settings, add)


def cmd_queue_remove_member(settings: Settings, args: argparse.Namespace) -> int:
    return _queue_command(settings, lambda queues: {"removed": queues.remove_member(args.number, args.email)})


def cmd_queue_list(settings: Settings, args: argparse.Namespace) -> int:
    return _queue_command(settings, lambda queues: [_queue_doc(queue) for queue in queues.all()])


def queues_number(number: str) -> str:
    from assistant.domain.phone import normalize_or_raw

    return normalize_or_raw(number)


def _open_users(settings: Settings):
    from assistant.store.db import open_store
    from assistant.store.users import Users

    store = open_store(settings.effective_database_url)
    store.migrate()
    return store, Users(store)


def _password(args: argparse.Namespace) -> str:
    import os

    password = args.password or os.environ.get("ASSISTANT_USER_PASSWORD")
    if not password:
        raise AssistantError("bad-password", "give --password or set ASSISTANT_USER_PASSWORD")
    return password


def cmd_user_create(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.domain import owner_settings as rules
    from assistant.store.calls import CallLog

    password = _password(args)
    try:
        country = rules.check_country(args.country or rules.DEFAULT_COUNTRY)
        time_zone = rules.check_time_zone(args.time_zone or rules.DEFAULT_TIME_ZONE)
        smart = rules.check_number(args.smart_number or settings.smart_number, country)
        line = rules.check_number(args.assistant_line or settings.assistant_line, country)
        extra = tuple(rules.check_numbers(args.line, country))
        registered = tuple(rules.check_numbers(args.registered_phone, country))
    except ValueError as exc:
        raise AssistantError("bad-argument", str(exc)) from None
    store, users = _open_users(settings)
    try:
        account = users.create(
            args.email,
            password,
            args.name or settings.owner_name,
            smart_number=smart,
            assistant_line=line,
            extra_lines=extra,
            registered_phones=registered,
            time_zone=time_zone,
            default_country=country,
        )
        claimed = CallLog(store).claim_unowned(account.id, [smart, line, *extra])
    finally:
        store.close()
    created = {
        "id": account.id,
        "email": account.email,
        "smart_number": smart,
        "assistant_line": line,
        "lines": list(extra),
        "earlier_calls_claimed": claimed,
    }
    if registered:
        created["registered_phones"] = list(registered)
    print(json.dumps(created))
    return 0


def cmd_user_list(settings: Settings, args: argparse.Namespace) -> int:
    store, users = _open_users(settings)
    try:
        for account in users.list():
            print(json.dumps({"id": account.id, "email": account.email, "name": account.name}))
    finally:
        store.close()
    return 0


def cmd_user_password(settings: Settings, args: argparse.Namespace) -> int:
    password = _password(args)
    store, users = _open_users(settings)
    try:
        users.set_password(args.email, password)
    finally:
        store.close()
    print(json.dumps({"email": args.email.strip().lower(), "password_changed": True}))
    return 0


def cmd_user_pin(settings: Settings, args: argparse.Namespace) -> int:
    store, users = _open_users(settings)
    try:
        users.set_pin(args.email, None if args.remove else args.pin)
    finally:
        store.close()
    print(json.dumps({"email": args.email.strip().lower(), "pin_set": not args.remove}))
    return 0


def cmd_user_token(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.store.users import normalize_email

    store, users = _open_users(settings)
    try:
        account = next((a for a in users.list() if a.email == normalize_email(args.email)), None)
        if account is None:
            raise AssistantError("not-found", f"no user with e-mail {normalize_email(args.email)}")
        token, _expires = users.issue_token(account.id, args.label)
    finally:
        store.close()
    print(token)
    return 0


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
    elif args.action == "phones":
        from assistant.pbx import softphones

        for account in softphones.accounts(settings):
            print(json.dumps({**asdict(account), "uri": account.uri}))
    else:
        print(json.dumps(lab.status(settings)))
    return 0


def cmd_call(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.simcall import Step, simulated_caller

    steps = [Step(say=text) for text in args.say]
    if args.dtmf:
        steps.append(Step(dtmf=args.dtmf, wait_for_turn=not steps))
    number = {
        "smart": settings.smart_number,
        "line": settings.assistant_line,
        "speechtest": settings.speech_test_line,
    }[args.line]

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

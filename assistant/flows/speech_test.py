"""The speech test line: asks a yes/no question, listens to a sentence, takes digits, and says back
what it understood. For an engineer checking a line, and for the end-to-end tests of `ask`."""

from __future__ import annotations

from assistant.call import Call, Digits, FreeSpeech
from assistant.grammars import load_choices


async def speech_test(call: Call) -> None:
    await call.answer()
    await call.say("speech_test.welcome")

    answer = await call.ask("speech_test.yes_or_no", load_choices("yes_no"))
    if answer.understood:
        await call.say("speech_test.you_chose", choice=answer.choice)
    else:
        await call.say("speech_test.not_understood")

    sentence = await call.ask("speech_test.say_something", FreeSpeech(), reprompts=0)
    if sentence.understood:
        await call.say("speech_test.you_said", text=sentence.text)
    else:
        await call.say("speech_test.heard_nothing")

    digits = await call.ask("speech_test.enter_digits", Digits(max_digits=4), reprompts=1)
    if digits.understood:
        await call.say("speech_test.your_digits", digits=" ".join(digits.digits))
    else:
        await call.say("speech_test.not_understood")

    await call.say("speech_test.goodbye")
    await call.hangup()

"""Regenerate the screening fixtures: what callers say when asked why they are calling, labelled.

Writes two sets next to this script, each ``cases.jsonl`` (``{"audio", "important", "text",
"speaker", "snr_db"}``) with its ``*.wav`` (mono 16 kHz int16):

* ``screening/dev/``: 64 reasons, spoken by the ``dev`` speaker panel; looked at while building.
* ``screening/heldout/``: 76 other reasons, spoken by the ``heldout`` panel; its figures are
  reported and never tuned on.

The sentences are written here by hand, apart from the importance classifier's training
templates (assistant/domain/urgency/train/dataset.py), and about half of each set is urgent for a
lawyer or consultant. They cover many kinds of caller (legal, medical, family, business,
deliveries, sales, reminders, robocalls) and the hard ones: urgency without any listed word,
urgency words in calm calls, negations, "not urgent, but ...". Each reason is said by one speaker
of the panel over a telephone line with noise (assistant/eval/speakers.py), chosen by a seeded
random generator, so the texts, speakers and lines are reproducible (Piper's output varies a
little from run to run).

Usage: python audio-fixtures/make_screening_fixtures.py (from the repository root, in the venv).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import soundfile

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from assistant.eval.speakers import RATE_HZ, random_line, speakers  # noqa: E402

SEEDS = {"dev": 1010, "heldout": 2020}

DEV = [
    # urgent
    ("I need help urgently, my landlord changed the locks and my kids are inside.", True),
    ("I was arrested this morning and they said I could make one call.", True),
    ("It's time sensitive, the offer expires at noon.", True),
    ("Please put me through right away, it's about the Henderson case.", True),
    ("The deposition starts in twenty minutes and the witness is missing.", True),
    ("The buyer will walk away unless we talk now.", True),
    ("My husband collapsed at work and they're taking him to the hospital.", True),
    ("The judge is asking where you are, the hearing started ten minutes ago.", True),
    ("Our bank account has been frozen and payroll goes out tonight.", True),
    ("Someone broke into the office last night and the files are gone.", True),
    ("I just got served with eviction papers, I have to be out by Friday.", True),
    ("They're about to tow my truck with all my tools in it, can he call me now?", True),
    ("My father had a heart attack, we need his power of attorney signed today.", True),
    ("The closing is in an hour and the title company found a problem.", True),
    ("Immigration agents detained my brother at the airport.", True),
    ("There's a reporter outside asking about the lawsuit and I don't know what to say.", True),
    ("I need to speak with him before the police interview at three.", True),
    ("The contract has to be signed before midnight or we lose the building.", True),
    ("My ex is taking the children out of the country tonight.", True),
    ("Water is pouring through the ceiling of the server room.", True),
    ("The investors pulled out an hour ago and the board meets at two.", True),
    ("Please, it can't wait, my son is being questioned by detectives.", True),
    ("I got a letter saying they'll garnish my wages starting tomorrow.", True),
    ("The jury came back with a question and the judge wants counsel there now.", True),
    ("I'm at the police station and they won't let me leave.", True),
    ("They cut off the power to the restaurant in the middle of dinner service.", True),
    ("Our biggest client says they're cancelling unless someone calls them this morning.", True),
    ("I know it's not urgent for most people, but my visa runs out tomorrow.", True),
    ("Sorry to bother you, the truck with the evidence boxes never arrived and trial starts at nine.", True),
    ("The hospital needs a decision about my mother's surgery within the hour.", True),
    ("I have to file my response by five today and the system keeps rejecting it.", True),
    ("Please have him call me back immediately, it's about the custody order.", True),
    # not urgent
    ("Hi, I wanted to ask whether you're open on Saturdays.", False),
    ("My court date is next month, no rush, I just have a question about parking.", False),
    ("This is a reminder that your dental cleaning is next Tuesday at ten.", False),
    ("Congratulations, you've been selected for a free vacation, press one to claim it.", False),
    ("I'm calling from Bright Solar about lowering your energy bill.", False),
    ("Just following up on the invoice I sent last week, whenever you get a chance.", False),
    ("It's nothing serious, I just wanted to update my email address.", False),
    ("We're doing a quick survey about local businesses, it only takes a minute.", False),
    ("Your package will be delivered on Thursday between nine and noon.", False),
    ("I'd like to set up a consultation sometime next month.", False),
    ("Hi, it's Jenny from the book club, just calling to say hello.", False),
    ("I'm selling an online course on how to prepare for a trial, interested?", False),
    ("Not urgent at all, can he send me the signed copy when he has time?", False),
    ("Calling about your car's extended warranty before it's too late.", False),
    ("I was wondering if you had any openings for a summer intern.", False),
    ("The hearing aid you ordered is ready for pickup at the store.", False),
    ("No emergency, just checking that you got the documents I mailed.", False),
    ("This is the library, the books you reserved have arrived.", False),
    ("I wanted to thank Alex for the advice on the lease last year.", False),
    ("We have a special offer on printer ink this week only.", False),
    ("Can you tell me how much you charge for writing a will?", False),
    ("It can wait until after the holidays, it's about next year's retainer.", False),
    ("Hello, this is the caterer confirming the menu for the office party in December.", False),
    ("I'm calling to see if you'd like to advertise in our church bulletin.", False),
    ("The trial period of your software subscription ends next month.", False),
    ("Just a heads up that the parking garage will be closed next weekend.", False),
    ("I'd like a copy of my file for my records, no hurry.", False),
    ("This is the alumni association asking about the reunion in the fall.", False),
    ("We're updating our records, could you confirm your mailing address?", False),
    ("Nothing important, I'll try again tomorrow.", False),
    ("I have some general questions about starting a small business.", False),
    ("Your prescription is ready to be picked up at the pharmacy.", False),
]

HELDOUT = [
    # urgent
    ("My daughter was in a car accident and the other driver is threatening to sue.", True),
    ("They're repossessing my car right now, the guy is in the driveway.", True),
    ("The merger falls apart unless the lawyers sign off before the market opens.", True),
    ("I just got a call that my business partner emptied our joint account.", True),
    ("The sheriff is at the door with a warrant.", True),
    ("Can you get him on the phone, the witness wants to change her statement before the trial.", True),
    ("My grandmother is in the emergency room and the doctors need consent.", True),
    ("The factory is on fire and the insurance adjuster is asking questions.", True),
    ("This really can't wait, my client is being deported on the next flight.", True),
    ("The court clerk says our appeal will be thrown out if we don't fix it by four.", True),
    ("Please pick up, my wife went into labor early and I need the car papers.", True),
    ("Our website has been hacked and customer data is leaking.", True),
    ("The landlord is throwing our stuff on the street as we speak.", True),
    ("Someone is using my identity and they just opened three loans in my name.", True),
    ("I'm stuck at the border and they're asking for my lawyer.", True),
    ("The other side just offered to settle but only if we answer within the hour.", True),
    ("My son hasn't come home and the police found his phone.", True),
    ("The arbitrator moved the session to this afternoon and nobody told us.", True),
    ("The shipment of vaccines is stuck at customs and will spoil by tonight.", True),
    ("We were just served with a restraining order, what do we do?", True),
    ("I need someone right now, my employer is threatening to fire me in an hour unless I sign.", True),
    ("There's been a gas leak at the apartment building and the tenants are outside.", True),
    ("The funds for the house purchase didn't arrive and the sellers leave at five.", True),
    ("My brother is in jail and the bail hearing is this afternoon.", True),
    ("The printer at the courthouse broke and the filing window closes in thirty minutes.", True),
    ("Hi, sorry, I'm panicking, the bank says they're foreclosing tomorrow.", True),
    (
        "It's about the Miller estate, the family is fighting at the funeral home"
        " and someone called the cops.",
        True,
    ),
    ("Please tell him it's life or death, he has to call me back.", True),
    ("A worker fell from the scaffolding on our site an hour ago.", True),
    ("The auditors found missing money and they're calling the authorities this afternoon.", True),
    ("I'm not sure if it counts as urgent, but they're taking my kids into foster care today.", True),
    ("We need an answer today or the supplier stops all deliveries.", True),
    ("The press release goes out in ten minutes and it has the wrong numbers.", True),
    ("My elderly dad signed over his house to a scammer this morning.", True),
    ("They locked me out of the company systems and the board vote is tonight.", True),
    ("Could you interrupt him? The judge just issued a ruling and we have to respond now.", True),
    ("The doctor says the test results can't wait until Monday.", True),
    ("My flight leaves in two hours and the embassy still has my passport.", True),
    # not urgent
    ("I'm just calling to book an appointment for some time next week.", False),
    ("Hey, it's Mark, no big deal, just wanted to catch up.", False),
    ("This is an automated message about your recent online order.", False),
    ("We'd love to show you our new line of office furniture.", False),
    ("I'm a student writing a paper on family law and had a few questions.", False),
    ("Your annual checkup is coming up, please call to schedule.", False),
    ("I have a question about the bill, but honestly it can wait.", False),
    ("This is a friendly reminder that your parking permit expires in January.", False),
    ("Hello, is this the place that does notary services? What are your hours?", False),
    ("I'm calling from the chamber of commerce about the networking lunch.", False),
    ("You have been pre-approved for a low interest business loan.", False),
    ("My court case was settled months ago, I just wanted to say thanks.", False),
    ("Not an emergency, but I'd like to talk about updating my will eventually.", False),
    ("We noticed you visited our website and wanted to offer a free demo.", False),
    ("I'm returning a missed call from this number, not sure what it was about.", False),
    ("Could someone send me directions to the office for my appointment on the twelfth?", False),
    ("This is the dry cleaner, your suits are ready.", False),
    ("I'm organizing the charity golf tournament and looking for sponsors.", False),
    ("Is Alex still looking for a new receptionist?", False),
    ("The delivery for the new chairs is scheduled for the end of the month.", False),
    ("I'd like to change my appointment from Monday to Wednesday, no pressure.", False),
    ("Hi, I found your card and wanted to know what kind of cases you take.", False),
    ("This is a courtesy call from your internet provider about a faster plan.", False),
    ("We're having a sale on police scanners and radio equipment.", False),
    ("I'm calling back about the brochure, there's no hurry at all.", False),
    ("Just letting you know the quarterly newsletter is out.", False),
    ("I'd like to leave a message for Alex to call me sometime this week.", False),
    ("This is your bank, your monthly statement is available online.", False),
    ("I was referred by a friend and I'm thinking about a divorce, maybe next year.", False),
    ("Can I get a quote for reviewing a rental agreement?", False),
    ("Final notice about your magazine subscription renewal.", False),
    ("We're updating the building directory, how should your office be listed?", False),
    ("It's Carol from accounting, the expense reports are due at the end of the quarter.", False),
    ("The emergency exit signs in the hallway will be inspected next Tuesday.", False),
    ("I'm calling on behalf of a recruiter about a position you might like.", False),
    ("Just wanted to say the deadline for the charity auction donations is next month.", False),
    ("Hello, I'm conducting research on customer satisfaction with legal services.", False),
    ("There's no rush, but I'd like a copy of the contract we signed in the spring.", False),
]

SETS = {"dev": DEV, "heldout": HELDOUT}


def write_set(name: str, sentences: list[tuple[str, bool]]) -> None:
    folder = ROOT / "screening" / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.wav"):
        old.unlink()
    rng = np.random.default_rng(SEEDS[name])
    panel = speakers(name)
    lines = []
    for index, (text, important) in enumerate(sentences, 1):
        speaker = panel[int(rng.integers(len(panel)))]
        line = random_line(rng)
        audio = line.carry(speaker.speak(text), rng)
        wav = f"reason{index:03d}.wav"
        soundfile.write(str(folder / wav), audio, RATE_HZ, subtype="PCM_16")
        lines.append(
            json.dumps(
                {
                    "audio": wav,
                    "important": important,
                    "text": text,
                    "speaker": speaker.name,
                    "snr_db": line.snr_db,
                }
            )
        )
    (folder / "cases.jsonl").write_text("\n".join(lines) + "\n")
    urgent = sum(important for _, important in sentences)
    print(f"wrote {len(lines)} screening cases ({urgent} urgent) to {folder}")


def main() -> None:
    overlap = {text for text, _ in DEV} & {text for text, _ in HELDOUT}
    if overlap:
        raise SystemExit(f"sentences in both sets: {sorted(overlap)}")
    for name in sys.argv[1:] or list(SETS):
        write_set(name, SETS[name])


if __name__ == "__main__":
    main()

"""Regenerate the name-dialing fixtures: a phonebook and the owner saying "call ..." to the assistant.

Writes, next to this script:

* ``namedial/phonebook.csv``: 320 people (``name,number,nickname,label``) with US, Hispanic,
  East and South Asian, European, African and Middle Eastern names, including near-homophones
  (John Smith / Jon Smyth / Joan Smith, Catherine Reed / Kathryn Reid, Steven Clark / Stephen
  Clarke ...), first names shared by several people, nicknames, and some people with both a
  mobile and an office number (one row per number). Numbers are +1555777NNNN with NNNN
  unique; the first three are fixed for tests: Maria Garcia +15557770101, John Smith
  +15557770102, Jon Smyth +15557770103.
* ``namedial/cases.jsonl`` and ``namedial/*.wav``: 200 requests, mostly "Call <full name>.",
  some "Call <name> on mobile/office.", nicknames and unique first names, each with the
  ``"contact"`` meant (the person's name in the phonebook) and the ``"text"`` spoken; said by
  Piper's voice with its speed and variation changed from case to case, as make_fixtures.py does.

The choice of cases is deterministic (fixed seed); Piper's output varies a little from run to
run, so regenerated audio differs slightly from the committed files, the texts do not.

Usage: python audio-fixtures/make_namedial_fixtures.py (from the repository root, in the venv).

Broader sets, the way people ask (``--set dev`` or ``--set heldout``, written to
``namedial/dev/`` and ``namedial/heldout/``; the phonebook is the one above): requests in many
phrasings, with fillers ("uh", "please", "thanks"), labels, nicknames, first names and phone
numbers said digit by digit, each said by a speaker of the panel of that name
(assistant/eval/speakers.py: Piper variants and espeak-ng voices) and carried by a random
noisy phone line (``random_line``). Cases with ``"contact"`` ask for a person, cases with
``"number"`` for a number. The two sets differ in everything but the phonebook:

* ``dev`` (seed 101, 120 cases): the dev speakers, phrasings that are carriers of
  grammars/assistant_commands.toml as listed ("Dial Maria Garcia.", "Connect me to ...",
  "Maria Garcia, please."). Listen to it and tune on it.
* ``heldout`` (seed 202, 200 cases): the held-out speakers, and phrasings built from templates
  that combine politeness, fillers and carriers in ways the command file never lists verbatim
  ("Could you please dial ...?", "Hi, I'd like to speak to ..., please."), some with carriers
  it does not list at all ("Give ... a call.", "Could you reach ...?"). The generator refuses a
  held-out template that is a phrase of the command file. Only evaluate on it; never tune on it.

    python audio-fixtures/make_namedial_fixtures.py --set heldout
    assistant eval namedial --phonebook audio-fixtures/namedial/phonebook.csv \
        --cases audio-fixtures/namedial/heldout/cases.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
from itertools import cycle
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from make_fixtures import RATE_HZ, VOICE_VARIANTS, write_wav  # noqa: E402

FOLDER = ROOT / "namedial"
CASES = 200
SEED = 20240607
PAUSE_S = 0.2
NOISE_FLOOR = 24.0

# One person per line: "Name | nickname | labels" (labels: "mobile office" gives two numbers).
# The first three lines keep fixed numbers (0101, 0102, 0103) that tests rely on.
PEOPLE = """
Maria Garcia | | mobile
John Smith | |
Jon Smyth | |
Joan Smith | |
John Schmidt | |
Catherine Reed | Cathy |
Kathryn Reid | |
Steven Clark | | mobile office
Stephen Clarke | |
Sara Johnson | |
Sarah Johnston | |
Ann Lee | |
Anne Li | |
Brian O'Neil | |
Bryan O'Neill | |
Eric Nielsen | |
Erik Nilsen | |
Phillip Green | |
Philip Greene | |
Alan Wright | |
Allen Wright | |
Jeffrey Thompson | Jeff |
Geoffrey Thomson | |
Mark Lewis | |
Marc Louis | |
Carl Meyer | |
Karl Maier | |
Michael Chen | | mobile office
Michelle Chen | |
Daniel Kim | Danny |
Danielle Kim | |
Lynn Nguyen | |
Linh Nguyen | |
Megan Harris | |
Meghan Harrison | |
Robert Miller | Bob | mobile office
William Turner | Bill |
Elizabeth Hall | Liz |
Richard Evans | Rick |
James O'Connor | Jim |
Margaret Wilson | Peggy |
Anthony Russo | Tony |
Helen Carter | Mom | mobile
Thomas Carter | Dad |
Christopher Young | |
Jennifer Adams | Jen |
Jennifer Baker | |
Jennifer Nelson | |
David Brown | |
David Park | |
David Cohen | Dave | mobile office
Michael Rossi | |
Michael Okafor | |
Maria Lopez | |
Maria Rossi | |
Maria Fernandez | |
Patricia Moore | Pat |
Linda Taylor | |
Barbara Anderson | |
Susan Thomas | Sue |
Jessica Jackson | |
Karen White | |
Nancy Martin | |
Lisa Robinson | |
Betty Walker | |
Dorothy King | |
Sandra Scott | |
Ashley Hill | |
Kimberly Allen | Kim |
Donna Mitchell | |
Emily Roberts | |
Michelle Phillips | |
Amanda Campbell | |
Melissa Parker | |
Deborah Edwards | Debbie |
Stephanie Collins | |
Rebecca Stewart | Becky |
Laura Morris | |
Sharon Rogers | |
Cynthia Cook | |
Kathleen Morgan | Kathy |
Amy Bell | |
Shirley Murphy | |
Angela Bailey | |
Brenda Cooper | |
Pamela Richardson | Pam |
Nicole Cox | |
Emma Howard | |
Samantha Ward | Sam |
Christine Peterson | |
Rachel Gray | |
Janet Ramirez | |
Joseph Watson | Joe | mobile office
Charles Brooks | Charlie |
Matthew Kelly | Matt |
Andrew Sanders | Andy |
Joshua Price | |
Kenneth Bennett | Ken |
Kevin Wood | |
George Barnes | |
Timothy Ross | Tim |
Ronald Henderson | Ron |
Edward Coleman | Ed |
Jason Jenkins | |
Ryan Perry | |
Jacob Powell | Jake |
Gary Long | |
Nicholas Patterson | Nick |
Eric Hughes | |
Jonathan Flores | |
Larry Washington | |
Justin Butler | |
Scott Simmons | |
Brandon Foster | |
Benjamin Gonzales | Ben |
Samuel Bryant | |
Gregory Alexander | Greg |
Frank Russell | |
Raymond Griffin | Ray |
Patrick Diaz | |
Jack Hayes | |
Dennis Myers | |
Jerry Ford | |
Tyler Graham | |
Aaron Sullivan | |
Jose Hernandez | Pepe | mobile office
Juan Martinez | |
Carlos Rodriguez | | mobile office
Luis Gonzalez | |
Jorge Perez | |
Miguel Sanchez | |
Alejandro Ramirez | Alex |
Francisco Torres | Paco |
Ricardo Flores | |
Fernando Rivera | |
Javier Gomez | |
Diego Morales | |
Sofia Reyes | |
Isabella Cruz | |
Valentina Ortiz | |
Camila Gutierrez | |
Lucia Chavez | |
Ximena Ramos | |
Guadalupe Herrera | Lupe |
Rosa Medina | |
Carmen Vargas | |
Alejandra Castillo | |
Pedro Jimenez | |
Raul Moreno | |
Andres Romero | |
Eduardo Alvarez | |
Gabriela Mendoza | Gaby |
Ana Ruiz | |
Paula Aguilar | |
Marisol Delgado | |
Rafael Castro | |
Hector Vega | |
Wei Zhang | |
Li Wang | |
Lee Wong | |
Jing Liu | |
Xiaoming Chen | |
Yan Li | |
Hui Yang | |
Jun Huang | |
Mei Zhao | |
Lei Wu | |
Ming Zhou | |
Xiu Ying Xu | |
Qiang Sun | |
Fang Ma | |
Hao Zhu | |
Ling Hu | |
Tao Guo | |
Yu Lin | |
Min-jun Kim | |
Seo-yeon Park | |
Ji-hoon Lee | |
Soo-jin Choi | |
Hyun-woo Jung | |
Eun-ji Kang | |
Jae-won Cho | |
Hye-jin Yoon | |
Sung-min Jang | |
Yuna Lim | |
Hiroshi Tanaka | |
Yuki Suzuki | |
Takeshi Watanabe | |
Haruka Ito | |
Kenji Yamamoto | |
Akiko Nakamura | |
Satoshi Kobayashi | |
Yoko Sato | |
Daisuke Kato | |
Emi Yoshida | |
Thanh Tran | |
Minh Le | |
Huong Pham | |
Duc Hoang | |
Lan Vu | |
Quang Dang | |
Mai Bui | |
Tuan Do | |
Raj Patel | Doc | mobile office
Priya Sharma | |
Amit Singh | |
Sunita Kumar | |
Vikram Gupta | |
Anjali Mehta | |
Arjun Reddy | |
Deepa Iyer | |
Rahul Joshi | |
Kavita Nair | |
Sanjay Rao | |
Neha Kapoor | |
Ravi Chopra | |
Pooja Desai | |
Arun Pillai | |
Lakshmi Krishnan | |
Giuseppe Bianchi | |
Giovanni Romano | |
Francesca Colombo | |
Alessandro Ricci | |
Chiara Marino | |
Luca Greco | |
Marco Bruno | |
Giulia Gallo | |
Matteo Conti | |
Sofia De Luca | |
Lorenzo Esposito | |
Valentina Mancini | |
Hans Mueller | |
Klaus Schneider | |
Ursula Fischer | |
Juergen Weber | |
Petra Wagner | |
Stefan Becker | |
Monika Schulz | |
Wolfgang Hoffmann | |
Sabine Koch | |
Dieter Richter | |
Pierre Dubois | |
Marie Lefebvre | |
Jean Moreau | |
Camille Laurent | |
Nicolas Girard | |
Isabelle Roux | |
Antoine Fournier | |
Chloe Bonnet | |
Francois Mercier | |
Amelie Lambert | |
Piotr Kowalski | |
Katarzyna Nowak | Kasia |
Tomasz Wisniewski | |
Agnieszka Wojcik | |
Dmitri Ivanov | |
Olga Petrova | |
Sergei Smirnov | |
Natalia Volkova | Natasha |
Alexander Petrov | Sasha | mobile office
Irina Sokolova | |
Ivan Popov | |
Svetlana Kuznetsova | Sveta |
Sean Murphy | |
Siobhan Kelly | |
Patrick O'Brien | Paddy |
Aoife Byrne | |
Ciaran Walsh | |
Niamh Ryan | |
Declan Doyle | |
Fiona McCarthy | |
Chinedu Okonkwo | |
Ngozi Adeyemi | |
Oluwaseun Balogun | Seun |
Kwame Mensah | |
Ama Owusu | |
Tendai Moyo | |
Amara Diallo | |
Kofi Boateng | |
Fatima Bello | |
Yusuf Abdullahi | |
Ahmed Hassan | | mobile office
Fatima Al-Sayed | |
Omar Khalil | |
Layla Haddad | |
Mohammed Farouk | |
Yasmin Nasser | |
Karim Mansour | |
Rania Aziz | |
Lars Johansson | |
Ingrid Andersson | |
Sven Lindqvist | |
Astrid Karlsson | |
Mikael Eriksson | |
Freya Larsen | |
Anders Hansen | |
Sigrid Olsen | |
Nikos Papadopoulos | |
Eleni Georgiou | |
Dimitris Alexiou | |
Maria Konstantinou | |
Jose Santos | |
Ana Reyes | |
Mark Dela Cruz | |
Rowena Bautista | |
Joao Silva | |
Beatriz Oliveira | |
Tiago Costa | |
Mariana Pereira | |
Pieter de Vries | |
Sanne Jansen | |
Joost van Dijk | |
Femke Bakker | |
Noah Goldberg | |
Rivka Shapiro | |
Avi Friedman | |
Tamar Levy | |
Mehmet Yilmaz | |
Ayse Demir | |
Emre Kaya | |
Zeynep Celik | |
Grace Mitchell | |
Olivia Bennett | Liv |
Sophia Turner | |
Ava Martinez | |
Mia Thompson | |
Charlotte Davis | Charlie |
Harper Wilson | |
Evelyn Moore | |
Abigail Clark | Abby |
Ella Lewis | |
Madison Walker | Maddie |
Scarlett Young | |
Victoria Allen | Vicky |
Zoe King | |
Hannah Wright | |
Lily Scott | |
Nora Green | |
Riley Adams | |
Lucas Baker | |
Mason Nelson | |
Ethan Hill | |
Logan Campbell | |
Elijah Mitchell | Eli |
Oliver Roberts | Ollie |
Liam Carter | |
Henry Phillips | Hank |
Sebastian Evans | Seb |
Owen Turner | |
Caleb Parker | |
Isaac Collins | |
Dylan Edwards | |
Nathan Stewart | Nate |
Zachary Morris | Zach |
Hunter Rogers | |
Connor Reed | |
Wyatt Cook | |
Leah Morgan | |
Audrey Bell | |
Claire Murphy | |
Naomi Bailey | |
Quentin Tarrant | |
Bartholomew Higgins | Bart |
Winifred Oakes | Winnie |
Desmond Achterberg | Des |
"""

NAME_CASE_SHARE = 0.55  # "Call <full name>."
LABEL_CASE_SHARE = 0.15  # "Call <full name> on mobile." (people with both numbers: their label)
NICKNAME_CASE_SHARE = 0.15  # "Call <nickname>." or "Call <nickname> <last name>."
FAMILY_NICKNAMES = {"Mom", "Dad", "Doc"}  # never said with the last name
# The rest: "Call <first name>." for people whose first name is unique in the book.


def parse_people() -> list[tuple[str, str, list[str]]]:
    people = []
    for line in PEOPLE.strip().splitlines():
        name, nickname, labels = (part.strip() for part in line.split("|"))
        people.append((name, nickname, labels.split()))
    return people


def phonebook_rows(people: list[tuple[str, str, list[str]]]) -> list[dict[str, str]]:
    rows = []
    serial = 101
    for name, nickname, labels in people:
        for label in labels or [""]:
            rows.append(
                {"name": name, "number": f"+1555777{serial:04d}", "nickname": nickname, "label": label}
            )
            serial += 1
    return rows


def unique_first_names(people: list[tuple[str, str, list[str]]]) -> dict[str, str]:
    """First name -> the one person who has it (first names shared by several people left out)."""
    by_first: dict[str, list[str]] = {}
    for name, _, _ in people:
        by_first.setdefault(name.split()[0].lower(), []).append(name)
    return {first: names[0] for first, names in by_first.items() if len(names) == 1}


def choose_cases(
    people: list[tuple[str, str, list[str]]],
    rng: random.Random,
    count: int = CASES,
    confusable_first: bool = True,
) -> list[tuple[str, str]]:
    """(spoken text, contact name) for `count` requests; the confusable people all appear first if asked."""
    confusable = people[:35]
    with_nickname = [person for person in people if person[1]]
    with_labels = [person for person in people if len(person[2]) > 1]
    unique = unique_first_names(people)
    by_name = {person[0]: person for person in people}
    first_name_people = [by_name[name] for name in unique.values()]
    cases: list[tuple[str, str]] = []
    for person in confusable if confusable_first else []:
        cases.append((f"Call {person[0]}.", person[0]))
    while len(cases) < count:
        draw = rng.random()
        if draw < NAME_CASE_SHARE:
            name = rng.choice(people)[0]
            cases.append((f"Call {name}.", name))
        elif draw < NAME_CASE_SHARE + LABEL_CASE_SHARE:
            name, _, labels = rng.choice(with_labels)
            cases.append((f"Call {name} on {rng.choice(labels)}.", name))
        elif draw < NAME_CASE_SHARE + LABEL_CASE_SHARE + NICKNAME_CASE_SHARE:
            name, nickname, _ = rng.choice(with_nickname)
            alone = nickname in FAMILY_NICKNAMES or rng.random() < 0.6
            spoken = nickname if alone else f"{nickname} {name.split()[-1]}"
            cases.append((f"Call {spoken}.", name))
        else:
            name = rng.choice(first_name_people)[0]
            cases.append((f"Call {name.split()[0]}.", name))
    return cases


# Phrasings of the broader sets: {n} is the name as said, {label} a label phrase, {digits} a number.
DEV_TEMPLATES = (
    "Call {n}.",
    "Dial {n}.",
    "Get me {n}.",
    "Please call {n}.",
    "Can you call {n}?",
    "I'd like to call {n}.",
    "Connect me to {n}.",
    "Put me through to {n}.",
    "Ring {n}.",
    "Phone {n}.",
    "{n}, please.",
    "{n}.",
    "Uh, call {n}.",
    "Call {n}, thanks.",
)
DEV_LABEL_TEMPLATES = ("Call {n} {label}.", "Dial {n} {label}.", "{n} {label}, please.")
DEV_NUMBER_TEMPLATES = ("Dial {digits}.", "Call {digits}.")
HELDOUT_TEMPLATES = (
    "Could you please dial {n}?",
    "Um, get me {n}, thank you.",
    "Hi, I'd like to speak to {n}, please.",
    "Can you ring {n} for me?",
    "Okay, put me through to {n} now.",
    "Yeah, {n}, thanks.",
    "Hey, connect me with {n}, please.",
    "Would you phone {n}?",
    "Hello, I need to talk to {n}.",
    "Uh, {n} please.",
    "So, call {n} for me, please.",
    "Can I talk to {n}?",
    # carriers the command file does not list
    "Give {n} a call.",
    "Could you reach {n}?",
    "Get {n} on the line, please.",
    "Let's call {n}.",
    "I have to speak to {n}.",
    "Can you get hold of {n}?",
)
HELDOUT_LABEL_TEMPLATES = (
    "Could you call {n} {label}, please?",
    "Uh, ring {n} {label}.",
    "I'd like to reach {n} {label}.",
)
HELDOUT_NUMBER_TEMPLATES = (
    "Could you dial {digits} please?",
    "Um, call {digits}.",
    "Please ring {digits} now.",
)
LABEL_WORDS = {
    "dev": {"mobile": ("on mobile", "on her cell", "on the mobile"), "office": ("at the office", "at work")},
    "heldout": {"mobile": ("on his cell phone", "on the cell"), "office": ("at his office", "at the office")},
}
SETS = {
    "dev": ("dev", 101, 120, DEV_TEMPLATES, DEV_LABEL_TEMPLATES, DEV_NUMBER_TEMPLATES),
    "heldout": ("heldout", 202, 200, HELDOUT_TEMPLATES, HELDOUT_LABEL_TEMPLATES, HELDOUT_NUMBER_TEMPLATES),
}
NUMBER_SHARE = 0.1
DIGIT_NAMES = "zero one two three four five six seven eight nine".split()


def verbatim_phrases() -> set[str]:
    """The phrases of grammars/assistant_commands.toml with the slots written as {n} etc."""
    from assistant.speech.name_dialing import load_commands

    commands = load_commands()
    return {
        phrase.replace("{name}", "{n}").replace("{number}", "{digits}")
        for phrases in commands.phrases.values()
        for phrase in phrases
    }


def bare_template(template: str) -> str:
    return " ".join(re.sub(r"[^a-z'{} ]", " ", template.lower()).split())


def check_heldout_templates() -> None:
    """A held-out template must not be a phrase of the command file (the label aside)."""
    listed = verbatim_phrases()
    for template in (*HELDOUT_TEMPLATES, *HELDOUT_NUMBER_TEMPLATES, *HELDOUT_LABEL_TEMPLATES):
        bare = bare_template(template)
        variants = {bare} | {bare.replace("{label}", f"{lead} {{label}}") for lead in ("on", "at")}
        if variants & listed:
            raise SystemExit(f"held-out template {template!r} is listed in the command file")


def spoken_digits(rng: random.Random) -> tuple[str, str]:
    """A US number said digit by digit (sometimes "plus one" first): (words, digits)."""
    digits = rng.choice(["202", "312", "415", "617", "718"]) + "555" + f"{rng.randrange(10000):04d}"
    words = " ".join(DIGIT_NAMES[int(d)] for d in digits)
    if rng.random() < 0.2:
        return "plus one " + words, "+1" + digits
    return words, digits


def broad_cases(
    people: list[tuple[str, str, list[str]]], which: str, rng: random.Random, count: int
) -> list[dict[str, str]]:
    """The requests of a broader set: text, and the contact or number meant."""
    panel, _, _, templates, label_templates, number_templates = SETS[which]
    with_nickname = [person for person in people if person[1]]
    with_labels = [person for person in people if len(person[2]) > 1]
    unique = unique_first_names(people)
    by_name = {person[0]: person for person in people}
    first_name_people = [by_name[name] for name in unique.values()]
    cases = []
    while len(cases) < count:
        draw = rng.random()
        if draw < NUMBER_SHARE:
            words, digits = spoken_digits(rng)
            cases.append({"text": rng.choice(number_templates).format(digits=words), "number": digits})
            continue
        draw = rng.random()
        if draw < 0.15:
            name, _, labels = rng.choice(with_labels)
            label = rng.choice(LABEL_WORDS[panel][rng.choice(labels)])
            text = rng.choice(label_templates).format(n=name, label=label)
            cases.append({"text": text, "contact": name})
            continue
        if draw < 0.7:
            name = rng.choice(people)[0]
            spoken = name
        elif draw < 0.85:
            name, nickname, _ = rng.choice(with_nickname)
            alone = nickname in FAMILY_NICKNAMES or rng.random() < 0.6
            spoken = nickname if alone else f"{nickname} {name.split()[-1]}"
        else:
            name = rng.choice(first_name_people)[0]
            spoken = name.split()[0]
        text = rng.choice(templates).format(n=spoken)
        cases.append({"text": text[0].upper() + text[1:], "contact": name})
    return cases


def write_broad_set(people: list[tuple[str, str, list[str]]], which: str, count: int | None) -> None:
    from assistant.eval.speakers import random_line, speakers

    if which == "heldout":
        check_heldout_templates()
    panel, seed, default_count, *_ = SETS[which]
    folder = FOLDER / which
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    voices = speakers(panel)
    lines = []
    for index, case in enumerate(broad_cases(people, which, rng, count or default_count), 1):
        speaker = rng.choice(voices)
        line = random_line(noise)
        audio = line.carry(speaker.speak(case["text"]), noise)
        name = f"{index:04d}.wav"
        write_wav(folder / name, audio)
        entry = {
            "audio": name,
            **case,
            "speaker": speaker.name,
            "snr_db": line.snr_db,
            "gain_db": round(line.gain_db, 1),
        }
        lines.append(json.dumps(entry, ensure_ascii=False))
    (folder / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    total = sum(path.stat().st_size for path in folder.iterdir())
    print(f"wrote {len(lines)} {which} cases to {folder} ({total / 1e6:.1f} MB)")


def on_a_line(speech: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Speech with a short pause on each side and a faint noise floor, as int16."""
    pause = np.zeros(int(PAUSE_S * RATE_HZ), dtype=np.float32)
    audio = np.concatenate([pause, speech.astype(np.float32), pause])
    audio += rng.normal(0.0, NOISE_FLOOR, audio.shape).astype(np.float32)
    return np.clip(np.round(audio), -32768, 32767).astype(np.int16)


def main() -> None:
    from assistant.eval.speakers import trim_silence
    from assistant.speech.tts import Synthesizer

    parser = argparse.ArgumentParser(description="write the name-dialing fixtures")
    parser.add_argument("--seed", type=int, default=SEED, help="another seed gives a held-out set")
    parser.add_argument("--cases", type=int, default=CASES, help="how many requests")
    parser.add_argument("--out", type=Path, default=FOLDER, help="the folder to (re)write")
    parser.add_argument("--set", choices=sorted(SETS), help="write a broader set (see above) instead")
    args = parser.parse_args()
    folder: Path = args.out
    people = parse_people()
    if args.set:
        write_broad_set(people, args.set, args.cases if args.cases != CASES else None)
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with (folder / "phonebook.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["name", "number", "nickname", "label"])
        writer.writeheader()
        writer.writerows(phonebook_rows(people))

    cases = choose_cases(people, random.Random(args.seed), args.cases, confusable_first=args.seed == SEED)
    noise = np.random.default_rng(5 if args.seed == SEED else args.seed)
    synthesizers = cycle([Synthesizer(variant) for variant in VOICE_VARIANTS])
    lines = []
    for index, ((text, contact), synthesizer) in enumerate(zip(cases, synthesizers, strict=False), 1):
        name = f"call{index:03d}.wav"
        write_wav(folder / name, on_a_line(trim_silence(synthesizer.synthesize(text)), noise))
        lines.append(json.dumps({"audio": name, "contact": contact, "text": text}, ensure_ascii=False))
    (folder / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    total = sum(path.stat().st_size for path in folder.iterdir())
    print(f"wrote {len(people)} people, {len(lines)} cases to {folder} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

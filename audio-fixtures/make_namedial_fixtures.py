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

A held-out set, to check that a change tuned on these cases holds on others: ``--seed N --out
DIR [--cases K]`` writes the same phonebook and K cases drawn with another seed into DIR (all
drawn at random: the confusable people are not said in a row first), for example::

    python audio-fixtures/make_namedial_fixtures.py --seed 7 --cases 120 --out /tmp/namedial-heldout
    assistant eval namedial --phonebook /tmp/namedial-heldout/phonebook.csv \
        --cases /tmp/namedial-heldout/cases.jsonl --telephony
"""

from __future__ import annotations

import argparse
import csv
import json
import random
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


def on_a_line(speech: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Speech with a short pause on each side and a faint noise floor, as int16."""
    pause = np.zeros(int(PAUSE_S * RATE_HZ), dtype=np.float32)
    audio = np.concatenate([pause, speech.astype(np.float32), pause])
    audio += rng.normal(0.0, NOISE_FLOOR, audio.shape).astype(np.float32)
    return np.clip(np.round(audio), -32768, 32767).astype(np.int16)


def trim_silence(speech: np.ndarray, threshold: int = 200) -> np.ndarray:
    """Piper's own leading and trailing silence cut (the pauses are added back by on_a_line)."""
    loud = np.flatnonzero(np.abs(speech.astype(np.int32)) > threshold)
    if loud.size == 0:
        return speech
    margin = int(0.05 * RATE_HZ)
    return speech[max(loud[0] - margin, 0) : loud[-1] + margin]


def main() -> None:
    from assistant.speech.tts import Synthesizer

    parser = argparse.ArgumentParser(description="write the name-dialing fixtures")
    parser.add_argument("--seed", type=int, default=SEED, help="another seed gives a held-out set")
    parser.add_argument("--cases", type=int, default=CASES, help="how many requests")
    parser.add_argument("--out", type=Path, default=FOLDER, help="the folder to (re)write")
    args = parser.parse_args()
    folder: Path = args.out
    people = parse_people()
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

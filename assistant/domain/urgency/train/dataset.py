"""A generated training set: reasons for calling, urgent or not, from templates, slots and paraphrases.

Callers of a lawyer's or consultant's office across many kinds of call: legal trouble, medical and
family emergencies, business deals falling through, break-ins and floods, deliveries, sales
pitches, reminders, robocalls, surveys, social calls. Urgent reasons are mostly said without any
urgency word (a deadline that is near, harm happening now); routine ones include urgency words in
calm contexts ("the hearing is next month, no rush"), negations ("not urgent"), and robocalls that
only sound pressing. "Not urgent, but <urgent situation>" is urgent.

The evaluation sets (audio-fixtures/make_screening_fixtures.py) are written separately; the
training script checks that none of their sentences comes out of here.
"""

from __future__ import annotations

import random
import re

SLOTS: dict[str, list[str]] = {
    "soon": [
        "in ten minutes", "in twenty minutes", "in half an hour", "in an hour", "in two hours",
        "this afternoon", "tonight", "this evening", "by noon", "by five", "by five o'clock",
        "at three today", "before the end of the day", "today", "right now", "any minute now",
        "first thing tomorrow morning", "at nine tomorrow", "in a few minutes", "before lunch",
        "within the hour", "by midnight", "at four", "this morning",
    ],
    "later": [
        "next week", "next month", "in a few weeks", "in the spring", "in the fall",
        "after the holidays", "sometime next year", "in March", "in October", "at the end of the quarter",
        "whenever it suits you", "in a couple of months", "later this year", "on the twentieth of next month",
    ],
    "relative": [
        "my son", "my daughter", "my husband", "my wife", "my mother", "my father", "my brother",
        "my sister", "my grandfather", "my grandmother", "my partner", "my uncle", "my niece",
        "my business partner", "one of our employees", "my client", "my neighbor", "my boyfriend",
    ],
    "event": [
        "the hearing", "the deposition", "the closing", "the trial", "the mediation", "the board meeting",
        "the signing", "the auction", "the arraignment", "the interview", "the settlement conference",
        "the inspection", "the vote", "the custody hearing", "the sentencing", "the negotiation",
        "the contract signing", "the arbitration", "the meeting with the investors",
    ],
    "problem": [
        "the witness is missing", "we don't have the documents", "nobody can find the file",
        "the contract isn't signed", "the other lawyer didn't show up", "the money hasn't arrived",
        "the key papers are wrong", "our expert just quit", "the translator cancelled",
        "the judge changed the time", "the numbers don't add up", "the client is refusing to go",
        "the deed has the wrong name on it", "the lender backed out", "we lost the exhibits",
    ],
    "authority": [
        "the police", "two detectives", "the FBI", "federal agents", "the sheriff", "immigration officers",
        "the tax inspectors", "state investigators", "the fire marshal", "a process server", "the bailiff",
    ],
    "place": [
        "the office", "the warehouse", "the store", "the shop", "our house", "the apartment",
        "the restaurant", "the factory", "the site", "the clinic", "the school", "the garage",
    ],
    "harm": [
        "is on fire", "is flooding", "has been broken into", "has no power", "is being searched",
        "has a gas leak", "has been vandalized", "is being raided", "was robbed",
        "is being locked up by the bank",
    ],
    "medical": [
        "had a stroke", "had a heart attack", "collapsed", "was rushed to the hospital",
        "is in intensive care",
        "was in a bad accident", "stopped breathing for a moment", "is in surgery", "fell down the stairs",
        "took too many pills", "was hit by a car", "is having a seizure", "went into labor",
    ],
    "legal_trouble": [
        "was arrested", "is being held at the police station", "got detained at the border",
        "was taken in for questioning", "is in jail", "was served with a warrant", "is being deported",
        "got picked up by immigration", "was charged with assault", "is being interrogated",
    ],
    "deal": [
        "the buyer", "the investors", "the bank", "the seller", "our biggest customer", "the landlord",
        "the supplier", "the other side", "the insurance company", "the distributor", "the lender",
    ],
    "walk": [
        "will walk away", "will pull out", "will cancel the deal", "will sign with someone else",
        "will withdraw the offer", "will go to court", "will call the loan", "will terminate the contract",
        "will take the money back", "will back out",
    ],
    "product": [
        "solar panels", "office supplies", "a new phone plan", "life insurance", "printer toner",
        "web design services", "a cruise package", "cleaning services", "marketing software",
        "a payroll app", "coffee machines", "home security systems", "water filters", "advertising",
    ],
    "routine_topic": [
        "the invoice from last month", "your office hours", "the newsletter", "my mailing address",
        "the parking situation", "a copy of my file", "your fees", "the holiday party", "a reference letter",
        "the brochure", "next year's retainer", "the receipt I asked for", "the lease renewal next year",
        "a general question about wills", "the seminar you gave", "the new website", "a book recommendation",
    ],
    "appointment": [
        "your dental cleaning", "your eye exam", "your annual physical", "your haircut", "your car service",
        "the consultation", "the follow up visit", "your massage", "the piano lesson", "the vet visit",
    ],
    "name": ["Chris", "Pat", "Jordan", "Sam", "Taylor", "Robin", "Lee", "Morgan", "Jamie", "Dana", "Kim"],
    "owner": ["Alex", "him", "her", "the lawyer", "your boss", "someone"],
    "amount": ["two thousand dollars", "the deposit", "the whole payment", "fifty thousand", "my savings"],
    "service": [
        "writing a will", "a name change", "reviewing a lease", "a small claims case", "a business license",
        "registering a trademark", "notarizing a document", "an uncontested divorce", "estate planning",
        "setting up a company", "a prenuptial agreement", "a landlord dispute", "an immigration consultation",
    ],
    "question": [
        "what your rates are", "if you do free consultations", "where your office is",
        "how long a will takes",
        "whether you take credit cards", "if you work on weekends", "what documents I should bring",
        "if you have a newsletter", "how to get a copy of my records", "if you speak Spanish",
    ],
    "pressure": [
        "they gave me until {soon}", "I only have until {soon} to respond", "we're running out of time",
        "there's no time left", "every minute counts", "it has to happen {soon}",
        "they need an answer {soon}",
    ],
    "org": [
        "the parents association", "the alumni office", "the homeowners association", "your bank",
        "the gym", "the dental office", "the local theater", "the garden club", "the tennis club",
        "the museum", "a market research firm", "the neighborhood watch",
    ],
    "calamity": [
        "a pipe burst", "the roof caved in", "the basement is flooding", "there's smoke everywhere",
        "a tree fell on the house", "the boiler exploded", "the building is being evacuated",
    ],
}

URGENT = [
    "{relative} {legal_trouble}",
    "{relative} {legal_trouble} and I need a lawyer",
    "{relative} just {legal_trouble}",
    "{relative} {medical}",
    "{relative} {medical} and we need the papers signed",
    "{relative} {medical}, I don't know what to do",
    "{event} starts {soon} and {problem}",
    "{event} is {soon} and {problem}",
    "{event} got moved to {soon}",
    "{event} was moved up to {soon} and nobody told us",
    "{deal} {walk} unless we talk {soon}",
    "{deal} {walk} if we don't answer {soon}",
    "{deal} says they {walk} {soon}",
    "if we don't sign {soon} {deal} {walk}",
    "{place} {harm}",
    "{place} {harm} right now",
    "{authority} are at {place} with a warrant",
    "{authority} are here asking questions",
    "{authority} want to talk to me {soon}",
    "{authority} just took {relative} away",
    "I'm at the police station and they won't let me go",
    "I got served papers and the deadline is {soon}",
    "we have to file {soon} or we lose the case",
    "the filing deadline is {soon} and the court system is down",
    "they're evicting us {soon}",
    "the bank is foreclosing on the house {soon}",
    "they're taking my car right now",
    "they're going to shut off the water {soon}",
    "my account was emptied and {amount} is gone",
    "someone stole {amount} from the company account",
    "someone is using my identity to take out loans",
    "{relative} is missing and the police found the car",
    "{relative} didn't come home last night",
    "I need to speak to {owner} {soon}, it can't wait",
    "please put me through to {owner}, this can't wait",
    "I need to talk to {owner} right away",
    "please get {owner} on the line immediately",
    "can you interrupt {owner}, it's important",
    "it's an emergency, please put me through",
    "this is urgent, I have to reach {owner} {soon}",
    "it's time sensitive, I need an answer {soon}",
    "it's really pressing, we have to decide {soon}",
    "it's a matter of life and death",
    "I'm panicking, please help me",
    "the judge wants counsel in the courtroom {soon}",
    "the jury has a question and the judge is waiting",
    "the court will dismiss our case unless we respond {soon}",
    "the other side filed an emergency motion this morning",
    "we just got a restraining order served on us",
    "they're taking the kids away {soon}",
    "my ex is leaving the country with the children {soon}",
    "my visa expires {soon} and they're detaining me",
    "I'm stuck at the airport and they won't let me in",
    "a worker got badly hurt at {place}",
    "there's been an accident at {place} and someone is hurt",
    "our servers are down and nobody can pay",
    "we've been hacked and customer data is out",
    "the press release goes out {soon} with a mistake in it",
    "a reporter is asking about the case and the story runs {soon}",
    "the wire didn't go through and the closing is {soon}",
    "the offer expires {soon}",
    "the settlement offer is only good until {soon}",
    "the contract has to be signed {soon} or we lose everything",
    "payroll is due {soon} and the account is frozen",
    "the shipment is stuck at customs and it spoils {soon}",
    "the landlord changed the locks and our things are inside",
    "they're throwing our furniture out on the street",
    "I'm being fired {soon} unless I sign something",
    "the board is voting {soon} to remove me",
    "the auditors found money missing and they're calling the authorities",
    "the doctors need consent for the operation {soon}",
    "the hospital needs a decision {soon}",
    "I just received a subpoena and I have to appear {soon}",
    "I was in a car accident and the other driver is threatening me",
    "please hurry, I need advice before I talk to {authority}",
    "I have to be in court {soon} and my lawyer isn't answering",
    "the deposition is {soon} and I still haven't seen the questions",
    "the buyer is threatening to sue {soon} if we don't fix it",
    "they're garnishing my wages starting tomorrow",
    "the bail hearing is {soon}",
    "we need a signature {soon} or the deal is dead",
    "{pressure}, it's about {event}",
    "it's about {event}, {pressure}",
    "{deal} sent a final demand and {pressure}",
    "someone is threatening me outside {place}",
    "my ex showed up at the house and won't leave",
    "I'm scared for my safety, he's outside",
    "my card was stolen and someone is spending {amount}",
    "the money went to a scammer {soon} and the bank can still stop it",
    "the bank closes the account {soon} unless we sign",
    "is there any way to reach {owner} right now",
    "can you find {owner} for me, quickly",
    "who can I talk to right this minute",
    "I need {owner} on the phone, it's falling apart",
    "a client is threatening to go to the press {soon}",
    "the bid closes {soon} and the numbers are wrong",
    "the regulator is shutting us down {soon}",
    "our product is being recalled and customers are getting hurt",
    "the police want me to come in for questioning {soon}",
    "I got a summons to appear {soon}",
    "they're suing us and the answer is due {soon}",
    "the judge issued a warrant and they're looking for {relative}",
    "my case was just called and nobody from the firm is here",
    "the paramedics are here with {relative}",
    "the ambulance is on its way for {relative}",
    "{calamity} at {place}",
    "{calamity} and the tenants are out in the cold",
    "{calamity}, the insurance needs a statement {soon}",
    "I'm stuck at the border and they took my passport",
    "I missed my flight and {event} is {soon}",
    "the courier with the originals is here and needs someone {soon}",
    "the court papers went to the wrong address and they're due {soon}",
    "{relative} was hurt at work and the employer is hiding it",
    "they're about to sell my house at auction {soon}",
    "they froze all our accounts this morning",
    "I think I'm being followed and I need advice",
    "child services is at the door",
    "the school called, {relative} was taken by the police",
    "my boss is threatening me and I have to decide {soon}",
    "I'm about to sign something and I need {owner} to look first, they're waiting",
]

ROUTINE = [
    "I'm calling about {routine_topic}",
    "I have a question about {routine_topic}",
    "just a quick question about {routine_topic}",
    "I wanted to ask about {routine_topic}",
    "calling to follow up on {routine_topic}",
    "this is a reminder about {appointment} {later}",
    "this is a reminder that {appointment} is {later}",
    "I'm calling to confirm {appointment} {later}",
    "I'd like to reschedule {appointment} to {later}",
    "I'd like to book a meeting {later}",
    "can we set up a call {later}",
    "I'm calling from a company that sells {product}",
    "we'd like to offer you a great deal on {product}",
    "are you interested in {product}",
    "I'm calling to tell you about our special offer on {product}",
    "limited time offer on {product}, act now",
    "this is your final notice about your car's extended warranty",
    "press one now to speak to an agent about your warranty",
    "you've won a free cruise, press one to claim your prize",
    "this is an automated call about your account, press one",
    "your credit card interest rate can be lowered, act now",
    "we're doing a short survey about {routine_topic}",
    "I'm doing research for a school project",
    "just calling to say hi",
    "just wanted to say thank you for your help",
    "I wanted to catch up, nothing in particular",
    "it's {name}, just returning your call from yesterday",
    "your package will be delivered {later}",
    "your delivery is scheduled for {later}",
    "we tried to deliver a parcel, you can pick it up at the post office",
    "your order has shipped and arrives {later}",
    "{event} is {later}, I just wanted to check the details",
    "{event} is not until {later}, no rush",
    "my court date is {later}, I just have a question",
    "the hearing isn't until {later}, it can wait",
    "I have a trial subscription question",
    "I'm selling hearing aids at a discount",
    "we sell police radios and scanners",
    "I'm calling about a court reporting course",
    "the deadline for the newsletter submissions is {later}",
    "it's not urgent, call me back whenever",
    "it's not urgent at all",
    "nothing urgent, just checking in",
    "no rush, whenever you have time",
    "no hurry, it can wait until {later}",
    "it's not an emergency, I just have a question about {routine_topic}",
    "not important, just a small thing about {routine_topic}",
    "nothing serious, I wanted to update {routine_topic}",
    "no big deal, I'll call again {later}",
    "could you send me {routine_topic} when you have a moment",
    "I'd like a quote for a simple contract review",
    "do you take new clients",
    "what are your hours on Friday",
    "is there parking near your office",
    "I'd like to leave a message for {owner}",
    "please have {owner} call me back sometime {later}",
    "I'm a recruiter calling about an opportunity",
    "we're updating our records, please confirm your address",
    "your subscription renews {later}",
    "your prescription is ready for pickup",
    "your dry cleaning is ready",
    "the books you ordered have arrived",
    "the building will be closed for maintenance {later}",
    "the fire alarm test is scheduled for {later}",
    "we're planning the office party for {later}",
    "I'm organizing a charity event and looking for sponsors",
    "we'd like you to speak at our conference {later}",
    "I'm thinking about writing a will at some point",
    "I might need help with a divorce {later}, just exploring",
    "my case was closed last year, I just wanted a copy of the file",
    "I wanted to recommend a colleague to you",
    "I'm calling on behalf of the alumni association",
    "I'm from the chamber of commerce about the lunch {later}",
    "this is the school reminding you about the parent evening {later}",
    "the emergency contact form for next year needs updating when you can",
    "we're offering free legal webinars {later}",
    "I'm selling advertising in the local paper",
    "can you tell me {question}",
    "I was wondering {question}",
    "I'd like to know {question}",
    "how much do you charge for {service}",
    "do you handle {service}",
    "I might need help with {service} at some point",
    "I'm thinking about {service}, can someone call me {later}",
    "what do I need to bring to {appointment}",
    "I'm calling to congratulate {owner} on the award",
    "happy birthday to {owner} from all of us",
    "we met at the conference and I wanted to stay in touch",
    "I'm an old friend of {owner}, just saying hello",
    "the courier will come by {later} to pick up the box",
    "your furniture delivery is confirmed for {later}",
    "please call us to choose a delivery window",
    "don't forget about {appointment} {later}",
    "your membership renewal is due {later}",
    "this is an important message about your student loans, press one",
    "your account has been flagged, please call us back at this number",
    "you qualify for a lower rate, this offer ends soon",
    "we can help your firm get more clients",
    "I'd like to show you our new software for law firms",
    "would you be interested in a free trial of {product}",
    "can I have two minutes of your time to tell you about {product}",
    "{event} went well, I just wanted to say thanks",
    "about {event} last year, just a small follow up",
    "I'm a retired police officer selling tickets for the charity ball",
    "the court reporter wanted to send over an invoice",
    "I got a jury duty notice for {later} and had a question",
    "I'm returning a call, I'm not sure what it was about",
    "the invoice is due {later}, just a reminder",
    "I'd like to apply for the job you posted",
    "I'm a law student looking for an internship",
    "could you add me to your mailing list",
    "I wanted to give you feedback on your website",
    "we're collecting donations for the food bank",
    "I'm calling about the community meeting {later}",
    "I have a question about my bill, it's not pressing",
    "I need to change {appointment} to {later}",
    "we're rescheduling the training session to {later}",
    "the deadline for the award nominations is {later}",
    "when is a good time to come by and sign the papers, any day {later} works",
    "this is {org} asking about {routine_topic}",
    "this is {org}, we're asking members about {routine_topic}",
    "I'm asking about {routine_topic} for a friend",
    "{org} calling to ask if you'd like to join",
    "hi, {org} here with a few questions about {routine_topic}",
]

OPENERS = [
    "", "", "", "hi, ", "hello, ", "yes, hi, ", "um, ", "this is {name}, ", "hi, it's {name}, ",
    "sorry to bother you, ", "good morning, ", "hello, my name is {name} and ", "hey, ", "so, ",
]
URGENT_TAILS = [
    "", "", "", ", please hurry", ", I need to talk to {owner} now", ", please put me through",
    ", can you get {owner}", ", I don't know what to do", ", please help", ", it's really bad",
    ", I need someone right away", ", please have {owner} call me immediately", ", we need to act fast",
]
ROUTINE_TAILS = [
    "", "", "", ", thanks", ", no rush", ", whenever you can", ", have a nice day", ", thank you",
    ", it can wait", ", call me back when you have time", ", no hurry at all", ", at your convenience",
    ", talk soon", ", it's nothing serious",
]
NOT_URGENT_BUT = ["it's not urgent, but ", "I know it's not urgent, but ", "not an emergency exactly, but "]


def fill(template: str, rng: random.Random) -> str:
    while "{" in template:
        template = re.sub(r"\{(\w+)\}", lambda match: rng.choice(SLOTS[match.group(1)]), template)
    return template


def example(rng: random.Random) -> tuple[str, bool]:
    """One reason for calling and whether it is urgent."""
    urgent = rng.random() < 0.5
    body = fill(rng.choice(URGENT if urgent else ROUTINE), rng)
    if urgent and rng.random() < 0.06:
        body = rng.choice(NOT_URGENT_BUT) + body
    tail = fill(rng.choice(URGENT_TAILS if urgent else ROUTINE_TAILS), rng)
    return fill(rng.choice(OPENERS), rng) + body + tail, urgent


# Words that say nothing of urgency, put into urgent and routine reasons alike, as a recognizer
# puts words a caller never said (or a caller rambles): the classifier learns to ignore them.
FILLER = """well okay right yeah so basically actually like you know I mean anyway the thing is
    honestly listen look sorry and then also kind of sort of really maybe this that here there we
    they our the a about because which what where who red blue green car tree window table paper
    music garden dinner weekend summer picture river phone number house street city name dog cat
    bird season color morning letter story people family friend idea""".split()


def misheard(text: str, rng: random.Random, drop: float = 0.05, insert: float = 0.08) -> str:
    """`text` with some words dropped and some filler put in, as a recognizer mishears."""
    words = []
    for word in text.split():
        if rng.random() < insert:
            words.append(rng.choice(FILLER))
        if rng.random() >= drop:
            words.append(word)
    return " ".join(words or text.split())


def generate(count: int, seed: int) -> list[tuple[str, bool]]:
    """`count` distinct labelled reasons, reproducible from `seed`."""
    rng = random.Random(seed)
    seen: set[str] = set()
    examples = []
    attempts = 0
    while len(examples) < count and attempts < count * 20:
        attempts += 1
        text, urgent = example(rng)
        if rng.random() < 0.4:
            text = misheard(text, rng)
        if text not in seen:
            seen.add(text)
            examples.append((text, urgent))
    return examples

"""Claims about the player's past hold in every game that shows them.

`check` and `explore --audit` read a passage's *condition*; neither reads what its words
assert. A sentence such as "Washington has recognised you since the thirties" can sit in a
branch whose condition is about something else (`aftermath_course == 'grand_alliance'`) and be
shown in games where Washington never did (seed 13 did, 1945, before the fix). This test keeps a
register of such claims, each a pattern of words and the condition, in the story's own
expression language, that must hold whenever a text containing those words is shown, and
plays seeded games rendering every scene, event, ending and result the player reads.

A writer who adds a callback to one of these facts elsewhere is checked against it for free; a
writer who adds a new kind of claim adds a line here. To play more games than the suite does:
`python tests/test_campaign_claims.py 5000`.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

STORY = Path(__file__).resolve().parents[1] / "story"
GAMES = 200  # seeds 1–200, about 6 s idle; the register was read against 3,000 (docs/campaign.d/00_overview.md)

# (words, as a regular expression over the text with white space collapsed; the condition that must hold)
CLAIMS: list[tuple[str, str]] = [
    (r"Washington (has )?recognised you|since Washington recognised you", "us_recognition"),
    # said the day the choice that sets it is made (Litvinov's map, 1935): the engineers bring recognition
    (r"Roosevelt recognised the Soviet Union", "us_recognition or american_engineers"),
    (r"you (had )?kept the War Commissariat|War Commissariat,? (which )?you had kept|You have kept the Commissariat",
     "kept_war_commissariat"),
    (r"Frunze is alive|Frunze, alive|Frunze, who taught|Frunze lived", "frunze_alive"),
    (r"you came back for the funeral|you stood at Lenin's coffin|saw you at the bier", "attended_funeral"),
    (r"were not at (Lenin's )?funeral", "not attended_funeral"),
    (r"You struck first|you struck first", "struck_first or chose(aftermath_rhine.strike)"),
    (r"[Tt]he relief you sent", "famine_relief"),
    (r"[Tt]here (was|had been) no purge after Kirov", "not security_purge"),
    (r"purge you let begin|Leningrad case you let run|Leningrad Centre, which you let run", "security_purge"),
    (r"(fought|stood against|opposed|set yourself against|spoke against) (the )?(embalming|Mausoleum)"
     r"|which you did not want in 1924", "opposed_mausoleum"),
    (r"[Yy]our letter from Sukhumi|Your letter stays in the minutes", "chose(funeral_sukhumi.letter_cult)"),
    (r"railway you refused to sell", "chose(security_cer.hold)"),
    (r"Because you refused Tokyo the Chinese Eastern Railway", "chose(security_cer.hold) or chose(security_cer.china)"),
    (r"which you had helped to win its war", "spain_outcome == 'republic_won'"),
    (r"[Yy]ou brought Hugh Cooper", "american_engineers"),
    (r"Because you levied the forced loan|with the forced loan", "great_turn_forced_loan"),
    (r"Tukhachevsky, whom you had named", "aftermath_party == 'marshal'"),
    (r"[Yy]ou lost the vote at the Thirteenth Congress|You had lost the vote on Party democracy",
     "funeral_lost_congress"),
    (r"New Course you won", "party_democracy"),
    (r"neutrality treaty you had signed in August 1945", "aftermath_august == 'mediate'"),
    (r"[Yy]ou armed the Manchurian partisans|partisans you armed", "chose(steel_mukden.arm_resistance)"),
    (r"[Yy]ou sent volunteers to Germany", "german_intervention == 'volunteers'"),
    (r"money you sent the German insurgents", "german_intervention == 'insurgents'"),
    (r"Kharkov institute was never purged|was never\s+arrested, because in this history nobody was", "no_purge"),
    (r"[Tt]he peace you signed at Stockholm", "chose(aftermath_armistice.terms)"),
    (r"[Yy]ou took the portraits down", "chose(steel_1934.forbid)"),
    (r"The purge that followed Kirov's murder had been stopped", "security_purge and security_purge_halted"),
    (r"sixteen shot after the trial in the October Hall", "visited(security_purge_trial) > 0 and not security_sixteen_spared"),
    (r"The NKVD answered to the courts", "ogpu_limited"),
    (r"that had dug the White Sea canal", "steel_canal_built"),
    (r"villages put on the black boards in 1932", "steel_blacklists"),
    (r"the cordons that had kept them in", "steel_passport_ban"),
    (r"famine of 1932 had been met with relief", "famine_relief and steel_famine_scale != 'shortage'"),
    (r"Frunze is buried by the Kremlin wall|Frunze has been dead since", "troika_frunze_died"),
    (r"Hitler's Reich had been beaten", "germany_outcome == 'nazi'"),
    (r"Baltic republics you had claimed at Livadia|Baltic governments you had claimed at Livadia", "aftermath_spheres"),
    (r"coalition government you had pressed", "chose(aftermath_china.coalition)"),
    (r"whom you had kept at the General Staff", "aftermath_lyova == 'home'"),
    (r"Under the law you gave it in the thirties", "ogpu_limited"),
    # Fortress Socialism recounted "inside its own frontiers" and a Germany "occupied by the Western
    # powers" in the 3 in 10 of its games where the Red Army had stood on the Elbe since 1941
    (r"come out of it inside its own frontiers|occupied by the Western powers, who were now rebuilding it"
     r"|Germany was a Western protectorate, and a wall|workers' republic, left to stand alone", "not red_army_in_germany"),
    (r"holding the line its armies had reached in Germany|Germany was cut in two|had been beaten and cut in two"
     r"|stood behind the Red Army's garrisons|stopped in Germany, on the line where the armies met", "red_army_in_germany"),
    # Fortress Socialism's divergence said "when an alliance with the West failed" in every fortress
    # game; 254 of 444 (2,000 games) had never made one: no pact, and a war alone or none
    (r"when the alliance with the West failed", "western_alliance or war_partners == 'western_allies'"),
    (r"with no alliance with the West", "not western_alliance and war_partners != 'western_allies'"),
    # and "had stood aside while the others fought … and had kept its sons" in 32 of 79 such games (2,000) whose
    # Red Army had gone into Manchuria in August 1945 (said two paragraphs later)
    # Warsaw (Aug 1944) said "held Warsaw since 1941" in every game beside the Western Allies, also where
    # the 1941 offensive stuck on the Narew (123 of 4,000 games, seed 24) or never reached Germany
    (r"has held Warsaw since 1941", "red_army_in_germany and not chose(aftermath_watch.join_late)"),
    # Soviet Democracy and the cautious congress of 1946 abolished "the NKVD's special board" in games where
    # the NKVD had answered to the courts since the thirties and never had one (seed 1309; 17 of 300 games)
    (r"special board was abolished|special board is abolished", "not ogpu_limited or chose(storm_winter.nkvd)"),
    (r"had\s+sentenced no one without a court since the thirties|stays under the courts, as it has been since the thirties",
     "ogpu_limited"),
    (r"going in only for its last week, in Manchuria", "aftermath_august == 'strike' or aftermath_august == 'yanan'"),
    (r"had kept its sons", "aftermath_august != 'strike' and aftermath_august != 'yanan'"),
]

# The class of the fortress case: an ending recounts the game, and its sentences outside any
# {if} are shown in every game that reaches it. A sentence there that tells what happened
# (a deed of yours, a failure, what had been) is either a registered claim above or read
# against every route to the ending, with the reason it is true of all of them, here.
RECOUNTS = re.compile(
    r"\b(you (had |have )?(ordered|refused|chose|sent|gave|signed|kept|broke|built|wrote|held|fought|won|lost|paid|"
    r"struck|let|insisted|persuaded|cut|backed|made|took|turned|agreed|offered|asked|allowed|opened|closed|stopped|"
    r"halted|saved|spared|called|granted|armed|funded|marched|declined|put|told|named)|your (decision|order|refusal|"
    r"letter|decree|promise|veto|speech)|failed|had been|had fought|had stood|had kept|had come|when (an?|the) )",
    re.IGNORECASE)
READ: dict[str, str] = {
    "For a year you told yourself": "the ending's premise: you rule through the army",
    "The labour armies of 1920, which you had once": "1920 comes before the game; the ending comes in 1927, so 1929 is its future",
    "The factories rose faster than anywhere": "the epilogue's future",
    "By the middle of the decade the marshals": "the epilogue's future",
    "Lyova, who had refused every post": "the epilogue's future (no scene offers Lyova a post before 1927)",
    "When war came to Europe, the Soviet Union met it": "the epilogue's future",
    "When the harvest failed in 1932": "the ending comes in 1929-30: the epilogue's future",
    "When the great war comes at the end": "the epilogue's future",
    "The great wave of peasant resistance had come earlier": "our history (the divergence)",
    "In Moscow a Government of National Revival": "the epilogue's future",
    "The letters came from Magnitogorsk": "the epilogue's present, 1947",
    "You had spent your life arguing": "the ending's premise: the fortress",
    "\"Socialism in one country\", the formula": "our history, and the ending's premise",
    "Now the Americans were offering dollars": "the epilogue's present, 1947",
    "In 1948 you gave up the chairmanship": "the epilogue's future",
    "The decisive war had been fought in the east": "the ending's premise: the decisive war with Japan",
    "There were three lists on the ballot": "the epilogue's present",
    "A commission of the new Congress of Soviets": "the epilogue's future",
    "Here you chose not to, at the end": "the ending's premise: Soviet democracy",
    "The Politburo removed you": "the epilogue's past after the game's last decision (1944 or 1946, by branch)",
    "The marshals who replaced you made the armistice": "after your removal: no game's decision made that armistice",
    "Sergei's institute had been evacuated": "the epilogue's past after the game's last decision",
}


def _conditions(claims: Iterable[tuple[str, str]]) -> list[tuple[re.Pattern[str], str, object]]:
    from kremlin_tui.expr import Expr, parse

    return [(re.compile(words), condition, Expr(condition, parse(condition), None)) for words, condition in claims]


def play_and_read(story: object, seeds: Iterable[int],
                  claims: Iterable[tuple[str, str]] = CLAIMS) -> tuple[Counter[str], dict[str, list[str]]]:
    """Random games (explore's picker): every text shown is searched for every claim; a claim
    found where its condition is false is listed with the seed, the place and the words."""
    from kremlin_tui.engine import Game

    checks = _conditions(claims)
    shown: Counter[str] = Counter()
    false: dict[str, list[str]] = defaultdict(list)

    def read(text: str, state: object, where: str, seed: int) -> None:
        flat = " ".join(text.split())
        for words, condition, holds in checks:
            found = words.search(flat)
            if found is None:
                continue
            shown[words.pattern] += 1
            if not holds(state):  # type: ignore[operator]
                false[f"/{words.pattern}/ needs {condition}"].append(
                    f"seed {seed}, {where}: …{flat[max(0, found.start() - 80): found.end() + 40]}…")

    for seed in seeds:
        game = Game.new(story, seed)  # type: ignore[arg-type]
        picker = random.Random(seed * 7919 + 17)
        while True:
            scene = game.scene()
            read(scene.text + "\n" + (scene.divergence or ""), game.state, scene.node, seed)
            if game.ended:
                break
            ids = game.available_ids()
            pick = ids[0] if len(ids) == 1 else picker.choice(ids)
            node = game.state.node
            turn = game.choose(pick)
            read(turn.result or "", game.state, f"{node}.{pick}", seed)
    return shown, dict(false)


def test_every_claim_of_the_register_is_still_written_in_the_story() -> None:
    """A claim whose words the writers have since changed would pass for ever: each pattern
    must find its words in the campaign's files."""
    text = " ".join(" ".join(path.read_text(encoding="utf-8").split()) for path in sorted(STORY.glob("*.yaml")))
    text = re.sub(r"\{[^{}]*\}", "", text)  # the words as read, without the {if …} between them
    missing = [words for words, _ in CLAIMS if not re.search(words, text)]
    assert missing == []


def _unconditional_sentences(template: object) -> list[str]:
    """The sentences of a text as read outside its {if}s (a condition's place is left blank)."""
    from kremlin_tui.template import Interp, Text

    words = "".join(p.text if isinstance(p, Text) else "{…}" if isinstance(p, Interp) else " "
                    for p in template.parts)  # type: ignore[attr-defined]
    return [" ".join(s.split()) for s in re.split(r"(?<=[.!?])\s+", " ".join(words.split())) if s.strip()]


def test_every_sentence_an_ending_recounts_for_every_game_is_registered_or_read() -> None:
    """"When an alliance with the West failed" stood outside any {if} of Fortress Socialism's
    divergence, in games that never made one. A new sentence of that kind in an ending must be
    registered above (and checked over the games) or read here, with why it holds."""
    from kremlin_tui.loader import load_story

    story = load_story([str(STORY)])
    claims = [re.compile(words) for words, _ in CLAIMS]
    unread: list[str] = []
    used: set[str] = set()
    for node in story.nodes.values():
        if not node.is_ending:
            continue
        for template in (node.text, node.divergence):
            for sentence in _unconditional_sentences(template) if template is not None else ():
                if not RECOUNTS.search(sentence) or any(claim.search(sentence) for claim in claims):
                    continue
                known = [opening for opening in READ if sentence.startswith(opening)]
                used.update(known)
                if not known:
                    unread.append(f"{node.id}: {sentence}")
    assert unread == [], "register these claims, or read them against every route:\n" + "\n".join(unread)
    assert set(READ) == used, f"read but no longer written: {set(READ) - used}"


def test_the_claims_hold_in_every_game_that_shows_them() -> None:
    from kremlin_tui.loader import load_story

    story = load_story([str(STORY)])
    shown, false = play_and_read(story, range(1, GAMES + 1))
    assert false == {}, "\n".join(f"{claim}: {len(where)} time(s), e.g. {where[0]}" for claim, where in false.items())
    assert sum(shown.values()) > 1000  # the games read the texts (a broken reader would find nothing)


def test_washington_is_not_said_to_have_recognised_a_union_it_never_recognised() -> None:
    """Seed 13 makes the peace beside the Western powers without American recognition; Laboratory
    No. 2 (August 1945) said "Washington has recognised you since the thirties". It now says what
    brought the envoy: the United Nations given to Roosevelt at Livadia."""
    from kremlin_tui.loader import load_story

    story = load_story([str(STORY)])
    shown, false = play_and_read(story, [13], [(r"Washington (has )?recognised you", "us_recognition"),
                                              (r"at Livadia you gave Roosevelt his United Nations",
                                               "aftermath_un_founder and not us_recognition")])
    assert false == {}
    assert shown[r"at Livadia you gave Roosevelt his United Nations"] == 1


if __name__ == "__main__":
    sys.path.insert(0, str(STORY.parent / "src"))
    from kremlin_tui.loader import load_story

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    shown, false = play_and_read(load_story([str(STORY)]), range(1, runs + 1))
    for words, condition in CLAIMS:
        print(f"{shown[words]:7}  /{words}/  needs  {condition}")
    for claim, where in false.items():
        print(f"\nFALSE {len(where)}x {claim}")
        for line in sorted(set(where))[:8]:
            print("   ", line)
    print(f"\n{runs} games; {len(false)} false claim(s)")

"""A small Unicode map of Europe and East Asia. Each letter is a cell of a country's territory;
the map screen colours it by that country's attitude toward the USSR.

Letters: U USSR, B britain, F france, S spain, G germany, P poland, I italy, J japan,
K kmt (Nationalist China), C ccp (Communist base areas), n other land, ~ sea.
"""

from __future__ import annotations

EUROPE = (
    "~~~~~~~~~~~~~~~nnn~~~~~nnnUUUUUUUUUUUUUUUU",
    "~~~~~~~~~~~~~~nnnn~~~~nnnUUUUUUUUUUUUUUUUU",
    "~~~~~~BB~~~~~nnnn~~~~~nnUUUUUUUUUUUUUUUUUU",
    "~~~~~BBB~~~~~nnn~~~~~~nnUUUUUUUUUUUUUUUUUU",
    "~~~~~BBBB~~~~nn~~~~~~nnnUUUUUUUUUUUUUUUUUU",
    "~~~~~~BBB~~~~~~~~~~~nnnUUUUUUUUUUUUUUUUUUU",
    "~~~~~BBBB~~~nnGGGGGPPPPPUUUUUUUUUUUUUUUUUU",
    "~~~~~~~~~~~nnGGGGGGPPPPPUUUUUUUUUUUUUUUUUU",
    "~~~~~~~~FFFnnGGGGGGPPPPPUUUUUUUUUUUUUUUUUU",
    "~~~~~~~FFFFFFnGGGGnnnnnnnUUUUUUUUUUUUUUUUU",
    "~~~~~~FFFFFFFnnnnnnnnnnnnnUUUUUUUUUUUUUUUU",
    "~~~~~~FFFFFFnnIInnnnnnnnnn~~~~~UUUUUUUUUUU",
    "~~~~~~~FFFFFF~~IIInnnnnnnn~~~~~~~UUUUUUUUU",
    "~~SSSSSSS~~~~~~~IIInnnnnn~~~~~~~~~nnnnnnnn",
    "~~SSSSSSSS~~~~~~~IIInnnnn~nnnnnnnnnnnnnnnn",
    "~~SSSSSSS~~~~~~~~~II~~nnn~nnnnnnnnnnnnnnnn",
    "~~~SSSSS~~~~~~~~~~~~~~~~~~~~nnnnnnnnnnnnnn",
)

ASIA = (
    "UUUUUUUUUUUUUUUUUUUUUUUUUU~~~~~~",
    "UUUUUUUUUUUUUUUUUUUUUUUUUUUU~~~~",
    "UUUUUUUUUUUUUUUUUUUUUUUUUUUUU~~~",
    "UUUUUUUUUUUUUUUUUUUUUUUUUUU~~~~~",
    "UUUUUUUUUUUUUUUUUUUUUnnnUUU~~JJ~",
    "nnnnnnnnnnnnnnnnnnnnnnnnnUU~~JJ~",
    "nnnnnnnnnnnnnnnnnnnnnnnnnn~~~JJ~",
    "nnnnnnnnnnnnnnnnnnnnnnnnnJJ~~JJ~",
    "nnnnnnnnnKKKKKKKKKKKKKKK~JJ~~JJ~",
    "nnnnnnnKKKKCCKKKKKKKKKKK~JJ~JJ~~",
    "nnnnnnKKKKKCCKKKKKKKKKKKK~~~JJ~~",
    "nnnnnnKKKKKKKKKKKKKKKKKKKK~~JJ~~",
    "nnnnnnnKKKKKKKKKKKKCCKKKKK~~~~~~",
    "nnnnnnnKKKKKKKKKKKKCCKKKKK~~~~~~",
    "nnnnnnnnKKKKKKKKKKKKKKKKK~~~~~~~",
    "nnnnnnnnnnKKKKKKKKKKKKKK~~~~~~~~",
    "nnnnnnnnnnnnnnKKKKKKKKK~~~~~~~~~",
)

GAP = "  "
ROWS = tuple(e + GAP + a for e, a in zip(EUROPE, ASIA, strict=True))

CODES = {
    "U": "ussr", "B": "britain", "F": "france", "S": "spain", "G": "germany", "P": "poland",
    "I": "italy", "J": "japan", "K": "kmt", "C": "ccp",
}

# Short names written onto the map: (row, column, text).
LABELS = (
    (3, 5, "UK"), (10, 7, "FRANCE"), (14, 3, "SPAIN"), (7, 13, "GERMANY"), (8, 19, "POLAND"),
    (13, 16, "ITALY"), (4, 28, "U.S.S.R."), (2, 54, "U.S.S.R."), (11, 52, "CHINA"), (8, 70, "JAPAN"),
)

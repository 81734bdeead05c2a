"""统一社会信用代码 (GB 32100-2015): 18 characters with a check character."""

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
SHAPE = re.compile(rf"^[{ALPHABET}]{{2}}\d{{6}}[{ALPHABET}]{{10}}$")


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None when `code` is a valid credit code; otherwise what is wrong with it, in English."""
    if len(code) != 18:
        return f"a unified social credit code has 18 characters, this one has {len(code)}"
    if not SHAPE.match(code):
        return "a unified social credit code uses digits and the capitals 0-9 A-H J-N P-R T U W-Y, with the division code in places 3-8"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"the check character is wrong (expected {expected}): the code was probably mistyped"
    return None

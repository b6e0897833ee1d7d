"""Legacy Vietnamese encodings, mojibake and page decoding: repair, or refuse with a reason.

Policies (this text goes into the data card):

- A page is decoded from, in order: its byte-order mark, the HTTP charset, the <meta> charset,
  then UTF-8, then windows-1252. As in browsers, latin-1 and ascii labels mean windows-1252.
  windows-1258 text comes out of Python's codec decomposed and is recomposed to NFC.
- TCVN3 (ABC; fonts .VnTime, .VnArial, and the all-capital H fonts .VnTimeH ...) and
  VNI-Windows (fonts VNI-Times, VNI-Helve ...) are font encodings: the page is declared
  windows-1252 or latin-1 and the letters arrive as windows-1252 characters ("Tr\xadêng",
  "Tröôøng"). They are mapped back with tables written from the TCVN 5712:1993 VN3 chart and
  the VNI-Windows chart (UniKey's converter tables are the reference). TCVN3 has codes for
  seven capitals only (Ă Â Ê Ô Ơ Ư Đ): a TCVN3 word typed in capitals keeps its capitals.
- Detection: font names in the CSS or the <font face> make a guess, letter statistics decide.
  A conversion is applied only when it turns more words into valid Vietnamese syllables, so
  Unicode Vietnamese and English are never converted. A paragraph already holding
  Unicode-only Vietnamese letters (ư, ơ, đ, ạ, ế ...) is never converted either, so mixed
  pages keep their Unicode parts.
- UTF-8 read as windows-1252 or latin-1 ("Huyá»‡n") is repaired sequence by sequence, only
  where the bytes form valid UTF-8 that decodes to Latin letters or punctuation, and only when
  the repair does not lose Vietnamese syllables.
- Text with U+FFFD replacement characters or control characters beyond a share (1 in 200
  characters of a page or a field: a few lost letters in a long article are kept, one in a
  short title is not), or legacy-looking
  text that no table explains, raises UndecodableError: the page or article is dropped with
  a reason, never stored as mojibake.
"""
from __future__ import annotations

import codecs
import html as _html
import re
import string
import unicodedata
from collections import Counter
from functools import lru_cache

LABELS = ("tcvn3", "vni", "utf8-as-cp1252", "cp1258")


class UndecodableError(ValueError):
    """Text or page that cannot be turned into Unicode Vietnamese; str() is a one-line reason."""


# ---- The Vietnamese alphabet ------------------------------------------------------------
# Tone marks in the order the legacy charts list them: huyền, hỏi, ngã, sắc, nặng.
_TONES = "\u0300\u0309\u0303\u0301\u0323"
_BASES = "aăâeêioôơuưy"


def _toned(base: str) -> list[str]:
    """The base vowel, then its five toned forms, in chart order."""
    return [base] + [unicodedata.normalize("NFC", base + tone) for tone in _TONES]


_LOWER = [letter for base in _BASES for letter in _toned(base)] + ["đ"]
VIETNAMESE_LETTERS = frozenset(_LOWER + [c.upper() for c in _LOWER]) - frozenset("aeiouyAEIOUY")
# Letters that no windows-1252 character can stand for: their presence means real Unicode.
_UNICODE_ONLY = re.compile("[" + "".join(sorted(c for c in VIETNAMESE_LETTERS if c > "\xff")) + "]")

# ---- TCVN3 (TCVN 5712:1993 VN3) -------------------------------------------------------------
# One row per base vowel: plain, huyền, hỏi, ngã, sắc, nặng (0xAD, the soft hyphen, is ư).
_TCVN3_ROWS = {
    "a": "aµ¶·¸¹", "ă": "¨»¼½¾Æ", "â": "©ÇÈÉÊË", "e": "eÌÎÏÐÑ", "ê": "ªÒÓÔÕÖ",
    "i": "i×ØÜÝÞ", "o": "oßáâãä", "ô": "«åæçèé", "ơ": "¬êëìíî", "u": "uïñòóô",
    "ư": "\xadõö÷øù", "y": "yúûüýþ",
}
# The only capitals VN3 encodes; toned capitals exist only as the H fonts' drawing of
# lowercase codes.
_TCVN3_CAPITALS = dict(zip("ĂÂÊÔƠƯĐ", "¡¢£¤¥¦§"))
TCVN3_LETTERS: dict[str, str] = {
    letter: code
    for base, row in _TCVN3_ROWS.items() for letter, code in zip(_toned(base), row)
    if not code.isascii()
} | {"đ": "®"} | _TCVN3_CAPITALS
_TCVN3_DECODE = str.maketrans({code: letter for letter, code in TCVN3_LETTERS.items()})
_TCVN3_LOWER_CODES = frozenset(TCVN3_LETTERS.values()) - frozenset(_TCVN3_CAPITALS.values())

# ---- VNI-Windows --------------------------------------------------------------------------
# A letter is one character or a base letter plus one mark; capitals are the same strings
# upper-cased. Rows: plain, huyền, hỏi, ngã, sắc, nặng.
_VNI_ROWS = {
    "a": "a aø aû aõ aù aï", "ă": "aê aè aú aü aé aë", "â": "aâ aà aå aã aá aä",
    "e": "e eø eû eõ eù eï", "ê": "eâ eà eå eã eá eä", "i": "i ì æ ó í ò",
    "o": "o oø oû oõ où oï", "ô": "oâ oà oå oã oá oä", "ơ": "ô ôø ôû ôõ ôù ôï",
    "u": "u uø uû uõ uù uï", "ư": "ö öø öû öõ öù öï", "y": "y yø yû yõ yù î",
}
_VNI_LOWER = {
    letter: seq
    for base, row in _VNI_ROWS.items() for letter, seq in zip(_toned(base), row.split())
} | {"đ": "ñ"}
VNI_LETTERS: dict[str, str] = {
    letter: seq
    for letter, seq in (_VNI_LOWER | {k.upper(): v.upper() for k, v in _VNI_LOWER.items()}).items()
    if not seq.isascii()
}


def _vni_decode_table() -> dict[str, str]:
    table = {seq: letter for letter, seq in VNI_LETTERS.items()}
    for seq, letter in list(table.items()):
        if len(seq) == 2:  # edited text mixes cases: "Aù" is still Á (the base gives the case)
            table.setdefault(seq[0] + seq[1].swapcase(), letter)
    return table


_VNI_DECODE = _vni_decode_table()
_VNI_SEQ = re.compile("|".join(map(re.escape, sorted(_VNI_DECODE, key=len, reverse=True))))


def _char_class(chars) -> str:
    return "[" + re.escape("".join(sorted(chars))) + "]"


# Every character a legacy letter is written with, and those of them Unicode Vietnamese never
# contains (signs); VNI also writes pairs Unicode never does ("khoâng", "Myõ").
_CODE_CHARS = set(TCVN3_LETTERS.values()) | set("".join(VNI_LETTERS.values()))
_LEGACY_CODE = re.compile(_char_class(_CODE_CHARS - set(string.ascii_letters)))
_LEGACY_SIGN = re.compile(_char_class(_CODE_CHARS - VIETNAMESE_LETTERS - set(string.ascii_letters)))
_LEGACY_LIKELY = re.compile(_LEGACY_SIGN.pattern + "|[aeoAEO][âÂêÊ]|[aeiouyAEIOUY][ùõÙÕ]")
_MARKERS = {
    "tcvn3": frozenset("vµ cña ®\xadîc kh«ng ng\xadêi ViÖt ®· nh÷ng lµ cã".split()),
    "vni": frozenset("vaø cuûa ñöôïc khoâng ngöôøi Vieät ñaõ nhöõng laø coù".split()),
}


_CAPS_WORD = re.compile(r"\S*[A-Z¡-§]\S*[A-Z¡-§]\S*")


def tcvn3_to_unicode(text: str, uppercase: bool = False) -> str:
    """TCVN3 text (as windows-1252 characters) to Unicode.

    uppercase=True for text set in an H font (.VnTimeH): that font draws every code as a
    capital, so the whole text is upper-cased."""
    converted = text.translate(_TCVN3_DECODE)
    if uppercase:
        return converted.upper()
    # The translation is one character for one: positions in text and converted agree.
    parts, last = [], 0
    for m in _CAPS_WORD.finditer(text):
        if _typed_in_capitals(m.group()):
            parts += [converted[last:m.start()], converted[m.start():m.end()].upper()]
            last = m.end()
    return "".join(parts) + converted[last:]


def _typed_in_capitals(word: str) -> bool:
    """'§¶NG' is ĐẢNG typed in capitals: TCVN3 has no code for the capital Ả."""
    others = [c.translate(_TCVN3_DECODE) for c in word if c not in _TCVN3_LOWER_CODES]
    return all(c.isupper() for c in others if c.isalpha())


def vni_to_unicode(text: str) -> str:
    """VNI-Windows text (as windows-1252 characters) to Unicode, longest sequence first."""
    return _VNI_SEQ.sub(lambda m: _VNI_DECODE[m.group()], text)


_CONVERT = {
    "tcvn3": tcvn3_to_unicode,
    "vni": lambda text, uppercase=False: vni_to_unicode(text),
}

# ---- Scoring: how many words are valid Vietnamese syllables ---------------------------------
# Vietnamese spelling, so that legacy codes read as Latin letters ("quèc", "Nghæ", "saùch")
# do not pass for syllables: k/gh/ngh only before i e ê y, c/ng never there; glide-final
# rhymes take no final consonant; ch/nh only after a ê i y; a p/t/c/ch syllable has the
# sắc or nặng tone.
_ONSET = ("ngh(?=[ieê])|gh(?=[ieê])|ng(?![ieê])|nh|ch|gi|kh|ph|th|tr|qu|k(?=[ieêy])|c(?![ieêy])"
          "|g(?![eê])|[bdđhlmnprstvx]")
_OPEN = ("iêu yêu ươi ươu uôi oai oay oao oeo uây uyu uya ai ao au ay âu ây eo êu ia iu oi ôi ơi "
         "ua ui ưa ưi ưu")
_CLOSED = "uyê iê yê oa oă oe oo uâ uê uô uơ uy ươ a ă â e ê i o ô ơ u ư y"
_CODA = "(?<=[aêiy])(?:ch|nh)|ng|[cmnpt]"
_SYLLABLE = re.compile(f"(?:{_ONSET})?(?:(?:{'|'.join(_OPEN.split())})"
                       f"|(?:{'|'.join(_CLOSED.split())})(?:{_CODA})?)")
_STOP_TONES = frozenset("\u0301\u0323")
_ALPHABET = VIETNAMESE_LETTERS | set(string.ascii_letters)
_NO_TONES = dict.fromkeys(map(ord, _TONES))
_EDGE = string.punctuation + "".join(map(chr, range(0x2010, 0x2028)))
_NON_ASCII_LETTERY = re.compile("[\u0080-\u024f\u0300-\u036f\u1e00-\u1eff]")
_ASCII_VIETNAMESE = frozenset("trong cho theo khi nhau nhanh thanh trung ngay sau".split())


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    if word not in (word.lower(), word.upper(), word.capitalize()):
        return False  # "tÕ", "ViÖt": a legacy code inside a word
    if not _ALPHABET.issuperset(word):
        return False  # "Ñi" has a tilde, but not on a vowel
    decomposed = unicodedata.normalize("NFD", word.lower())
    toneless = decomposed.translate(_NO_TONES)
    bare = unicodedata.normalize("NFC", toneless)
    if len(decomposed) - len(toneless) > 1 or not _SYLLABLE.fullmatch(bare):
        return False
    return not bare.endswith(("c", "p", "t", "ch")) or not _STOP_TONES.isdisjoint(decomposed)


def _words(text: str) -> list[str]:
    """Words carrying non-ASCII letters: the only ones a repair can change. A lone character
    ("©", "×") is ignored: as a legacy code it would be a rare one-letter word."""
    stripped = (token.strip(_EDGE) for token in text.split() if not token.isascii())
    return [w for w in stripped if len(w) > 1 and _NON_ASCII_LETTERY.search(w)]


def _gain(before: str, after: str) -> tuple[int, int, int]:
    """(syllables gained, valid syllables after, words considered)."""
    old, new = _words(before), _words(after)
    valid_after = sum(map(_is_syllable, new))
    if len(old) == len(new):  # repairs keep the spacing: only changed words can gain
        changed = [(a, b) for a, b in zip(old, new) if a != b]
        gain = sum(_is_syllable(b) - _is_syllable(a) for a, b in changed)
        return gain, valid_after, len(old)
    return valid_after - sum(map(_is_syllable, old)), valid_after, len(old)


def _accept(gain: int, valid: int, words: int, evidence: int = 2) -> bool:
    """A repair must gain syllables (by default two, and a quarter of the words) and leave a
    mostly valid text. evidence=1: a marker word was seen; 0: weak, a font name only."""
    need = 1 if evidence == 1 else 2 if evidence == 0 else max(2, words / 4)
    return gain >= need and 2 * valid >= words


# ---- Legacy font encodings ------------------------------------------------------------------
_TCVN3_FONT = re.compile(r"\.Vn[A-Z][A-Za-z]*")
_VNI_FONT = re.compile(r"\bVNI[- _]?[A-Z][A-Za-z]*")


def _hinted(font_hint: str | None) -> str | None:
    """'tcvn3', 'vni' or None from font names (or from a label given as the hint)."""
    if not font_hint:
        return None
    if font_hint in ("tcvn3", "vni"):
        return font_hint
    tcvn3, vni = _TCVN3_FONT.search(font_hint), _VNI_FONT.search(font_hint)
    if bool(tcvn3) == bool(vni):
        return None  # none, or both: letter statistics decide alone
    return "tcvn3" if tcvn3 else "vni"


def _uppercase(font_hint: str | None) -> bool:
    """Only H fonts (.VnTimeH, .VnArialH): every code is drawn as a capital."""
    fonts = _TCVN3_FONT.findall(font_hint or "")
    return bool(fonts) and all(name.endswith("H") for name in fonts)


def _has_markers(text: str, label: str) -> bool:
    return any(token.strip(_EDGE) in _MARKERS[label] for token in text.split())


def detect_legacy(text: str, font_hint: str | None = None) -> str | None:
    """'tcvn3', 'vni' or None. Font names are a hint; the conversion must make more words
    valid Vietnamese syllables, so Unicode Vietnamese and English never fire."""
    if not _LEGACY_LIKELY.search(text):
        return None
    hinted, best, best_gain = _hinted(font_hint), None, 0
    for label in ("tcvn3", "vni"):
        gain, valid, words = _gain(text, _CONVERT[label](text))
        evidence = 1 if _has_markers(text, label) else 0 if label == hinted else 2
        if _accept(gain, valid, words, evidence) and gain > best_gain:
            best, best_gain = label, gain
    return best


def _legacy_line(line: str, label: str, trusted: bool, uppercase: bool) -> str:
    """Convert one paragraph unless it is already Unicode Vietnamese."""
    likely = _LEGACY_CODE if trusted else _LEGACY_LIKELY  # "Kinh tÕ" holds no odd character
    if not likely.search(line) or _UNICODE_ONLY.search(line):
        return line
    new = _CONVERT[label](line, uppercase)
    gain, valid, words = _gain(line, new)
    if trusted:  # the whole text is legacy: a tie still converts
        return new if gain >= 0 else line
    return new if _accept(gain, valid, words, evidence=1) else line


def _legacy_majority(text: str) -> str | None:
    """Mixed text: the legacy encoding most of its legacy-looking paragraphs are in."""
    votes = Counter(detect_legacy(line) for line in text.split("\n")
                    if _LEGACY_LIKELY.search(line))
    votes.pop(None, None)
    return votes.most_common(1)[0][0] if votes else None


# ---- UTF-8 read as windows-1252 / latin-1 ---------------------------------------------------
def _byte_of() -> dict[str, int]:
    """The byte behind each character a windows-1252 or latin-1 reading produces."""
    table = {chr(b): b for b in range(0x80, 0x100)}
    for b in range(0x80, 0xA0):
        try:
            table[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:  # 5 bytes cp1252 leaves undefined; latin-1 view covers them
            pass
    return table


_BYTE = _byte_of()


def _chars(low: int, high: int) -> str:
    return "[" + "".join(re.escape(c) for c, b in _BYTE.items() if low <= b <= high) + "]"


_CONT = _chars(0x80, 0xBF)
_MOJIBAKE = re.compile(f"{_chars(0xC2, 0xDF)}{_CONT}|{_chars(0xE0, 0xEF)}{_CONT}{{2}}"
                       f"|{_chars(0xF0, 0xF4)}{_CONT}{{3}}")
# What misread Vietnamese UTF-8 decodes to: Latin letters, Vietnamese combining marks,
# punctuation; anything else (Cyrillic, U+0314 ...) means the pair was real text.
_PLAUSIBLE = re.compile("[\u00a0-\u024f\u0300-\u0303\u0306\u0309\u031b\u0323\u1e00-\u1eff"
                        "\u2000-\u206f\u20ac\u2122\ufeff]")
# "và" misread is "vÃ" + NBSP, and whitespace cleaning may have made the NBSP a space or
# dropped it. In text proven to be mojibake a bare "Ã" before a space is such a "à", unless
# it is a capital among capitals ("XÃ HỘI" in a Unicode part of the text).
_LOST_NBSP = re.compile(r"(?<=\S)Ã ?(?= |\n|$)", re.M)
_NEXT_WORD = re.compile(r"\s*(\S+)")


def _lost_nbsp(m: re.Match) -> str:
    after = _NEXT_WORD.match(m.string, m.end())
    if m.string[m.start() - 1].isupper() and after and after.group(1).isupper():
        return m.group()
    return "à"


def _unmangle(seq: str, trusted: bool) -> str | None:
    """The character behind a misread UTF-8 sequence; any one once the text is known to be
    mojibake ("ä¸\xadæ–‡" is 中文), only Latin letters and punctuation before."""
    try:
        char = bytes(_BYTE[c] for c in seq).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return char if _PLAUSIBLE.fullmatch(char) or (trusted and char.isprintable()) else None


def _proves(match: re.Match) -> bool:
    """'ĐÃ' + NBSP is also how 'à' looks misread: such a pair proves mojibake only after a
    lowercase letter."""
    weak = len(match.group()) == 2 and match.group()[1] == "\xa0"
    return not weak or match.string[match.start() - 1:match.start()].islower()


def _fix_pass(text: str, trust_weak: bool) -> str:
    found = [m for m in _MOJIBAKE.finditer(text) if _unmangle(m.group(), trust_weak)]
    if not found or not (trust_weak or any(map(_proves, found))):
        return text
    # A strict cp1252 decoder replaced byte 0x90 of "Đ" (C4 90); no other C4 xx letter is
    # Vietnamese, so "Ä\ufffd" can only be Đ.
    text = _LOST_NBSP.sub(_lost_nbsp, text.replace("Ä\ufffd", "Đ"))
    return _MOJIBAKE.sub(lambda m: _unmangle(m.group(), trust_weak) or m.group(), text)


def _fix_all(text: str, trust_weak: bool) -> str:
    for _ in range(3):  # text encoded twice needs a second pass
        fixed = _fix_pass(text, trust_weak)
        if fixed == text:
            break
        text = fixed
    return text


def fix_mojibake(text: str) -> str | None:
    """'Huyá»‡n á»§y' -> 'Huyện ủy'; None when the text is not UTF-8 misread as cp1252/latin-1."""
    fixed = _fix_all(text, trust_weak=False)
    gain = _gain(text, fixed)[0] if fixed != text else -1
    foreign = any(c.isalpha() and c not in _ALPHABET for c in set(fixed) - set(text))
    # C1 controls in the sequences ("Heâ\x80\x99s" for "He’s", a page's UTF-8 read as
    # latin-1 before it was saved) prove the misreading: no text types them. Then letters
    # of other languages ("FaÃ§ade" for "Façade") are the text's own.
    cleared = len(_CONTROL.findall(fixed)) < len(_CONTROL.findall(text))
    # gain 0: "ĐT:" (a phone label) gains no syllable
    return fixed if gain > 0 or (gain == 0 and (not foreign or cleared)) else None


# ---- windows-1258 read as windows-1252 ------------------------------------------------------
def _misread_bytes(text: str) -> bytes | None:
    try:
        return bytes(ord(c) if c < "\x80" else _BYTE[c] for c in text)
    except KeyError:
        return None


# windows-1258 keeps tones as combining marks (bytes shown as Ì ì Ò ò Þ) and đ as ð.
_CP1258_SIGN = re.compile("[ðÐ]|[aeiouyâêôãõýAEIOUYÂÊÔÃÕÝ][ÌìÒòÞ]")


def _cp1258_line(line: str, trusted: bool = False) -> str:
    if line.isascii() or _UNICODE_ONLY.search(line) or not (trusted or _CP1258_SIGN.search(line)):
        return line
    raw = _misread_bytes(line)
    try:
        new = unicodedata.normalize("NFC", raw.decode("cp1258")) if raw else line
    except UnicodeDecodeError:
        return line
    if new == line:
        return line
    gain, valid, words = _gain(line, new)
    if trusted:  # the whole text is windows-1258: a tie ("Nãm" / "Năm") still converts
        return new if gain >= 0 else line
    return new if _accept(gain, valid, words, evidence=1) else line  # the sign is strong


def _fix_cp1258(text: str, trusted: bool = False) -> str:
    return "\n".join(_cp1258_line(line, trusted) for line in text.split("\n"))


# ---- Text repair ----------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# A C0 control standing alone between spaces is a stray mark an editor's paste left (the
# normalize step deletes it), not a sign of a wrong decoding: those put controls inside
# words or in runs ("a\x00b\x00c"). Not counted as stray: the separators \x1c-\x1e
# (normalize makes them line breaks) and every C1 character (\x80-\x9f: windows-1252
# punctuation read as latin-1, an ellipsis or a dash, not a mark to delete).
_STRAY_CONTROL = re.compile(
    r"(?:^|(?<=[ \t\n\r\xa0]))[\x00-\x08\x0e-\x1b\x1f\x7f](?=[ \t\n\r\xa0]|$)")
STRAY_SHARE = 40        # at most 1 character in this many is forgiven as a stray mark


GARBAGE_SHARE = 200     # text is garbage when 1 character in this many, or more, is bad


def _check_garbage(text: str) -> None:
    """Bad characters (U+FFFD, controls) in fewer than 1 in GARBAGE_SHARE characters."""
    controls = len(_CONTROL.findall(text))
    if controls:       # stray marks forgiven, a spaced-out run of them is garbage still
        controls -= min(len(_STRAY_CONTROL.findall(text)), len(text) // STRAY_SHARE)
    lost = text.count("\ufffd")
    bad = lost + controls
    if bad * GARBAGE_SHARE > len(text):
        what = "U+FFFD replacement" if lost >= controls else "control"
        raise UndecodableError(f"{bad} {what} characters among {len(text)}")


def _unrecognised(text: str, hinted: str | None) -> bool:
    """Legacy-looking text that no table explains (VISCII, VPS, a broken conversion...)."""
    words = _words(text)
    valid = sum(map(_is_syllable, words))
    if len(words) < 3 or 2 * valid >= len(words):
        return False
    signs = sum(1 for w in words if _LEGACY_SIGN.search(w))
    vietnamese = sum(1 for t in text.split() if t.lower() in _ASCII_VIETNAMESE)
    return 10 * signs >= 3 * len(words) and vietnamese >= (1 if hinted else 2)


def _diagnose(text: str, font_hint: str | None) -> tuple[str | None, bool]:
    """(label of the repair to apply, whether it applies to the whole text)."""
    if fix_mojibake(text) is not None:
        return "utf8-as-cp1252", True
    label, trusted = detect_legacy(text, font_hint), True
    if not label:  # per paragraph the font name is no evidence: the page may mix fonts
        label, trusted = _legacy_majority(text), False
    cp1258 = _fix_cp1258(text)
    if cp1258 == text:
        return label, trusted
    gain, valid, words = _gain(text, cp1258)
    if label and gain <= _legacy_gain(text, label):
        return label, trusted
    return "cp1258", _accept(gain, valid, words)  # its tone bytes look like TCVN3


def _legacy_gain(text: str, label: str) -> int:
    return _gain(text, _CONVERT[label](text))[0]


def _apply(text: str, label: str, trusted: bool, uppercase: bool) -> str:
    if label == "utf8-as-cp1252":
        return _fix_all(text, trust_weak=True)
    if label == "cp1258":
        return _fix_cp1258(text, trusted)
    return "\n".join(_legacy_line(line, label, trusted, uppercase) for line in text.split("\n"))


# What a repair could change: legacy-looking or windows-1258-looking characters, and
# misread UTF-8 sequences.
_SUSPECT = re.compile(f"{_LEGACY_LIKELY.pattern}|{_CP1258_SIGN.pattern}")


def _nothing_to_repair(text: str) -> bool:
    """The fast path for clean Unicode (almost every page): True when no repair could change
    the text, so the trials (each scoring every word) are skipped. Legacy (TCVN3, VNI) and
    windows-1258 paragraphs arrive as windows-1252 characters, so they never hold a
    Unicode-only Vietnamese letter (ư, ơ, đ, ạ ...), and the repairs leave alone any paragraph
    that does; misread UTF-8 always holds a _MOJIBAKE sequence."""
    if _MOJIBAKE.search(text):
        return False
    checked_to = -1                 # end of the last line found to hold a Unicode-only letter
    for m in _SUSPECT.finditer(text):
        if m.start() < checked_to:
            continue
        start, end = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
        end = len(text) if end < 0 else end
        if not _UNICODE_ONLY.search(text, start, end) and _suspect_words(text[start:end]):
            return False            # a paragraph a repair may convert: run the trials
        checked_to = end
    return True


def _suspect_words(line: str) -> bool:
    """A suspect character inside a word of two or more letters: "vµ", "cuûa", "Nãm". A lone
    "©" or "×" (a copyright line, a close button) is no evidence: scoring ignores it too."""
    return any(_SUSPECT.search(word) for word in _words(line))


def _repair(text: str, font_hint: str | None) -> tuple[str, str | None, bool]:
    if font_hint is None and _nothing_to_repair(text):
        _check_garbage(text)
        return text, None, False
    label, trusted = _diagnose(text, font_hint)
    repaired = _apply(text, label, trusted, _uppercase(font_hint)) if label else text
    if repaired == text:
        label = None
    if _unrecognised(repaired, _hinted(font_hint)):
        raise UndecodableError("legacy encoding not recognised")
    _check_garbage(repaired)
    return repaired, label, trusted


def repair_text(text: str, font_hint: str | None = None) -> tuple[str, str | None]:
    """(repaired text, label) with label None, 'tcvn3', 'vni', 'utf8-as-cp1252' or 'cp1258'.

    font_hint: CSS font names (".VnTime", "VNI-Times"), or a label from a declared charset.
    Run it before normalisation: TCVN3 writes ư as the soft hyphen that normalisation strips.
    Raises UndecodableError for garbage (U+FFFD, control characters) or unknown legacy text."""
    repaired, label, _ = _repair(text, font_hint)
    return repaired, label


# ---- Pages ----------------------------------------------------------------------------------
_LEGACY_CHARSETS = {"tcvn3": "tcvn3", "tcvn": "tcvn3", "tcvn5712": "tcvn3", "xviettcvn": "tcvn3",
                    "xviettcvn5712": "tcvn3", "abc": "tcvn3", "vni": "vni", "xvietvni": "vni",
                    "vniwin": "vni"}
_WESTERN = {"cp1252", "iso8859-1", "latin-1", "ascii"}
_CODEC_LABELS = {"cp1252": "windows-1252", "cp1258": "windows-1258"}
_HIDDEN = re.compile(r"(?is)<(script|style|noscript|template|textarea)\b.*?</\1\s*>|<!--.*?-->")
_TAG = re.compile(r"(<[^>]*>)")
_ATTR = re.compile(r"""=(\s*)(["'])(.*?)\2""", re.S)
_FONT_DECL = re.compile(r"(?i)(?:font(?:-family)?\s*:|face\s*=)\s*([^;}>]{1,200})")
_ENTITY = re.compile(r"&(?!(?:copy|reg|nbsp);)(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")


def _codec(name: str | None) -> tuple[str | None, str | None]:
    """(Python codec, legacy hint) for a charset label; unknown labels give (None, None)."""
    if not name:
        return None, None
    legacy = _LEGACY_CHARSETS.get(re.sub(r"[^a-z0-9]", "", name.lower()))
    if legacy:
        return "cp1252", legacy
    try:
        codec = codecs.lookup(name.strip(" \"'")).name
    except LookupError:
        return None, None
    if codec.startswith(("utf-16", "utf-32")):  # without a BOM, as browsers do: it is UTF-8
        return "utf-8", None
    return ("cp1252" if codec in _WESTERN else codec), None


_LATIN1_TO_CP1252 = {b: c for c, b in _BYTE.items() if ord(c) != b}


def _decode_single(body: bytes) -> str:
    """windows-1252 as browsers read it: the 5 undefined bytes become U+0081 ... U+009D."""
    return body.decode("latin-1").translate(_LATIN1_TO_CP1252)


def _strict(body: bytes, codec: str) -> str | None:
    try:
        text = body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return unicodedata.normalize("NFC", text) if codec == "cp1258" else text


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 with a few broken bytes: keep it (the garbage check decides on U+FFFD)."""
    text = body.decode("utf-8", errors="replace")
    non_ascii = sum(1 for c in text if c > "\x7f")
    return text if 20 * text.count("\ufffd") <= non_ascii else None


def _decode_bytes(body: bytes, declared: str | None) -> tuple[str, str, str | None]:
    """(text, codec label, legacy hint from a charset name)."""
    from bs4.dammit import EncodingDetector  # here: importing bs4 costs 0.15 s per process

    data, bom = EncodingDetector.strip_byte_order_mark(body)
    if bom:
        return data.decode(bom, errors="replace"), bom.lower(), None
    for name in (declared, EncodingDetector.find_declared_encoding(body, is_html=True)):
        codec, legacy = _codec(name)
        if codec == "cp1252" and not legacy and not body.isascii() and _strict(body, "utf-8"):
            return body.decode("utf-8"), "utf8-as-cp1252", None  # declared Western, bytes UTF-8
        if codec == "cp1252":
            return _decode_single(body), "windows-1252", legacy
        text = _strict(body, codec) if codec else None
        if text is not None:
            return text, _CODEC_LABELS.get(codec, codec), None
    text = _strict(body, "utf-8") or _mostly_utf8(body)
    if text is not None:
        return text, "utf-8", None
    return _decode_single(body), "windows-1252", None


def _visible_text(html: str) -> str:
    return _html.unescape(_TAG.sub("\n", _HIDDEN.sub("\n", html)))


def _font_hint(html: str) -> str | None:
    if ".Vn" not in html and "VNI" not in html:
        return None                 # no legacy font named: skip scanning every CSS rule
    names = {name for decl in _FONT_DECL.findall(html)
             for name in _TCVN3_FONT.findall(decl) + _VNI_FONT.findall(decl)}
    return ", ".join(sorted(names)) or None


def _unescape_latin1(text: str) -> str:
    """&shy; or &#181; in a legacy page is a letter code like any other byte; &copy; &reg;
    and &nbsp; are what a person types for those symbols."""
    def one(m: re.Match) -> str:
        char = _html.unescape(m.group())
        return char if len(char) == 1 and "\xa0" <= char <= "\xff" else m.group()
    return _ENTITY.sub(one, text)


def _segment_fixer(label: str, trusted: bool, uppercase: bool):
    def fix(segment: str) -> str:
        if label not in ("tcvn3", "vni"):
            return _apply(segment, label, trusted, uppercase)
        if _UNICODE_ONLY.search(_html.unescape(segment)):
            return segment  # "Trang ch&#7911;": Unicode written as character references
        plain = _unescape_latin1(segment)
        new = _apply(plain, label, trusted, uppercase)
        return new if new != plain else segment
    return fix


def _map_html(html: str, fix) -> str:
    """Apply fix to text nodes and attribute values, never to markup."""
    parts = _TAG.split(html)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            parts[i] = fix(part)
        else:
            parts[i] = _ATTR.sub(lambda m: f"={m[1]}{m[2]}{fix(m[3])}{m[2]}", part)
    return "".join(parts)


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """(html text, label): 'utf-8', 'windows-1258', 'windows-1252'..., or the repair applied
    ('tcvn3', 'vni', 'utf8-as-cp1252', 'cp1258'). Raises UndecodableError with a reason."""
    html, codec_label, charset_hint = _decode_bytes(body, declared)
    hint = _font_hint(html) or charset_hint
    # The page as a whole, by the same share; the article's own fields are checked each on
    # its own later (repair_text in pipelines.normalize).
    _, label, trusted = _repair(_visible_text(html), hint)
    if label is None:
        return html, codec_label
    return _map_html(html, _segment_fixer(label, trusted, _uppercase(hint))), label

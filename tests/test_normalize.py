from datetime import UTC, datetime, timedelta, timezone

from global24.models import Image, Item
from global24.normalize import (
    canonical_url,
    detect_language,
    fix_text,
    fold_space,
    normalize_item,
    sanitize_html,
    words_utf8,
)


def test_canonical_url_drops_tracking_and_fragment():
    assert canonical_url("HTTPS://Example.com:443/a/?utm_source=x&id=3#top") == "https://example.com/a/?id=3"
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url(None) is None


def test_mojibake_from_the_seed_page_is_repaired():
    # the seed page shows "đŸ”„" for the fire emoji: UTF-8 bytes read as a Windows code page.
    # (Its exact string also lost one byte, which no repair can bring back; these two are whole.)
    for codepage in ("cp1252", "cp1250"):
        broken = "🔥".encode().decode(codepage)
        assert fix_text(f"Heat {broken}95") == "Heat 🔥95"
    assert fix_text("Japanâ€™s leader") == "Japan’s leader"


def test_mojibake_clue_never_hides_what_ftfy_would_repair():
    # The cheap pre-check may only skip texts in which ftfy's own badness test finds nothing:
    # misdecode every non-ASCII line of the demo corpus in every code page ftfy knows, whole, half
    # and with no-break spaces flattened, and the clue must fire on each one ftfy calls bad.
    import ftfy.bad_codecs  # noqa: F401
    from ftfy.badness import is_bad
    from ftfy.chardata import CHARMAP_ENCODINGS

    from global24.demo.corpus import load_corpus
    from global24.normalize import _may_be_mojibake

    texts = {line for it in load_corpus().items for line in (it.title or "", it.text)}
    texts = {t for t in texts if not t.isascii()}
    assert len(texts) > 100
    bad = 0
    for text in texts:
        for enc in CHARMAP_ENCODINGS:
            try:
                broken = text.encode("utf-8").decode(enc)
            except UnicodeDecodeError:
                continue
            for s in (broken, text[: len(text) // 2] + broken[len(broken) // 2 :], broken.replace("\xa0", " ")):
                if is_bad(s):
                    bad += 1
                    assert _may_be_mojibake(s), (enc, s[:60])
    assert bad > 1000
    # and clean accented text mostly skips the expensive check
    assert sum(_may_be_mojibake(t) for t in texts) < 0.2 * len(texts)


def test_sanitize_html_removes_scripts_and_handlers():
    out = sanitize_html('<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:x">y</a></p>')
    assert "script" not in out and "onclick" not in out and "javascript" not in out
    assert "<p>Hi" in out


def test_reused_sanitizer_applies_the_same_rules_as_nh3_clean():
    import nh3

    from global24.normalize import _SANITIZER_RULES, _clean_html

    samples = [
        '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:x">y</a></p>',
        '<a href="/rel" title="t" target="_blank">r</a><a href="mailto:a@b.c">m</a><img src="data:x" alt="a">',
        "<figure><img src='http://i.example/p.jpg' width=600 style='x'><figcaption>c</figcaption></figure>",
        "<table><tr><td>1<td>2</table><!-- comment --><style>p{}</style><h1>big</h1><iframe src=x></iframe>",
        "<time datetime='2025-10-28'>Tuesday</time> &amp; &lt;b&gt; unclosed <b>bold <i>it",
    ]
    for html in samples:
        assert _clean_html(html) == nh3.clean(html, **_SANITIZER_RULES)


def test_language_detection():
    assert detect_language("トランプ大統領は皇居で天皇陛下と会見した。") == "ja"
    assert (
        detect_language("El presidente llegó a Tokio el lunes para reunirse con la primera ministra.") == "es"
    )
    assert detect_language("The president arrived in Tokyo on Monday to meet the prime minister.") == "en"
    assert detect_language("ok") is None


def test_fold_space_folds_every_blank_its_expression_knows():
    # fold_space skips its blank-run expression unless a substring test finds something for it:
    # every non-ASCII character the expression matches must be among those looked for.
    from global24.normalize import _WS

    wide = [chr(c) for c in range(0x80, 0x110000) if _WS.fullmatch(chr(c))]
    assert len(wide) == 14
    for blank in wide:
        assert fold_space(f"été{blank}à  Tokyo") == "été à Tokyo"
    assert fold_space("été à Tokyo — « ok »") == "été à Tokyo — « ok »"


def test_words_utf8_finds_the_words_the_regular_expression_finds():
    import hashlib
    import re

    from global24.letters import MARKS
    from global24.normalize import _LATIN_LETTERS_ONLY, content_hash

    def reference(s: str) -> list[bytes]:
        return [w.encode("utf-8", "surrogatepass") for w in re.findall(rf"[\w{MARKS}]+", s)]

    samples = [
        "",
        "  plain ascii, with punctuation... and_under_scores 42.5%!",
        "“Curly” quotes — dashes – and l’apostrophe; naïve café ½ ²",
        "東京の会議で、首相は「新政策」を発表した。2025年",
        "mixed: Ελληνικά, русский, עברית, हिन्दी, ไทย, 한국어\u200bzero\u00a0nbsp\u3000ideographic",
        "combining e\u0301 marks, \ud800 lone surrogate, \x00 nul, \x1f unit separator",
    ]
    # every code point up to the end of Latin Extended, alone and between ASCII letters
    samples += [f"a{chr(c)}b {chr(c)}{chr(c)}" for c in range(0x250)]
    for s in samples:
        assert words_utf8(s) == reference(s), s
        # content_hash: the words one space apart, as the \W+ substitution it replaced gave them
        folded = re.sub(rf"[^\w{MARKS}]+", " ", f"t {s}".lower()).strip()
        expected = hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        assert content_hash("T", s) == expected
        # detect_language's count of Latin words: runs of [a-z'], found the same way
        latin = s.lower().encode("utf-8", "surrogatepass").translate(_LATIN_LETTERS_ONLY).split()
        assert latin == [w.encode() for w in re.findall(r"[a-z']+", s.lower())]


def test_words_keep_their_combining_marks():
    # Devanagari writes most vowels as combining signs, which Python's \w leaves out: "\w+" cut
    # प्रधानमंत्री ("prime minister") into consonant pieces and read कि and की as one word
    from global24.normalize import content_hash

    assert [w.decode() for w in words_utf8("प्रधानमंत्री ने कहा कि ठीक है")] == [
        "प्रधानमंत्री", "ने", "कहा", "कि", "ठीक", "है",
    ]  # fmt: skip
    assert [w.decode() for w in words_utf8("ภาษาไทย café e\u0301")] == ["ภาษาไทย", "café", "e\u0301"]
    assert content_hash(None, "उसने कहा कि वह आएगा") != content_hash(None, "उसने कहा की वह आएगा")


def test_declared_language_stands_unless_the_script_says_otherwise():
    text = "トランプ大統領は皇居で天皇陛下と会見した。高市首相も同席した。"
    english = "The president arrived in Tokyo on Monday to meet the prime minister and the emperor."
    for lang, body, expected in [
        (None, english, "en"),
        ("fr", english, "fr"),  # a declared language other than English is kept as it is
        ("en-US", text, "ja"),  # English carried onto a Japanese text gives way to the script
        ("en", english, "en"),
        ("es", text, "es"),
    ]:
        assert normalize_item(Item(id="x", source_id="s", text=body, lang=lang)).lang == expected


def test_normalize_item_end_to_end():
    jst = timezone(timedelta(hours=9))
    it = Item(
        id=Item.make_id("s", "https://news.example/a?utm_medium=rss"),
        source_id="s",
        url="https://news.example/a?utm_medium=rss",
        title="  Trump  meets\u00a0Takaichi ",
        text="",
        html="<p>First para.</p><p>Second &amp; last.</p><script>bad()</script>",
        published_at=datetime(2025, 10, 28, 10, 0, tzinfo=jst),
        images=[Image(url="https://img.example/a.png", caption="A caption"), Image(url="data:xx")],
    )
    n = normalize_item(it)
    assert n.url == "https://news.example/a"
    assert n.id == Item.make_id("s", "https://news.example/a")
    assert n.title == "Trump meets Takaichi"
    assert n.text == "First para.\n\nSecond & last."
    assert n.published_at == datetime(2025, 10, 28, 1, 0, tzinfo=UTC)
    assert [i.url for i in n.images] == ["https://img.example/a.png"]
    assert n.content_hash and n.lang == "en"


def test_implausible_times_are_dropped_and_noted():
    future = Item(
        id="x", source_id="s", text="words " * 5, published_at=datetime.now(UTC) + timedelta(days=30)
    )
    old = Item(id="y", source_id="s", text="words " * 5, published_at=datetime(1970, 1, 1, tzinfo=UTC))
    for it in (future, old):
        n = normalize_item(it)
        assert n.published_at is None and "implausible" in n.error


def test_controls_and_bidi_overrides_are_not_text():
    # a NUL, a right-to-left override that would show "tegdub" reversed, a BOM, a line separator
    raw = "The\u0000 council approved\u202e the budget\u202c on Tuesday.\u2028Next line.\ufeff"
    assert fix_text(raw) == "The council approved the budget on Tuesday.\nNext line."
    # joiners and direction marks that Persian, Hindi, emoji and Hebrew need stay
    kept = "می\u200cخواهم क्\u200dष 👩\u200d💻 \u200fשלום"
    assert fix_text(kept) == kept

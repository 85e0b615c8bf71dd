"""XSS: hostile payloads fed through every field a source controls, rendered, run in real Chromium.

Each payload tries to call ``window.__xss`` or open a dialog. The pages are
loaded twice: as served (with the Content-Security-Policy) and with the CSP
bypassed, so escaping is proven on its own and not only hidden behind CSP.
A control page shows the harness does catch a payload that runs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from global24.models import (
    Article,
    Citation,
    HeatSample,
    Image,
    Item,
    Section,
    Sentence,
    Source,
    Story,
)
from global24.store import open_store
from global24.web.app import create_app
from tests.web.conftest import site_settings
from tests.web.live import serve_app

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<script>window.__xss("script")</script>',
    '<img src=x onerror="window.__xss(\'img\')">',
    '"><svg onload=window.__xss("svg")>',
    "'><iframe srcdoc=\"<script>parent.__xss('srcdoc')</script>\"></iframe>",
    '</title><script>window.__xss("title")</script>',
    '</script><script>window.__xss("ld")</script><!--',
    '<a href="javascript:window.__xss(\'a\')" id=xssa>x</a>',
    '<details open ontoggle=window.__xss("details")>',
    '" autofocus onfocus="window.__xss(\'attr\')" x="',
    "' onmouseover='window.__xss(1)' '",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss('mxss')>",
    "{{ 7*7 }}{% raw %}",
    "\u2028<script>alert(1)</script>",
    '<style>@import "data:,*{}";</style><b>bold</b>',
    "<body onload=alert(document.domain)>",
    "<object data=\"javascript:alert(1)\">",
]
BAD_URLS = [
    "javascript:window.__xss('url')",
    " JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "java\nscript:alert(1)",
]
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def _p(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def hostile_store(tmp):
    """A store where every source-controlled field carries a payload."""
    s = site_settings(tmp)
    store = open_store(s)
    sources = []
    for i, bad in enumerate(BAD_URLS):
        src = Source(id=f"src_evil{i}", kind="rss", url=bad, name=_p(i) + f" outlet {i}",
                     last_fetch_at=NOW, error_count=i, last_error=_p(i + 3), next_fetch_at=NOW + timedelta(hours=1))
        store.upsert_source(src)
        sources.append(src)
    items = []
    for i, src in enumerate(sources * 3):
        text = f"{_p(i)} said the official {i}. {_p(i + 1)} Then more words about the harbour {i}. {_p(i + 2)}"
        it = Item(
            id=f"it_evil{i}", source_id=src.id, url=BAD_URLS[i % len(BAD_URLS)] if i % 2 else f"https://ok.example/{i}",
            title=_p(i + 5) + f" harbour title {i}", text=text, author=_p(i + 7),
            published_at=NOW - timedelta(minutes=10 * i), source_name=src.name, story_id="st_evil",
            images=[Image(url=BAD_URLS[i % len(BAD_URLS)], caption=_p(i + 9), credit=_p(i + 11))],
        )
        items.append(it)
    store.upsert_items(items)
    store.set_item_story((it.id, "st_evil") for it in items)
    story = Story(id="st_evil", first_seen=NOW - timedelta(hours=3), last_seen=NOW, item_count=len(items),
                  source_count=len(sources), title=_p(4), topic="politics", region="europe", heat=91.0,
                  first_item_id=items[0].id)
    dev = Story(id="st_evil_dev", first_seen=NOW - timedelta(hours=1), last_seen=NOW, item_count=1,
                source_count=1, title=_p(0) + " developing", topic="politics", region="europe", heat=12.0)
    store.upsert_stories([story, dev])
    store.set_item_story([(items[-1].id, "st_evil_dev")])
    store.add_heat_samples([HeatSample("st_evil", NOW - timedelta(minutes=30 * k), 50 + 10 * k,
                                       components={"velocity": 0.5, _p(k): 0.3}, flags=[_p(k + 1)],
                                       explanation=_p(k + 2)) for k in range(4)])

    def cite(it: Item, phrase: str) -> Citation:
        start = it.text.index(phrase)
        return Citation(it.id, phrase, start, start + len(phrase))

    def sentence(k: int) -> Sentence:
        it = items[k % len(items)]
        return Sentence(_p(k) + " sentence", [cite(it, f"said the official {k % len(items)}"),
                                              cite(it, it.text.split(". ")[-1])])

    for rev in (1, 2):
        store.add_article(Article(
            story_id="st_evil", created_at=NOW - timedelta(minutes=60 // rev), headline=_p(rev) + " headline",
            dek=_p(rev + 2), attribution=_p(rev + 4),
            sections=[Section(_p(k) + " heading", kind, [[sentence(k), sentence(k + 1)]])
                      for k, kind in enumerate(["lead", "statements", "differ", _p(3), "watch"])],
            images=[{"url": u, "caption": _p(k), "credit": _p(k + 1), "source": _p(k + 2), "item_id": items[k].id}
                    for k, u in enumerate(BAD_URLS + ["https://img.example/ok.svg"])],
            timeline=[{"when": _p(1), "text": _p(2), "citations": [{"item_id": items[0].id, "quote": _p(0)}]},
                      {"date": "2025-10-01", "text": _p(3), "citations": [items[1].id]}],
            disagreements=[{"topic": _p(5), "positions": [{"source": _p(6), "text": _p(7), "item_id": items[2].id,
                                                            "quote": "said the official 2"}]}, _p(8)],
            sources=[{"item_id": it.id, "source": _p(k), "url": it.url, "title": _p(k + 1), "published": _p(k + 2)}
                     for k, it in enumerate(items)],
            grounding={"sentences": 10, _p(1): _p(2), "dropped": 0}, writer=_p(9), change_note=_p(10 + rev),
        ))
    return s, store


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory):
    s, store = hostile_store(tmp_path_factory.mktemp("xss"))
    with serve_app(create_app(s, store)) as url:
        yield url
    store.close()


PAGES = ["/", "/story/st_evil/", "/story/st_evil/r/1/", "/story/st_evil_dev/", "/sources/", "/source/src_evil0/",
         "/source/src_evil3/", "/topic/politics/", "/region/europe/", "/feeds/",
         "/search/?q=harbour", "/search/?q=" + quote(PAYLOADS[0]), "/search/?q=" + quote(PAYLOADS[2]),
         "/nope/" + quote(PAYLOADS[1])]

HOOK = """
window.__hits = [];
window.__xss = function (w) { window.__hits.push(String(w)); };
"""

CHECK_DOM = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'data', 'srcdoc', 'xlink:href'].includes(a.name) &&
          (v.startsWith('javascript:') || v.startsWith('vbscript:') || v.startsWith('data:text'))) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'MATH', 'DETAILS'].includes(el.tagName)) bad.push('element ' + el.tagName);
    if (el.tagName === 'SCRIPT' && !el.src && el.type !== 'application/ld+json') bad.push('inline script');
  }
  return bad;
}"""


def _visit(browser, url: str, bypass_csp: bool) -> dict:
    ctx = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1200, "height": 900})
    ctx.add_init_script(HOOK)
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    out: dict = {"hits": [], "dialogs": dialogs, "dom": []}
    for path in PAGES:
        resp = page.goto(url + path)
        out.setdefault("status", []).append((path, resp.status))
        # interact the way a reader would: open every citation, flip the gallery, hover and focus things
        for btn in page.locator("button.cite").all()[:12]:
            btn.click()
            page.keyboard.press("Escape")
        nxt = page.get_by_role("button", name="Next image")
        for _ in range(4):
            if nxt.count() and nxt.is_visible():  # a gallery whose pictures failed has no buttons
                nxt.click()
        for a in page.locator("main a:visible").all()[:15]:  # a card whose picture failed is hidden
            a.hover()
        for _ in range(10):
            page.keyboard.press("Tab")
        page.wait_for_timeout(50)
        out["hits"] += page.evaluate("window.__hits")
        out["dom"] += [f"{path}: {b}" for b in page.evaluate(CHECK_DOM)]
        out.setdefault("text", []).append(page.inner_text("body"))
    ctx.close()
    return out


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "csp-bypassed"])
def test_no_payload_executes(chromium, evil_site, bypass_csp):
    result = _visit(chromium, evil_site, bypass_csp)
    assert result["hits"] == [], result["hits"]
    assert result["dialogs"] == [], result["dialogs"]
    assert result["dom"] == [], result["dom"][:10]
    assert all(code == (404 if path.startswith("/nope") else 200) for path, code in result["status"]), \
        result["status"]
    text = "\n".join(result["text"])
    # the payloads reached the pages, shown as text
    assert '<script>window.__xss("script")</script>' in text
    assert "<img src=x onerror=" in text


def test_harness_catches_a_payload_that_runs(chromium):
    """Control: the same hooks see an unescaped payload execute once CSP is out of the way."""
    ctx = chromium.new_context(bypass_csp=True)
    ctx.add_init_script(HOOK)
    page = ctx.new_page()
    page.set_content("<p>" + PAYLOADS[0] + PAYLOADS[1] + "</p>")
    page.wait_for_timeout(100)
    assert set(page.evaluate("window.__hits")) == {"script", "img"}
    assert page.evaluate(CHECK_DOM)  # and the DOM check flags it
    ctx.close()

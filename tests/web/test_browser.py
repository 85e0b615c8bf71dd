"""The site in real headless Chromium: the reader's flows, keyboard use, themes, live refresh.

Screenshots of every step land in test-output/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium, live):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
          else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.problems = problems
    yield pg
    ctx.close()


def test_reader_flow(page, live, shots):
    url = live["url"]
    page.goto(url + "/")
    assert page.title() == "Global24"
    lead = page.locator(".card-l .card-title a")
    assert lead.inner_text() == "Port Alder bridge reopens as the stopgap ferry winds down"
    # written 45 minutes before the sample's clock; the browser's clock has moved on a little since
    assert re.fullmatch(r"updated 4[56] minutes ago", page.locator(".card-l time").inner_text())
    page.screenshot(path=str(shots / "01-front.png"), full_page=True)

    # open the story
    lead.click()
    page.wait_for_url(re.compile(r"/story/st_sample_bridge/$"))
    assert page.locator("h1").inner_text().startswith("Port Alder bridge reopens")
    page.screenshot(path=str(shots / "02-story.png"), full_page=True)

    # flip the gallery: one image at a time, "n / N", wrapping around
    count = page.locator("[data-count]")
    slides = page.locator(".slide")
    assert count.inner_text() == "1 / 2"
    assert slides.nth(0).is_visible() and not slides.nth(1).is_visible()
    page.get_by_role("button", name="Next image").click()
    assert count.inner_text() == "2 / 2"
    assert slides.nth(1).is_visible() and not slides.nth(0).is_visible()
    assert "The new toll booths on the north ramp" in slides.nth(1).inner_text()
    page.locator(".gallery").screenshot(path=str(shots / "03-gallery-2-of-2.png"))
    page.get_by_role("button", name="Next image").click()
    assert count.inner_text() == "1 / 2"
    page.keyboard.press("ArrowLeft")  # focus is still in the gallery
    assert count.inner_text() == "2 / 2"

    # open a citation: the popover shows the exact quoted span and links the original
    marker = page.locator("#s2 button.cite").nth(1)
    assert marker.inner_text() == "[2]"
    marker.click()
    pop = page.locator(".quote-pop:popover-open")
    pop.wait_for()
    assert pop.locator("mark").nth(0).inner_text() == "the toll for cars rises from 2 to 3 euros on 1 November"
    assert pop.locator("mark").nth(1).inner_text() == \
        "The city council approved the increase in September to pay for the repairs"
    assert pop.get_by_role("link", name="Open the original").get_attribute("href") == \
        "https://harbourpost.example/bridge/b2"
    assert "Harbour Post" in pop.locator(".qp-head").inner_text()
    page.screenshot(path=str(shots / "04-citation.png"))
    page.keyboard.press("Escape")
    assert page.locator(".quote-pop:popover-open").count() == 0

    # switch to an earlier revision
    page.get_by_role("link", name="Revision 1").click()
    page.wait_for_url(re.compile(r"/story/st_sample_bridge/r/1/$"))
    assert "You are reading revision 1 of 2" in page.locator(".notice").inner_text()
    assert page.locator("h1").inner_text().startswith("Port Alder's harbour bridge reopens after six weeks")
    page.screenshot(path=str(shots / "05-revision-1.png"), full_page=True)

    # search, from the masthead box
    page.fill("#site-q", "ferry")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=ferry"))
    assert page.locator(".res-title", has_text="Ferry service to end as bridge reopens").count() == 1
    page.screenshot(path=str(shots / "06-search.png"), full_page=True)

    # follow a source page from a result
    page.locator(".results .src-name", has_text="Meridian Wire").first.click()
    page.wait_for_url(re.compile(r"/source/src_"))
    assert page.locator("h1").inner_text() == "Meridian Wire"
    assert "healthy" in page.locator("#health-h").inner_text()
    page.screenshot(path=str(shots / "07-source.png"), full_page=True)

    page.goto(url + "/sources/")
    assert "failing (4)" in page.locator("tr", has_text="Northern Daily").inner_text()
    page.screenshot(path=str(shots / "08-sources.png"), full_page=True)
    assert page.problems == [], page.problems  # no CSP violation, no script error anywhere


def test_keyboard_only(page, live, shots):
    page.goto(live["url"] + "/story/st_sample_bridge/")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # tab to the first citation marker and open it with the keyboard
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cite')"):
            break
    else:
        pytest.fail("no citation marker reachable by Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    pop = page.locator(".quote-pop:popover-open")
    pop.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('quote-pop')")  # focus moved in
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.quote-pop') !== null")
    page.screenshot(path=str(shots / "09-citation-keyboard.png"))
    page.keyboard.press("Escape")
    assert page.locator(".quote-pop:popover-open").count() == 0
    assert page.evaluate("document.activeElement.classList.contains('cite')")  # focus returns to the marker


def test_dark_theme_and_toggle(chromium, live, shots):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    pg = ctx.new_page()
    pg.goto(live["url"] + "/")
    bg = pg.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(18, 18, 18)"
    pg.screenshot(path=str(shots / "10-front-dark.png"), full_page=True)
    pg.goto(live["url"] + "/story/st_sample_bridge/")
    pg.screenshot(path=str(shots / "11-story-dark.png"), full_page=True)
    toggle = pg.locator("[data-theme-toggle]")
    toggle.click()  # automatic -> light
    assert pg.evaluate("document.documentElement.dataset.theme") == "light"
    assert pg.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 250, 247)"
    pg.reload()  # remembered
    assert pg.evaluate("document.documentElement.dataset.theme") == "light"
    toggle.click()  # light -> dark
    assert pg.evaluate("document.documentElement.dataset.theme") == "dark"
    ctx.close()


def test_small_screen(chromium, live, shots):
    ctx = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                               has_touch=True)
    pg = ctx.new_page()
    pg.goto(live["url"] + "/")
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    pg.screenshot(path=str(shots / "12-front-mobile.png"), full_page=True)
    pg.goto(live["url"] + "/story/st_sample_bridge/")
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    pg.screenshot(path=str(shots / "13-story-mobile.png"), full_page=True)
    ctx.close()


def test_front_page_refreshes_as_the_desk_writes(chromium, live, shots):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.clock.install()
    pg.goto(live["url"] + "/")
    pg.clock.run_for(1000)  # first poll: learns the version
    pg.wait_for_timeout(300)
    store = live["store"]
    art = store.get_article("st_sample_marathon")
    art.headline = "Odede's Lakeside record confirmed by the organisers"
    art.change_note = "New headline after the organisers' statement."
    store.add_article(art)
    import time

    time.sleep(0.6)  # the server's version probe runs at most every half second
    pg.clock.run_for(16_000)  # next poll sees the new version and swaps the list in place
    pg.locator(".card-title a", has_text="Odede's Lakeside record confirmed").first.wait_for(timeout=5000)
    assert pg.locator("[role=status]").inner_text() == "The page was updated with the latest stories."
    pg.screenshot(path=str(shots / "14-front-refreshed.png"))
    ctx.close()


A11Y = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(h1 + ' h1 elements');
  for (const img of document.querySelectorAll('img')) if (!img.getAttribute('alt')) problems.push('img without alt ' + img.src);
  for (const b of document.querySelectorAll('button')) {
    if (b.hidden || b.closest('[hidden]')) continue;
    if (!(b.getAttribute('aria-label') || b.textContent.trim())) problems.push('button without a name');
  }
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const named = el.getAttribute('aria-label') || (el.id && document.querySelector('label[for="' + el.id + '"]'));
    if (!named) problems.push('unlabelled ' + el.tagName);
  }
  let last = 0;
  for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4')) {
    const level = +h.tagName[1];
    if (last && level > last + 1) problems.push('heading jumps from h' + last + ' to h' + level + ': ' + h.textContent.trim());
    last = level;
  }
  for (const a of document.querySelectorAll('a')) {
    if (!(a.textContent.trim() || a.getAttribute('aria-label') || a.getAttribute('aria-hidden') === 'true'))
      problems.push('link without text ' + a.href);
  }
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const dup = ids.filter((x, i) => ids.indexOf(x) !== i);
  if (dup.length) problems.push('duplicate ids ' + dup.join(','));
  return problems;
}"""


def test_accessibility_basics(page, live):
    src = next(iter(live["sample"].sources.values()))
    for path in ["/", "/story/st_sample_bridge/", "/story/st_sample_bridge/r/1/", "/story/st_sample_museum/",
                 "/search/?q=bridge", "/sources/", f"/source/{src.id}/", "/topic/world/", "/feeds/", "/nope"]:
        page.goto(live["url"] + path)
        assert page.evaluate(A11Y) == [], path


def test_relative_times_follow_the_desks_clock(chromium, tmp_path):
    """A desk whose clock is a month behind the reader's (the demo runs at its corpus's time)."""
    from datetime import UTC, datetime, timedelta

    from global24.publishing.sample import build_sample
    from global24.store import open_store
    from global24.web.app import create_app
    from tests.web.conftest import IMAGES, site_settings
    from tests.web.live import serve_app, serve_dir

    desk_now = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
    with serve_dir(IMAGES) as images:
        s = site_settings(tmp_path)
        store = open_store(s)
        build_sample(store, now=desk_now, image_base=images)
        with serve_app(create_app(s, store, clock=lambda: desk_now)) as url:
            # written 45 minutes before the desk's clock; not "30 days ago" by the reader's
            assert re.fullmatch(r"updated 4[56] minutes ago", _lead_card_time(chromium, url + "/"))
        # ...while a static export of the same desk, read later, counts from the reader's clock
        from global24.publishing.static import export_site

        out = tmp_path / "export"
        export_site(store, s, out, clock=lambda: desk_now)
        with serve_dir(out) as static_url:
            assert _lead_card_time(chromium, static_url + "/index.html") == "updated 30 days ago"
        store.close()


def _lead_card_time(chromium, url: str) -> str:
    """The lead card's relative time once the page's script has run."""
    ctx = chromium.new_context()
    try:
        pg = ctx.new_page()
        pg.goto(url)
        pg.wait_for_load_state("load")
        return pg.locator(".card-l time").inner_text()
    finally:
        ctx.close()


def test_pictures_that_fail_to_load_leave_no_empty_frames(chromium, tmp_path):
    """A source took two pictures down: cards go text-only, galleries keep what still loads."""
    import shutil

    from global24.publishing.sample import build_sample
    from global24.store import open_store
    from global24.web.app import create_app
    from tests.web.conftest import IMAGES, site_settings
    from tests.web.live import serve_app, serve_dir

    left = tmp_path / "images"
    left.mkdir()
    for name in ("bridge-toll.svg", "solar-field.svg"):  # bridge-dawn.svg and chip-plant.svg are gone
        shutil.copy(IMAGES / name, left / name)
    with serve_dir(left) as images:
        s = site_settings(tmp_path)
        store = open_store(s)
        build_sample(store, image_base=images)
        with serve_app(create_app(s, store)) as url:
            # the test's own waiting expressions are evaluated as strings, which the site's CSP forbids
            ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            pg = ctx.new_page()
            pg.set_default_timeout(5000)
            pg.goto(url + "/story/st_sample_bridge/")
            pg.wait_for_load_state("load")
            pg.wait_for_function("document.querySelector('[data-count]').textContent.trim() === '1 / 1'")
            visible = pg.locator(".slide:not([data-off]) img")
            assert visible.count() == 1 and visible.get_attribute("src").endswith("/bridge-toll.svg")
            assert not pg.locator(".gallery-nav").is_visible()  # nothing to step through
            pg.goto(url + "/story/st_sample_chips/")  # its only picture is gone: no gallery at all
            pg.wait_for_load_state("load")
            pg.wait_for_function("document.querySelector('[data-gallery]').hidden")
            pg.goto(url + "/")
            pg.wait_for_load_state("load")
            pg.wait_for_function(
                "[...document.querySelectorAll('.card-img img')].every(i => !i.complete"
                " || i.closest('.card-img').hidden === !(i.naturalWidth > 0))"
            )
            shown = [pg.locator(".card-img:not([hidden]) img").nth(i).get_attribute("src")
                     for i in range(pg.locator(".card-img:not([hidden]) img").count())]  # fmt: skip
            assert shown and all(src.endswith(("bridge-toll.svg", "solar-field.svg")) for src in shown)
            assert pg.locator(".card-img[hidden]").count() >= 1
            ctx.close()
        store.close()

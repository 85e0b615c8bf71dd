"""JSON API: reads (filters, pagination, citations, caching) and admin writes (token, validation)."""

from __future__ import annotations

from global24.web.api_models import (
    ItemList,
    RevisionList,
    SourceList,
    SourceOut,
    StoryDetail,
    StoryList,
)
from tests.web.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_stories_sorted_filtered_paginated(client):
    r = client.get("/api/stories")
    StoryList.model_validate(r.json())
    ids = [s["id"] for s in r.json()["stories"]]
    assert ids == ["st_sample_bridge", "st_sample_chips", "st_sample_solar", "st_sample_marathon",
                   "st_sample_museum"]  # merged stories are not listed
    heats = [s["heat"] for s in r.json()["stories"]]
    assert heats == sorted(heats, reverse=True)
    new = [s["id"] for s in client.get("/api/stories", params={"sort": "new"}).json()["stories"]]
    # by the newest item: bridge (1 h ago), museum (80 min), solar, chips, marathon
    assert new == ["st_sample_bridge", "st_sample_museum", "st_sample_solar", "st_sample_chips",
                   "st_sample_marathon"]
    eu = client.get("/api/stories", params={"region": "europe"}).json()["stories"]
    assert {s["id"] for s in eu} == {"st_sample_bridge", "st_sample_marathon", "st_sample_museum"}
    assert [s["id"] for s in client.get("/api/stories", params={"topic": "climate"}).json()["stories"]] == \
        ["st_sample_solar"]
    assert client.get("/api/stories", params={"status": "archived"}).json()["stories"] == []
    page1 = client.get("/api/stories", params={"limit": 2}).json()
    assert [s["id"] for s in page1["stories"]] == ids[:2]
    page2 = client.get(page1["next"]).json()
    assert [s["id"] for s in page2["stories"]] == ids[2:4]
    last = client.get(page2["next"]).json()
    assert [s["id"] for s in last["stories"]] == ids[4:] and last["next"] is None
    assert client.get("/api/stories", params={"sort": "random"}).status_code == 422
    assert client.get("/api/stories", params={"limit": 1000}).status_code == 422


def test_story_sentences_carry_auditable_citations(client, site):
    _, store, sample = site
    data = client.get("/api/stories/st_sample_bridge").json()
    StoryDetail.model_validate(data)
    art = data["article"]
    assert art["revision"] == 2 and data["story"]["revision"] == 2
    sentences = [s for sec in art["sections"] for p in sec["paragraphs"] for s in p]
    assert sentences and all(s["citations"] for s in sentences)
    for s in sentences:
        for c in s["citations"]:
            item = store.get_item(c["item_id"])
            assert item.text[c["start"]:c["end"]] == c["quote"]  # the exact span, checkable by anyone
            assert c["source"] == store.get_source(item.source_id).name
            assert c["url"] == item.url
    assert data["heat"]["score"] == 86 and len(data["heat"]["history"]) == 6
    assert set(data["heat"]["components"]) == {"velocity", "diversity", "engagement", "recency"}
    no_article = client.get("/api/stories/st_sample_museum").json()
    assert no_article["article"] is None and no_article["story"]["revision"] is None
    assert client.get("/api/stories/st_nope").status_code == 404


def test_revisions(client):
    revs = client.get("/api/stories/st_sample_bridge/revisions").json()
    RevisionList.model_validate(revs)
    assert [r["revision"] for r in revs["revisions"]] == [2, 1]
    assert revs["revisions"][0]["change_note"].startswith("Added the ferry")
    r1 = client.get("/api/stories/st_sample_bridge/revisions/1").json()
    assert r1["article"]["revision"] == 1 and r1["story"]["revision"] == 2
    assert client.get("/api/stories/st_sample_bridge/revisions/7").status_code == 404


def test_items_search_and_sources(client, site):
    _, _, sample = site
    items = client.get("/api/items", params={"q": "ferry"}).json()
    ItemList.model_validate(items)
    assert sample.items["b5"].id in {i["id"] for i in items["items"]}
    assert client.get("/api/items").json()["items"] == []
    one = client.get(f"/api/items/{sample.items['b5'].id}").json()
    assert one["source"] == "Meridian Wire" and one["story_id"] == "st_sample_bridge"
    sources = client.get("/api/sources").json()
    SourceList.model_validate(sources)
    health = {s["name"]: s["health"] for s in sources["sources"]}
    assert health["Northern Daily"] == "failing" and health["Meridian Wire"] == "healthy"


def test_reads_are_cacheable(client):
    r = client.get("/api/stories/st_sample_bridge")
    assert r.headers["cache-control"] == "public, max-age=10" and r.headers["etag"].startswith('"')
    again = client.get("/api/stories/st_sample_bridge", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/api/stories", headers={"If-None-Match": r.headers["etag"]}).status_code == 200


def test_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for p in ["/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/revisions", "/api/items",
              "/api/sources", "/api/sources/{source_id}", "/api/stories/{story_id}/rewrite"]:
        assert p in paths, p
    assert "post" in paths["/api/sources"] and "delete" in paths["/api/sources/{source_id}"]
    assert "/" not in paths and "/story/{story_id}/" not in paths  # HTML routes stay out of the API schema
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_writes_need_the_token(client, site):
    s, store, _ = site
    body = {"kind": "rss", "url": "https://new.example/feed.xml", "name": "New Outlet"}
    assert client.post("/api/sources", json=body).status_code == 401
    assert client.post("/api/sources", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/sources", json=body, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert store.get_source("src_nope") is None


def test_writes_disabled_without_a_token(site):
    from fastapi.testclient import TestClient

    from global24.web.app import create_app

    s, store, _ = site
    with TestClient(create_app(s.replace(admin_token=""), store)) as c:
        r = c.post("/api/sources", json={"kind": "rss", "url": "https://x.example/f"}, headers=AUTH)
        assert r.status_code == 403 and "disabled" in r.json()["detail"]
        assert c.get("/api/stories").status_code == 200  # reads stay public


def test_add_pause_remove_source(client, site):
    _, store, _ = site
    body = {"kind": "rss", "url": "https://new.example/feed.xml", "name": "New Outlet", "weight": 1.5}
    r = client.post("/api/sources", json=body, headers=AUTH)
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
    src = SourceOut.model_validate(r.json())
    assert store.get_source(src.id).name == "New Outlet" and src.health == "new"
    assert client.post("/api/sources", json=body, headers=AUTH).status_code == 200  # already there
    assert "New Outlet" in client.get("/sources/").text  # the page cache was dropped
    for bad in ({"kind": "rss", "url": "javascript:alert(1)"}, {"kind": "rss", "url": "/relative"},
                {"kind": "gopher", "url": "https://x.example/"}, {"kind": "rss", "url": "https://x.example/", "weight": 99}):
        assert client.post("/api/sources", json=bad, headers=AUTH).status_code == 422, bad
    paused = client.post(f"/api/sources/{src.id}/pause", headers=AUTH).json()
    assert paused["enabled"] is False and paused["health"] == "paused"
    assert store.get_source(src.id).enabled is False
    assert client.post(f"/api/sources/{src.id}/resume", headers=AUTH).json()["enabled"] is True
    patched = client.patch(f"/api/sources/{src.id}", json={"weight": 0.5, "name": "Renamed"}, headers=AUTH).json()
    assert patched["weight"] == 0.5 and patched["name"] == "Renamed"
    assert client.delete(f"/api/sources/{src.id}", headers=AUTH).status_code == 204
    assert store.get_source(src.id) is None
    assert client.delete(f"/api/sources/{src.id}", headers=AUTH).status_code == 404
    assert client.post("/api/sources/src_nope/pause", headers=AUTH).status_code == 404


def test_rewrite_calls_the_pipeline(client, site, monkeypatch):
    from global24 import pipeline

    _, store, _ = site
    calls = []

    def fake_rewrite(st, settings, story_id):
        calls.append(story_id)
        art = st.get_article(story_id)
        art.change_note = "Rewritten on request."
        st.add_article(art)
        return art

    monkeypatch.setattr(pipeline, "rewrite_story", fake_rewrite)
    r = client.post("/api/stories/st_sample_chips/rewrite", headers=AUTH)
    assert r.status_code == 200 and r.json() == {"story_id": "st_sample_chips", "revision": 2, "result": "written"}
    assert calls == ["st_sample_chips"]
    assert "Rewritten on request." in client.get("/story/st_sample_chips/").text
    assert client.post("/api/stories/st_nope/rewrite", headers=AUTH).status_code == 404
    assert client.post("/api/stories/st_sample_chips/rewrite").status_code == 401


def test_delivery_log_is_admin_only(client, site):
    _, store, _ = site
    store.log_delivery({"event": "story.hot", "url": "http://127.0.0.1:9/", "status": 200, "attempts": 1,
                        "ok": True, "payload": {"id": "evt_1"}})
    assert client.get("/api/deliveries").status_code == 401
    rows = client.get("/api/deliveries", headers=AUTH).json()["deliveries"]
    assert rows[0]["event"] == "story.hot" and rows[0]["payload"]["id"] == "evt_1"

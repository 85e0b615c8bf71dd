from global24.models import Item
from global24.topics import classify_region, classify_story, classify_topic


def _items(*texts):
    return [Item(id=str(i), source_id="s", title=t, text="") for i, t in enumerate(texts)]


def test_topic_and_region_from_titles():
    hurricane = _items(
        "Hurricane Melissa makes landfall in Jamaica as a category 5 storm",
        "Jamaica counts damage after the storm; Cuba braces for landfall",
        "Melissa's winds and flooding devastate western Jamaica",
    )
    assert classify_story(hurricane) == ("climate", "latin-america")
    fed = _items(
        "Fed cuts rates by a quarter point as markets weigh December",
        "Stocks slip after the Fed decision; investors eye inflation",
        "Wall Street and bond markets react to the Federal Reserve",
    )
    assert classify_topic(fed) == "business" and classify_region(fed) == "north-america"


def test_unclear_stories_get_no_topic_and_world():
    vague = _items("A day of remarks", "More remarks later")
    assert classify_story(vague) == (None, "world")
    mixed = _items("Japan and France talk", "Brazil and Kenya talk")
    assert classify_region(mixed) == "world"


def test_duplicates_do_not_count_twice():
    wire = _items("Louvre museum heist: jewels taken in Paris")
    copies = [Item(id=f"c{i}", source_id="s", title="Hurricane hits Jamaica storm", text="", duplicate_of="x")
              for i in range(10)]
    assert classify_region(wire + copies) == "world"

from pathlib import Path

import pytest

from global24.settings import TABLE, SettingsError, load_settings, settings_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_then_toml_then_environment(tmp_path):
    cfg = tmp_path / "g.toml"
    cfg.write_text('web_port = 9000\n[fetch]\nper_host = 4\nallow_hosts = ["127.0.0.1"]\n')
    s = load_settings(cfg, env={"GLOBAL24_WEB_PORT": "9100", "GLOBAL24_WRITER": "llm"})
    assert s.web_port == 9100 and s.fetch_per_host == 4 and s.writer == "llm"
    assert s.fetch_allow_hosts == ["127.0.0.1"]
    assert s.heat_half_life_hours == 12.0


@pytest.mark.parametrize(
    ("content", "env", "message"),
    [
        ("web_port = 'many'\n", {}, "web_port"),
        ("no_such_thing = 1\n", {}, "unknown setting 'no_such_thing'"),
        ("web_port = = 1\n", {}, "not valid TOML"),
        ("", {"GLOBAL24_FETCH_MAX_BYTES": "lots"}, "GLOBAL24_FETCH_MAX_BYTES"),
        ("", {"GLOBAL24_NOPE": "1"}, "unknown setting 'nope'"),
        ("", {"GLOBAL24_CLUSTER_MULTILINGUAL": "perhaps"}, "expected bool"),
    ],
)
def test_bad_values_give_clear_errors(tmp_path, content, env, message):
    cfg = tmp_path / "g.toml"
    cfg.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_settings(cfg, env=env)


def test_lists_and_dicts_from_environment():
    s = load_settings(env={"GLOBAL24_WEBHOOK_URLS": "http://a, http://b", "GLOBAL24_SOURCE_WEIGHTS": '{"x": 2}'})
    assert s.webhook_urls == ["http://a", "http://b"] and s.source_weights == {"x": 2}


def test_settings_are_frozen_and_replace_validates():
    s = load_settings(env={})
    with pytest.raises(AttributeError):
        s.web_port = 1  # type: ignore[misc]
    assert s.replace(web_port="81").web_port == 81
    with pytest.raises(SettingsError):
        s.replace(bogus=1)


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "settings.md").read_text()
    missing = [s.name for s in TABLE if f"`{s.name}`" not in doc]
    assert not missing, f"undocumented settings {missing}: run python -m global24.settings > docs/settings.md"
    assert doc == settings_markdown(), "docs/settings.md is stale: python -m global24.settings > docs/settings.md"
    assert all(s.help for s in TABLE)

"""The words the writer adds around its sources' sentences, in the article's language.

An article is written in its set's main language (``Evidence.lang``), but the
section labels, attribution prefixes and the byline are ours, not the sources'.
They come from this table, keyed by ISO 639-1 code; a language not listed falls
back to English. Every template is written to need no grammatical agreement with
the names put into it (outlets and handles are not declined): where a language
would inflect ("d'armor-direct", verb-second order after "Laut X"), the template
uses a colon or a noun that carries the case instead.

Keys: the plain section labels (``lead`` … ``watch``), ``said`` (a section of
statements by ``{who}``), ``posted`` and ``according`` (attribution prefixes the
verifier recognises: see :func:`prefix_patterns`), ``attribution`` (the byline
under the headline), ``and`` and ``list_sep`` (joining names), ``rest_one`` and
``rest_many`` (``{n}`` more outlets), and the broad themes a section may be headed
by when no phrase of its own qualifies.
"""

from __future__ import annotations

import re
from datetime import date

_EN = {
    "lead": "What Happened",
    "background": "Background",
    "background_on": "Background: {topic}",
    "reactions": "Reactions",
    "differ": "Where sources differ",
    "timeline": "Timeline",
    "watch": "What to watch",
    "sources": "Sources",
    "copies": "also carried by {who}",
    "said": "What {who} said",
    "and_others": "{a}, {b} and others",
    "posted": "{who} posted: ",
    "according": "According to {source}, ",
    "attribution": "Independent analysis based on open media from {who}",
    "and": " and ",
    "list_sep": ", ",
    "rest_one": "{n} other",
    "rest_many": "{n} others",
    "security": "Security",
    "economy": "Economy",
    "diplomacy": "Diplomacy",
    "politics": "Politics",
    "society": "Society",
    "technology": "Technology",
    "climate": "Climate",
    "health": "Health",
}

LABELS: dict[str, dict[str, str]] = {
    "en": _EN,
    "fr": {
        "lead": "Ce qui s'est passé", "background": "Contexte", "background_on": "Contexte : {topic}",
        "reactions": "Réactions", "differ": "Là où les sources divergent", "timeline": "Chronologie",
        "watch": "À suivre", "sources": "Sources", "copies": "repris aussi par {who}", "said": "Les déclarations de {who}",
        "and_others": "{a}, {b} et d'autres", "posted": "{who} a écrit : ", "according": "Selon {source}, ",
        "attribution": "Analyse indépendante fondée sur des médias ouverts : {who}", "and": " et ",
        "list_sep": ", ", "rest_one": "{n} autre", "rest_many": "{n} autres",
        "security": "Sécurité", "economy": "Économie", "diplomacy": "Diplomatie", "politics": "Politique",
        "society": "Société", "technology": "Technologie", "climate": "Climat", "health": "Santé",
    },
    "es": {
        "lead": "Qué pasó", "background": "Contexto", "background_on": "Contexto: {topic}",
        "reactions": "Reacciones", "differ": "Dónde discrepan las fuentes", "timeline": "Cronología",
        "watch": "Lo que viene", "sources": "Fuentes", "copies": "también publicado por {who}", "said": "Declaraciones de {who}",
        "and_others": "{a}, {b} y otros", "posted": "{who} publicó: ", "according": "Según {source}, ",
        "attribution": "Análisis independiente basado en medios abiertos: {who}", "and": " y ",
        "list_sep": ", ", "rest_one": "{n} más", "rest_many": "{n} más",
        "security": "Seguridad", "economy": "Economía", "diplomacy": "Diplomacia", "politics": "Política",
        "society": "Sociedad", "technology": "Tecnología", "climate": "Clima", "health": "Salud",
    },
    "pt": {
        "lead": "O que aconteceu", "background": "Contexto", "background_on": "Contexto: {topic}",
        "reactions": "Reações", "differ": "Onde as fontes divergem", "timeline": "Cronologia",
        "watch": "O que acompanhar", "sources": "Fontes", "copies": "também publicado por {who}", "said": "Declarações de {who}",
        "and_others": "{a}, {b} e outros", "posted": "{who} publicou: ", "according": "Segundo {source}, ",
        "attribution": "Análise independente baseada em mídia aberta: {who}", "and": " e ",
        "list_sep": ", ", "rest_one": "mais {n}", "rest_many": "mais {n}",
        "security": "Segurança", "economy": "Economia", "diplomacy": "Diplomacia", "politics": "Política",
        "society": "Sociedade", "technology": "Tecnologia", "climate": "Clima", "health": "Saúde",
    },
    "it": {
        "lead": "Cosa è successo", "background": "Contesto", "background_on": "Contesto: {topic}",
        "reactions": "Reazioni", "differ": "Dove le fonti divergono", "timeline": "Cronologia",
        "watch": "Cosa seguire", "sources": "Fonti", "copies": "ripreso anche da {who}", "said": "Le dichiarazioni di {who}",
        "and_others": "{a}, {b} e altri", "posted": "{who} ha scritto: ", "according": "Secondo {source}, ",
        "attribution": "Analisi indipendente basata su media aperti: {who}", "and": " e ",
        "list_sep": ", ", "rest_one": "altri {n}", "rest_many": "altri {n}",
        "security": "Sicurezza", "economy": "Economia", "diplomacy": "Diplomazia", "politics": "Politica",
        "society": "Società", "technology": "Tecnologia", "climate": "Clima", "health": "Salute",
    },
    "de": {
        "lead": "Was geschah", "background": "Hintergrund", "background_on": "Hintergrund: {topic}",
        "reactions": "Reaktionen", "differ": "Wo die Quellen voneinander abweichen", "timeline": "Chronik",
        "watch": "Ausblick", "sources": "Quellen", "copies": "auch erschienen bei {who}", "said": "Aussagen von {who}",
        "and_others": "{a}, {b} und andere", "posted": "{who} schrieb: ",
        "according": "Nach Angaben von {source}: ",
        "attribution": "Unabhängige Analyse auf Grundlage offener Medien: {who}", "and": " und ",
        "list_sep": ", ", "rest_one": "{n} weitere", "rest_many": "{n} weitere",
        "security": "Sicherheit", "economy": "Wirtschaft", "diplomacy": "Diplomatie", "politics": "Politik",
        "society": "Gesellschaft", "technology": "Technologie", "climate": "Klima", "health": "Gesundheit",
    },
    "nl": {
        "lead": "Wat er gebeurde", "background": "Achtergrond", "background_on": "Achtergrond: {topic}",
        "reactions": "Reacties", "differ": "Waar de bronnen verschillen", "timeline": "Tijdlijn",
        "watch": "Wat nu te volgen", "sources": "Bronnen", "copies": "ook verschenen bij {who}", "said": "Uitspraken van {who}",
        "and_others": "{a}, {b} en anderen", "posted": "{who} schreef: ", "according": "Volgens {source}: ",
        "attribution": "Onafhankelijke analyse op basis van open media: {who}", "and": " en ",
        "list_sep": ", ", "rest_one": "{n} andere", "rest_many": "{n} andere",
        "security": "Veiligheid", "economy": "Economie", "diplomacy": "Diplomatie", "politics": "Politiek",
        "society": "Samenleving", "technology": "Technologie", "climate": "Klimaat", "health": "Gezondheid",
    },
    "el": {
        "lead": "Τι συνέβη", "background": "Ιστορικό", "background_on": "Ιστορικό: {topic}",
        "reactions": "Αντιδράσεις", "differ": "Πού διαφωνούν οι πηγές", "timeline": "Χρονολόγιο",
        "watch": "Τι να παρακολουθήσετε", "sources": "Πηγές", "copies": "αναδημοσιεύτηκε επίσης από: {who}", "said": "Δηλώσεις: {who}",
        "and_others": "{a}, {b} και άλλοι", "posted": "{who} έγραψε: ", "according": "Σύμφωνα με {source}, ",
        "attribution": "Ανεξάρτητη ανάλυση με βάση ανοιχτά μέσα: {who}", "and": " και ",
        "list_sep": ", ", "rest_one": "{n} ακόμη", "rest_many": "{n} ακόμη",
        "security": "Ασφάλεια", "economy": "Οικονομία", "diplomacy": "Διπλωματία", "politics": "Πολιτική",
        "society": "Κοινωνία", "technology": "Τεχνολογία", "climate": "Κλίμα", "health": "Υγεία",
    },
    "cs": {
        "lead": "Co se stalo", "background": "Souvislosti", "background_on": "Souvislosti: {topic}",
        "reactions": "Reakce", "differ": "V čem se zdroje rozcházejí", "timeline": "Časová osa",
        "watch": "Co sledovat", "sources": "Zdroje", "copies": "převzali také: {who}", "said": "Výroky: {who}",
        "and_others": "{a}, {b} a další", "posted": "Příspěvek uživatele {who}: ",
        "according": "Podle zdroje {source}: ",
        "attribution": "Nezávislá analýza z otevřených médií: {who}", "and": " a ",
        "list_sep": ", ", "rest_one": "další ({n})", "rest_many": "další ({n})",
        "security": "Bezpečnost", "economy": "Ekonomika", "diplomacy": "Diplomacie", "politics": "Politika",
        "society": "Společnost", "technology": "Technologie", "climate": "Klima", "health": "Zdraví",
    },
    "ru": {
        "lead": "Что произошло", "background": "Предыстория", "background_on": "Предыстория: {topic}",
        "reactions": "Реакция", "differ": "В чём расходятся источники", "timeline": "Хронология",
        "watch": "Что дальше", "sources": "Источники", "copies": "также опубликовали: {who}", "said": "Заявления: {who}",
        "and_others": "{a}, {b} и другие", "posted": "Пост {who}: ", "according": "По данным {source}, ",
        "attribution": "Независимый анализ на основе открытых медиа: {who}", "and": " и ",
        "list_sep": ", ", "rest_one": "ещё {n}", "rest_many": "ещё {n}",
        "security": "Безопасность", "economy": "Экономика", "diplomacy": "Дипломатия", "politics": "Политика",
        "society": "Общество", "technology": "Технологии", "climate": "Климат", "health": "Здоровье",
    },
    "ar": {
        "lead": "ماذا حدث", "background": "خلفية", "background_on": "خلفية: {topic}",
        "reactions": "ردود الفعل", "differ": "أين تختلف المصادر", "timeline": "التسلسل الزمني",
        "watch": "ما يجب متابعته", "sources": "المصادر", "copies": "نشرته أيضًا: {who}", "said": "تصريحات: {who}",
        "and_others": "{a} و{b} وآخرون", "posted": "كتب {who}: ", "according": "وفقًا لـ{source}، ",
        "attribution": "تحليل مستقل يستند إلى وسائل إعلام مفتوحة: {who}", "and": " و",
        "list_sep": "، ", "rest_one": "مصدر آخر", "rest_many": "مصادر أخرى ({n})",
        "security": "الأمن", "economy": "الاقتصاد", "diplomacy": "الدبلوماسية", "politics": "السياسة",
        "society": "المجتمع", "technology": "التكنولوجيا", "climate": "المناخ", "health": "الصحة",
    },
    "he": {
        "lead": "מה קרה", "background": "רקע", "background_on": "רקע: {topic}",
        "reactions": "תגובות", "differ": "היכן המקורות חלוקים", "timeline": "ציר זמן",
        "watch": "על מה לעקוב", "sources": "מקורות", "copies": "פורסם גם אצל: {who}", "said": "הצהרות: {who}",
        "and_others": "{a}, {b} ואחרים", "posted": "פוסט של {who}: ", "according": "לפי {source}, ",
        "attribution": "ניתוח עצמאי המבוסס על מדיה פתוחה: {who}", "and": " ו-",
        "list_sep": ", ", "rest_one": "ועוד {n}", "rest_many": "ועוד {n}",
        "security": "ביטחון", "economy": "כלכלה", "diplomacy": "דיפלומטיה", "politics": "פוליטיקה",
        "society": "חברה", "technology": "טכנולוגיה", "climate": "אקלים", "health": "בריאות",
    },
    "hi": {
        "lead": "क्या हुआ", "background": "पृष्ठभूमि", "background_on": "पृष्ठभूमि: {topic}",
        "reactions": "प्रतिक्रियाएँ", "differ": "स्रोतों में कहाँ मतभेद है", "timeline": "घटनाक्रम",
        "watch": "आगे क्या देखें", "sources": "स्रोत", "copies": "इसे इन्होंने भी प्रकाशित किया: {who}", "said": "बयान: {who}",
        "and_others": "{a}, {b} और अन्य", "posted": "{who} ने लिखा: ", "according": "{source} के अनुसार, ",
        "attribution": "खुले मीडिया पर आधारित स्वतंत्र विश्लेषण: {who}", "and": " और ",
        "list_sep": ", ", "rest_one": "{n} अन्य", "rest_many": "{n} अन्य",
        "security": "सुरक्षा", "economy": "अर्थव्यवस्था", "diplomacy": "कूटनीति", "politics": "राजनीति",
        "society": "समाज", "technology": "प्रौद्योगिकी", "climate": "जलवायु", "health": "स्वास्थ्य",
    },
    "ja": {
        "lead": "何が起きたか", "background": "背景", "background_on": "背景：{topic}",
        "reactions": "反応", "differ": "報道の食い違い", "timeline": "経過",
        "watch": "今後の焦点", "sources": "出典", "copies": "転載：{who}", "said": "{who}の発言",
        "and_others": "{a}、{b}ほか", "posted": "{who}の投稿：", "according": "{source}によると、",
        "attribution": "オープンメディアに基づく独自分析：{who}", "and": "、",
        "list_sep": "、", "rest_one": "ほか{n}件", "rest_many": "ほか{n}件",
        "security": "安全保障", "economy": "経済", "diplomacy": "外交", "politics": "政治",
        "society": "社会", "technology": "技術", "climate": "気候", "health": "健康",
    },
    "zh": {
        "lead": "事件经过", "background": "背景", "background_on": "背景：{topic}",
        "reactions": "各方反应", "differ": "报道分歧", "timeline": "时间线",
        "watch": "后续关注", "sources": "来源", "copies": "转载：{who}", "said": "{who}的表态",
        "and_others": "{a}、{b}等", "posted": "{who}写道：", "according": "据{source}，",
        "attribution": "基于开放媒体的独立分析：{who}", "and": "和",
        "list_sep": "、", "rest_one": "另外{n}家", "rest_many": "另外{n}家",
        "security": "安全", "economy": "经济", "diplomacy": "外交", "politics": "政治",
        "society": "社会", "technology": "科技", "climate": "气候", "health": "健康",
    },
}  # fmt: skip

# what comes between the names and the count of the rest ("A, B and 3 others"), where not "and"
_REST_JOIN = {"ja": "", "he": " "}


RTL_LANGS = frozenset({"ar", "he", "fa", "ur", "ps", "yi"})  # scripts written right to left


def primary_lang(lang: str | None) -> str:
    """The language of a tag without its region or script ("pt-BR", "pt_BR" -> "pt"); "" for none."""
    return (lang or "").split("-")[0].split("_")[0].lower()


def right_to_left(lang: str | None) -> bool:
    """Whether text in ``lang`` (a tag such as "ar" or "he-IL") runs right to left."""
    return primary_lang(lang) in RTL_LANGS


def base_lang(lang: str | None) -> str:
    """The table key of a language tag ("pt-BR" -> "pt"); English when the table has none."""
    code = primary_lang(lang)
    return code if code in LABELS else "en"


def label(lang: str | None, key: str, **values: object) -> str:
    """A label in ``lang`` (English when the language or the key is missing), filled in."""
    table = LABELS[base_lang(lang)]
    text = table.get(key) or _EN[key]
    return text.format(**values) if values else text


def bare_attribution(lang: str | None) -> str:
    """The byline without names ("Independent analysis based on open media"), for a set whose
    items name no outlet: the template cut before its name slot and the word or colon leading to it."""
    text = label(base_lang(lang), "attribution")
    head = text.partition("{who}")[0]
    return re.sub(r"(?:\s+from)?\s*[:：]?\s*$", "", head)


def join_names(lang: str | None, names: list[str], rest: int = 0) -> str:
    """ "A", "A and B", "A, B and 3 others" in ``lang``."""
    if not names:
        return ""
    code = base_lang(lang)
    if rest > 0:
        more = label(code, "rest_one" if rest == 1 else "rest_many", n=rest)
        joiner = _REST_JOIN.get(code, label(code, "and"))
        return label(code, "list_sep").join(names) + joiner + more
    if len(names) == 1:
        return names[0]
    return label(code, "list_sep").join(names[:-1]) + label(code, "and") + names[-1]


def prefix_patterns() -> list[re.Pattern[str]]:
    """Regexes for every language's attribution prefixes, with the name as group ``name``.

    The verifier uses them to tell our "According to X, " from the claim that follows.
    """
    out: list[re.Pattern[str]] = []
    seen: set[str] = set()
    for table in LABELS.values():
        for key, slot in (("according", "source"), ("posted", "who")):
            tpl = table.get(key, "")
            if not tpl or tpl in seen:
                continue
            seen.add(tpl)
            head, _, tail = tpl.partition("{" + slot + "}")
            name = r"(?P<name>[^,:،，：]{1,80}?)"
            out.append(re.compile("^" + re.escape(head) + name + re.escape(tail.rstrip()) + r"\s*"))
    return out


def language_name(lang: str) -> str:
    """The English name of a language ("fr" -> "French"); the tag itself when unknown."""
    try:
        from babel import Locale

        return str(Locale.parse(lang.replace("-", "_")).english_name or lang)
    except Exception:  # babel missing, or a tag it has no locale for (UnknownLocaleError)
        return lang


_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def date_label(lang: str | None, day: date) -> str:
    """A date for a timeline entry: "2 Nov 2023" in English, the language's long form otherwise."""
    code = base_lang(lang)
    if code == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    try:
        from babel.dates import format_date

        return str(format_date(day, format="long", locale=code))
    except Exception:  # babel missing or without this locale: the ISO date reads everywhere
        return day.isoformat()

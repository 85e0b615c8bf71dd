"""Topics and regions of a story, from what its items say (keyword and gazetteer rules).

Cheap, explainable, model-free, and written for news in general (one
configuration; no word is here because one story needed it):

- **Topic.** Each topic has a lexicon of generic cues, strong (2: "ceasefire",
  "earnings", "chatbot") or weak (1: "attack", "market", "data"). Words naming
  the kind of actor ("chipmaker", "tech giant") are weak: a tech giant's
  earnings are business news, its new chatbot is technology news. No company,
  team or person names: they are not topic cues in general. Every item of the
  story (duplicates left out) scores its title and the lead of its text; a cue
  counts once per field and a title cue counts double. Each item then casts
  one vote, split over topics by its scores (an item with little evidence, under
  :data:`FULL_VOTE` points, casts a partial vote), so a long or repetitive item
  cannot outvote the rest. The top topic wins with at least
  :data:`MIN_VOTES` votes and :data:`MIN_LEAD` times the runner-up; else None.
- **Region.** A gazetteer of every sovereign country (names, short forms,
  demonyms), capitals and the major cities, well-known regions within
  countries, and the regional bodies. Each item votes the same way (a place
  counts once per field; titles and datelines, "NAIROBI —", count double); the
  top region wins with two or more mentions and half the votes, else "world".
  Ambiguous words are handled where they are listed (see the comments).

Only English cues are listed; other languages ride along on the English items
of their story.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from global24.models import Item

# Every cue matches its plural too ("strike" -> "strikes", "tariff" -> "tariffs").
# (strong, weak) per topic. "conflict" is war, armed violence, terrorism and peace-making; "crime" is
# offences, policing and the courts' criminal side (a thief, a fraud, a trial: not a war or a coup);
# "climate" is climate, environment, weather and natural disasters.
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "politics": (
        (
            "election", "electoral", "voter", "ballot", "polling station", "parliament", "parliamentary",
            "lawmaker", "legislator", "legislature", "senator", "congressman", "congresswoman",
            "president-elect", "prime minister", "referendum", "inauguration", "inaugurated", "midterm",
            "runoff", "run-off", "candidate", "candidacy", "incumbent", "impeachment", "constitutional",
            "cabinet", "minister", "ministry", "diplomat", "diplomatic", "diplomacy", "summit", "bilateral",
            "treaty", "embassy", "ambassador", "government shutdown", "legislation", "senate", "congress",
            "democrat", "republican", "opposition", "coalition", "presidential", "coup", "junta",
            "head of state", "heads of state", "foreign minister", "secretary of state", "state visit",
            "political", "politician", "voting", "polling", "elected", "re-election", "reelection",
            "electorate", "governing party", "ruling party", "term limit",
        ),
        (
            "president", "government", "party", "leader", "talks", "policy", "poll", "campaign", "vote",
            "governor", "mayor", "sanction", "regime", "protest", "protester", "reform", "administration",
            "shutdown", "law", "conservative", "liberal", "socialist", "populist", "far-right", "far-left",
            "nationalist", "alliance", "visit", "premier", "chancellor", "negotiation", "court", "ruling",
            "sovereignty",
        ),
    ),
    "business": (
        (
            "earnings", "revenue", "profit", "quarterly", "shareholder", "investor", "stock market",
            "stock", "share price", "shares", "bond yield", "bond market", "inflation", "interest rate",
            "central bank", "rate cut", "rate hike", "gdp", "recession", "tariff", "export", "import",
            "trade deal", "trade war", "trade talks", "merger", "acquisition", "takeover", "ipo", "layoff",
            "job cuts", "unemployment", "valuation", "market value", "market cap", "dividend", "bankruptcy",
            "ceo", "chief executive", "retailer", "automaker", "carmaker", "wall street", "federal reserve",
            "economy", "economic", "economist", "fiscal", "deficit", "stock exchange", "oil price", "crude",
            "commodity", "currency", "exchange rate", "investment", "banking", "lender", "sales",
            "supply chain", "manufacturing", "manufacturer", "dow jones", "s&p 500", "nasdaq", "ftse",
            "nikkei", "hang seng", "treasury yield", "mortgage", "wage", "payroll", "startup funding",
            "venture capital", "monetary policy",
        ),
        (
            "market", "company", "firm", "deal", "trade", "billion", "trillion", "growth", "price", "jobs",
            "quarter", "rate", "bank", "dollar", "euro", "yen", "yuan", "peso", "rupee", "pound", "debt",
            "budget", "industry", "industrial", "factory", "business", "cost", "spending", "consumer",
            "analyst", "guidance", "bond", "blue-chip", "fed", "oil", "energy", "exporter", "importer",
            "tax", "workforce", "employee", "worker", "subsidy", "rally", "slump", "demand", "customer",
        ),
    ),
    "technology": (
        (
            "artificial intelligence", "ai", "a.i.", "chip", "software", "smartphone", "algorithm",
            "data center", "data centre", "datacenter", "cloud computing", "computing", "gpu", "processor",
            "cybersecurity", "cyberattack", "cyber attack", "hacker", "ransomware", "malware", "robot",
            "robotics", "chatbot", "language model", "machine learning", "internet", "broadband", "5g",
            "social media", "encryption", "quantum computing", "self-driving", "autonomous vehicle", "tech",
            "technology", "silicon valley", "computer", "laptop", "gadget", "app store", "operating system",
            "supercomputer", "microchip", "search engine", "online platform", "data breach", "generative",
            "ai model", "ai models", "programmer", "coder", "telecom",
        ),
        (
            "chipmaker", "semiconductor", "big tech", "tech giant", "tech company", "tech firm", "data",
            "digital", "online", "platform", "app", "device", "user", "developer", "cyber", "startup",
            "innovation", "electric vehicle", "battery", "satellite internet", "streaming", "video game",
            "gaming", "network", "automation", "engineer", "hardware", "power demand", "cloud", "server",
        ),
    ),
    "conflict": (
        (
            "war", "warfare", "military", "troops", "soldier", "army", "armed forces", "ceasefire",
            "cease-fire", "truce", "airstrike", "air strike", "missile", "drone strike", "shelling",
            "bombing", "bombardment", "artillery", "militia", "militant", "insurgent", "insurgency",
            "rebel", "jihadist", "terrorist", "terrorism", "terror attack", "hostage", "siege", "invasion",
            "frontline", "front line", "battlefield", "combat", "casualties", "massacre", "genocide",
            "war crime", "warship", "fighter jet", "nuclear weapon", "gunmen", "gunfire", "paramilitary",
            "peace talks", "peace deal", "peace plan", "peace agreement", "armed group", "armed conflict",
            "airstrikes", "naval blockade", "military operation", "defence minister", "defense minister",
            "ethnic cleansing", "atrocities", "shootout",
        ),
        (
            "attack", "strike", "drone", "killed", "killing", "civilians", "refugee", "displaced",
            "humanitarian", "navy", "naval", "weapon", "arms", "clashes", "fighting", "forces", "raid",
            "offensive", "violence", "security forces", "fled", "captured", "occupation", "bombed", "shot",
            "dead", "death toll", "famine", "escalation", "defence", "defense", "cartel", "gang",
        ),
    ),
    "crime": (
        (
            "crime", "criminal", "robbery", "robber", "heist", "burglary", "burglar", "theft", "thief",
            "thieves", "stolen", "murder", "murdered", "homicide", "manslaughter", "fraud", "fraudster",
            "embezzlement", "bribery", "extortion", "money laundering", "smuggling", "smuggler",
            "human trafficking", "kidnapping", "kidnapper", "arrested", "arrest warrant", "suspect",
            "suspects", "prosecutor", "prosecutors", "indictment", "indicted", "charged with", "convicted",
            "conviction", "sentenced", "jail", "prison sentence", "detective", "detectives", "jury",
            "verdict", "acquitted", "acquittal", "pleaded guilty", "pleaded not guilty", "organised crime",
            "organized crime", "serial killer", "stabbing", "looted", "ransom",
        ),
        (
            "police", "investigation", "investigators", "trial", "court", "judge", "custody", "detained",
            "prison", "gang", "cartel", "victim", "evidence", "officers", "forensic",
        ),
    ),
    "climate": (
        (
            "climate", "climate change", "global warming", "emissions", "carbon", "greenhouse",
            "fossil fuel", "renewable", "deforestation", "biodiversity", "pollution", "heatwave",
            "heat wave", "drought", "wildfire", "flood", "flooding", "floodwaters", "hurricane", "typhoon",
            "cyclone", "tornado", "landslide", "mudslide", "monsoon", "rainfall", "heavy rain", "landfall",
            "storm surge", "tropical storm", "meteorologist", "weather service", "forecasters", "net zero",
            "net-zero", "environmental", "conservation", "glacier", "sea level", "el nino", "el niño",
            "la nina", "la niña", "blizzard", "snowstorm", "climate summit",
        ),
        (
            "storm", "weather", "winds", "rain", "forest", "environment", "solar", "wind power",
            "wind farm", "earthquake", "tsunami", "volcano", "eruption", "disaster", "evacuated",
            "temperature", "wildlife", "evacuation", "ocean", "coal", "clean energy",
        ),
    ),
    "science": (
        (
            "scientist", "researcher", "space", "spacecraft", "astronaut", "cosmonaut", "taikonaut",
            "orbit", "telescope", "space station", "planet", "asteroid", "comet", "galaxy", "lunar",
            "physics", "physicist", "chemistry", "biology", "biologist", "species", "fossil", "dinosaur",
            "genome", "dna", "archaeologist", "archaeology", "excavation", "experiment", "laboratory",
            "peer-reviewed", "evolution", "space agency", "spaceflight", "rocket launch", "astronomer",
            "astronomy", "black hole", "particle", "scientific", "neuroscience", "geologist",
            "mathematician",
        ),
        (
            "research", "study", "rocket", "launch", "mission", "moon", "mars", "satellite", "discovery",
            "journal", "quantum", "nobel", "crew", "capsule", "docking", "probe", "findings",
        ),
    ),
    "sports": (
        (
            "match", "tournament", "championship", "league", "coach", "player", "striker", "midfielder",
            "goalkeeper", "football", "soccer", "basketball", "baseball", "cricket", "tennis", "golf",
            "rugby", "hockey", "athletics", "marathon", "olympic", "olympics", "world cup",
            "champions league", "premier league", "grand slam", "grand prix", "formula one", "nba", "nfl",
            "mlb", "nhl", "fifa", "uefa", "cyclist", "boxing", "boxer", "medal", "stadium", "playoff",
            "semifinal", "semi-final", "quarterfinal", "quarter-final", "inning", "innings", "pitcher",
            "home run", "touchdown", "quarterback", "wicket", "batsman", "batter", "sprinter", "racing",
            "world series", "super bowl", "grand final", "head coach", "manager sacked", "transfer window",
            "hat-trick", "hat trick", "penalty shootout", "scoreline", "title race", "world champion",
        ),
        (
            "game", "season", "team", "goal", "scored", "score", "fans", "champion", "cup", "defender",
            "club", "sport", "sporting", "athlete", "squad", "rookie", "lap",
        ),
    ),
    "culture": (
        (
            "museum", "art", "artist", "artwork", "painting", "sculpture", "gallery", "exhibition", "film",
            "movie", "cinema", "box office", "actor", "actress", "music", "musician", "singer", "album",
            "song", "concert", "festival", "theatre", "theater", "opera", "ballet", "novel", "novelist",
            "poet", "poetry", "literature", "literary", "heritage", "unesco", "oscar", "grammy", "emmy",
            "celebrity", "fashion", "television", "tv series", "hollywood", "bollywood", "filmmaker",
            "documentary", "pop star", "rapper", "orchestra", "composer", "bestseller", "masterpiece",
            "artefact", "artifact", "cultural", "culture", "curator", "booker prize", "literary prize",
        ),
        (
            "book", "author", "award", "dance", "treasure", "royal", "tradition", "religious",
            "church", "band", "archive",
        ),
    ),
    "health": (
        (
            "health", "healthcare", "health care", "hospital", "patient", "doctor", "nurse", "medical",
            "medicine", "vaccine", "vaccination", "disease", "outbreak", "epidemic", "pandemic", "virus",
            "infection", "infectious", "cancer", "diabetes", "obesity", "malaria", "cholera", "measles",
            "tuberculosis", "hiv", "covid", "covid-19", "influenza", "flu", "mpox", "ebola", "dengue",
            "polio", "mental health", "surgery", "clinical trial", "public health", "pharmaceutical",
            "drugmaker", "symptoms", "world health organization", "physician", "dementia", "alzheimer",
            "overdose", "opioid", "clinic", "health ministry", "health officials", "medicaid", "medicare",
            "antibiotic", "prescription",
        ),
        ("drug", "treatment", "therapy", "illness", "sick", "nutrition", "diet"),
    ),
}  # fmt: skip

STRONG, WEAK = 2, 1
TITLE_WEIGHT = 2  # a cue or place in a title (or a dateline) counts double
LEAD_CHARS = 600  # how much of an item's text is read
FULL_VOTE = 4.0  # an item with this many points of evidence casts a full vote; fewer, a fraction
MIN_VOTES = 1.0  # the winning topic needs at least one item's worth of votes...
MIN_LEAD = 1.25  # ...and this many times the runner-up's

# Place names by region, lower case. Longer names are tried first, so "south africa",
# "papua new guinea", "new south wales" and "latin america" win over "africa", "guinea",
# "wales" and "america". Choices:
# - Left out as too ambiguous: bare "us" (pronoun; the capitalised "US" is read
#   case-sensitively, see CASED), "turkey" (the bird: Türkiye counts through "turkish",
#   "türkiye", "ankara", "istanbul"), "chad" and "jordan" (given names: "chadian",
#   "n'djamena", "jordanian", "amman" count), "georgia" (the US state or the country:
#   "tbilisi" and "atlanta" count), "guinea" alone counts for Africa but "guinea pig" is
#   no place, "niger" counts (the river runs through Africa too), "polish" (the verb),
#   "male" (the Maldives' capital), "nice", "reading", "victoria", "sofia", "kingston",
#   "columbia", "georgetown", "san jose", "cordoba" (several places or common words).
# - Language words used across regions ("french", "spanish", "portuguese", "english",
#   "arab", "arabic") are not demonyms here: French is spoken from Paris to Abidjan.
# - Conventions: Mexico is North America (as before); Central America, the Caribbean and
#   Puerto Rico are Latin America; Egypt is the Middle East, the rest of North Africa is
#   Africa; Türkiye, Iran and the Gulf are the Middle East; Russia, Ukraine, Belarus and
#   the Caucasus are Europe; Afghanistan, Pakistan, South and Central Asia and Oceania are
#   Asia-Pacific; Greenland is Europe (Danish realm). Global bodies (UN, G7, G20, WTO)
#   point nowhere.
REGIONS: dict[str, tuple[str, ...]] = {
    "asia-pacific": (
        "asia", "asian", "asia-pacific", "asia pacific", "indo-pacific", "southeast asia", "south asia",
        "east asia", "central asia", "pacific islands", "oceania", "asean", "apec", "saarc",
        "shanghai cooperation organisation", "shanghai cooperation organization", "south china sea",
        "china", "chinese", "beijing", "shanghai", "shenzhen", "guangzhou", "chongqing", "tianjin", "wuhan",
        "chengdu", "hangzhou", "hong kong", "macau", "macao", "xinjiang", "tibet", "tibetan", "taiwan",
        "taiwanese", "taipei", "japan", "japanese", "tokyo", "osaka", "kyoto", "yokohama", "nagoya",
        "hiroshima", "nagasaki", "okinawa", "fukushima", "sapporo", "kobe", "korea", "korean", "koreas",
        "seoul", "busan", "incheon", "pyongyang", "mongolia", "mongolian", "ulaanbaatar", "india", "indian",
        "indians", "new delhi", "delhi", "mumbai", "bengaluru", "bangalore", "kolkata", "chennai",
        "hyderabad", "ahmedabad", "kashmir", "pakistan", "pakistani", "islamabad", "karachi", "lahore",
        "peshawar", "rawalpindi", "afghanistan", "afghan", "afghans", "kabul", "kandahar", "bangladesh",
        "bangladeshi", "dhaka", "sri lanka", "sri lankan", "colombo", "nepal", "nepali", "nepalese",
        "kathmandu", "bhutan", "bhutanese", "thimphu", "maldives", "maldivian", "myanmar", "burma",
        "burmese", "yangon", "naypyidaw", "thailand", "thai", "bangkok", "cambodia", "cambodian",
        "phnom penh", "laos", "laotian", "vientiane", "vietnam", "viet nam", "vietnamese", "hanoi",
        "ho chi minh city", "saigon", "malaysia", "malaysian", "kuala lumpur", "singapore", "singaporean",
        "indonesia", "indonesian", "jakarta", "bali", "surabaya", "sumatra", "papua", "philippines",
        "philippine", "filipino", "filipinos", "manila", "mindanao", "cebu", "brunei", "timor-leste",
        "east timor", "timorese", "dili", "kazakhstan", "kazakh", "astana", "almaty", "uzbekistan", "uzbek",
        "tashkent", "kyrgyzstan", "kyrgyz", "bishkek", "tajikistan", "tajik", "dushanbe", "turkmenistan",
        "turkmen", "ashgabat", "australia", "australian", "australians", "canberra", "sydney", "melbourne",
        "brisbane", "perth", "adelaide", "queensland", "new south wales", "new zealand", "new zealander",
        "auckland", "papua new guinea", "new guinea",
        "port moresby", "fiji", "fijian", "samoa", "samoan", "tonga",
        "tongan", "vanuatu", "solomon islands", "kiribati", "tuvalu", "nauru", "palau", "micronesia",
        "marshall islands",
    ),
    "north-america": (
        "north america", "north american", "united states", "u.s.", "u.s.a.", "usa", "america", "american",
        "americans", "washington", "white house", "pentagon", "capitol hill", "wall street",
        "federal reserve", "silicon valley", "new york", "los angeles", "chicago", "houston", "phoenix",
        "philadelphia", "san francisco", "seattle", "miami", "boston", "atlanta", "dallas", "detroit",
        "las vegas", "new orleans", "denver", "california", "texas", "florida", "ohio", "michigan",
        "pennsylvania", "arizona", "nevada", "virginia", "north carolina", "south carolina", "illinois",
        "massachusetts", "alaska", "hawaii", "louisiana", "new jersey", "new mexico", "minnesota",
        "wisconsin", "colorado", "oregon", "tennessee", "alabama", "kentucky", "missouri", "iowa", "utah",
        "maryland", "new england", "canada", "canadian", "canadians", "ottawa", "toronto", "montreal",
        "vancouver", "calgary", "edmonton", "quebec", "ontario", "alberta", "british columbia", "mexico",
        "mexican", "mexicans", "mexico city", "guadalajara", "monterrey", "tijuana", "usmca", "nafta",
    ),
    "latin-america": (
        "latin america", "latin american", "south america", "south american", "central america",
        "central american", "caribbean", "andes", "andean", "patagonia", "amazonia", "amazon rainforest",
        "mercosur", "caricom", "celac", "organization of american states", "argentina", "argentine",
        "argentinian", "buenos aires", "brazil", "brazilian", "brazilians", "brasilia", "brasília",
        "sao paulo", "são paulo", "rio de janeiro", "belo horizonte", "manaus", "recife", "bolivia",
        "bolivian", "la paz", "chile", "chilean", "santiago", "colombia", "colombian", "bogota", "bogotá",
        "medellin", "medellín", "ecuador", "ecuadorian", "quito", "guayaquil", "guyana", "guyanese",
        "paraguay", "paraguayan", "asuncion", "asunción", "peru", "peruvian", "lima", "suriname",
        "paramaribo", "uruguay", "uruguayan", "montevideo", "venezuela", "venezuelan", "venezuelans",
        "caracas", "maracaibo", "belize", "guatemala", "guatemalan", "honduras", "honduran", "tegucigalpa",
        "el salvador", "salvadoran", "san salvador", "nicaragua", "nicaraguan", "managua", "costa rica",
        "costa rican", "panama", "panamanian", "cuba", "cuban", "cubans", "havana", "haiti", "haitian",
        "haitians", "port-au-prince", "dominican republic", "santo domingo", "jamaica", "jamaican",
        "jamaicans", "puerto rico", "puerto rican", "trinidad", "tobago", "barbados", "bahamas", "bahamian",
        "grenada", "antigua", "dominica", "saint lucia", "st lucia", "st. lucia", "saint vincent",
        "grenadines", "saint kitts",
    ),
    "europe": (
        "europe", "european", "europeans", "european union", "european commission", "european parliament",
        "eurozone", "euro zone", "brussels", "nato", "ecb", "european central bank", "council of europe",
        "osce", "schengen", "balkans", "baltic", "baltics", "caucasus", "scandinavia", "scandinavian",
        "united kingdom", "britain", "british", "great britain", "uk", "england", "scotland", "scottish",
        "wales", "welsh", "northern ireland", "london", "manchester", "birmingham", "liverpool",
        "edinburgh", "glasgow", "belfast", "cardiff", "downing street", "westminster", "ireland", "irish",
        "dublin", "france", "paris", "marseille", "lyon", "toulouse", "bordeaux", "strasbourg", "élysée",
        "elysee", "germany", "german", "germans", "berlin", "munich", "hamburg", "frankfurt", "cologne",
        "bundestag", "italy", "italian", "italians", "rome", "milan", "naples", "turin", "venice",
        "florence", "sicily", "vatican", "spain", "madrid", "barcelona", "seville", "valencia", "catalonia",
        "catalan", "basque", "portugal", "lisbon", "porto", "netherlands", "dutch", "holland", "amsterdam",
        "the hague", "rotterdam", "belgium", "belgian", "antwerp", "luxembourg", "switzerland", "swiss",
        "bern", "geneva", "zurich", "austria", "austrian", "vienna", "liechtenstein", "monaco", "andorra",
        "san marino", "malta", "maltese", "valletta", "denmark", "danish", "copenhagen", "greenland",
        "norway", "norwegian", "oslo", "sweden", "swedish", "stockholm", "finland", "finnish", "helsinki",
        "iceland", "icelandic", "reykjavik", "poland", "warsaw", "krakow", "kraków", "czech republic",
        "czechia", "czech", "prague", "slovakia", "slovak", "bratislava", "hungary", "hungarian",
        "budapest", "romania", "romanian", "bucharest", "bulgaria", "bulgarian", "moldova", "moldovan",
        "chisinau", "ukraine", "ukrainian", "ukrainians", "kyiv", "kiev", "kharkiv", "odesa", "odessa",
        "lviv", "dnipro", "donbas", "donetsk", "luhansk", "crimea", "zaporizhzhia", "kherson", "russia",
        "russian", "russians", "moscow", "kremlin", "st petersburg", "st. petersburg", "saint petersburg",
        "siberia", "belarus", "belarusian", "minsk", "estonia", "estonian", "tallinn", "latvia", "latvian",
        "riga", "lithuania", "lithuanian", "vilnius", "serbia", "serbian", "belgrade", "croatia",
        "croatian", "zagreb", "bosnia", "bosnian", "sarajevo", "montenegro", "kosovo", "pristina",
        "north macedonia", "macedonia", "skopje", "albania", "albanian", "tirana", "slovenia", "slovenian",
        "ljubljana", "greece", "greek", "athens", "cyprus", "cypriot", "nicosia", "armenia", "armenian",
        "yerevan", "azerbaijan", "azerbaijani", "baku", "tbilisi",
    ),
    "africa": (
        "africa", "african", "africans", "african union", "sub-saharan", "sahel", "horn of africa",
        "ecowas", "sadc", "igad", "maghreb", "algeria", "algerian", "algiers", "angola", "angolan",
        "luanda", "benin", "beninese", "cotonou", "botswana", "gaborone", "burkina faso", "burkinabe",
        "ouagadougou", "burundi", "bujumbura", "gitega", "cameroon", "cameroonian", "yaounde", "yaoundé",
        "douala", "cape verde", "cabo verde", "central african republic", "bangui", "chadian", "n'djamena",
        "ndjamena", "comoros", "congo", "congolese", "kinshasa", "brazzaville", "goma", "djibouti",
        "equatorial guinea", "malabo", "eritrea", "eritrean", "asmara", "eswatini", "swaziland", "ethiopia",
        "ethiopian", "addis ababa", "tigray", "gabon", "gabonese", "libreville", "gambia", "gambian",
        "banjul", "ghana", "ghanaian", "accra", "guinea", "guinean", "conakry", "guinea-bissau", "bissau",
        "ivory coast", "côte d'ivoire", "cote d'ivoire", "ivorian", "abidjan", "yamoussoukro", "kenya",
        "kenyan", "kenyans", "nairobi", "mombasa", "lesotho", "maseru", "liberia", "liberian", "monrovia",
        "libya", "libyan", "tripoli", "benghazi", "madagascar", "malagasy", "antananarivo", "malawi",
        "malawian", "lilongwe", "mali", "malian", "bamako", "mauritania", "mauritanian", "nouakchott",
        "mauritius", "mauritian", "morocco", "moroccan", "rabat", "casablanca", "marrakech", "mozambique",
        "mozambican", "maputo", "namibia", "namibian", "windhoek", "niger", "nigerien", "niamey", "nigeria",
        "nigerian", "nigerians", "abuja", "lagos", "kano", "rwanda", "rwandan", "kigali", "sao tome",
        "são tomé", "senegal", "senegalese", "dakar", "seychelles", "sierra leone", "freetown", "somalia",
        "somali", "mogadishu", "somaliland", "south africa", "south african", "pretoria", "johannesburg",
        "cape town", "durban", "south sudan", "juba", "sudan", "sudanese", "khartoum", "darfur", "omdurman",
        "tanzania", "tanzanian", "dodoma", "dar es salaam", "togo", "togolese", "lome", "lomé", "tunisia",
        "tunisian", "tunis", "uganda", "ugandan", "kampala", "zambia", "zambian", "lusaka", "zimbabwe",
        "zimbabwean", "harare", "bulawayo", "western sahara",
    ),
    "middle-east": (
        "middle east", "middle eastern", "mideast", "gulf states", "persian gulf", "arab league",
        "gulf cooperation council", "opec", "levant", "israel", "israeli", "israelis", "jerusalem",
        "tel aviv", "gaza", "gazans", "west bank", "palestine", "palestinian", "palestinians", "ramallah",
        "rafah", "khan younis", "iran", "iranian", "iranians", "tehran", "isfahan", "iraq", "iraqi",
        "iraqis", "baghdad", "mosul", "basra", "erbil", "kurdistan", "syria", "syrian", "syrians",
        "damascus", "aleppo", "idlib", "homs", "lebanon", "lebanese", "beirut", "jordanian", "amman",
        "saudi", "saudi arabia", "riyadh", "jeddah", "mecca", "medina", "yemen", "yemeni", "sanaa", "aden",
        "oman", "omani", "muscat", "united arab emirates", "uae", "emirati", "abu dhabi", "dubai", "qatar",
        "qatari", "doha", "bahrain", "bahraini", "manama", "kuwait", "kuwaiti", "egypt", "egyptian",
        "egyptians", "cairo", "alexandria", "suez", "sinai", "türkiye", "turkiye", "turkish", "ankara",
        "istanbul", "strait of hormuz", "red sea",
    ),
}  # fmt: skip

# Words that look like places but are not, or are several: matched (so their parts are
# not read as places) and then ignored.
NOT_PLACES: tuple[str, ...] = (
    "guinea pig", "guinea pigs", "turkey", "chad", "jordan", "georgia", "american express",
    "american airlines", "native american", "native americans", "indian ocean", "american football",
    "english", "french", "spanish", "portuguese", "arab", "arabic", "united nations",
    "washington post", "new york times", "wall street journal", "paris agreement", "paris climate",
)  # fmt: skip

# Read case-sensitively on the original text: capitalised abbreviations whose lower case
# is a common word ("US" / "us", "EU" / Portuguese "eu").
CASED: dict[str, str] = {"US": "north-america", "EU": "europe"}

_WEIGHTS: dict[str, tuple[str, int]] = {}
for _topic, (_strong, _weak) in TOPICS.items():
    for _w in _weak:
        _WEIGHTS.setdefault(_w, (_topic, WEAK))
    for _w in _strong:
        _WEIGHTS[_w] = (_topic, STRONG)
# A cue listed for two topics (e.g. "data") keeps the first strong one, else the first weak one.


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# Lookarounds instead of \b, so "u.s." and "a.i." (ending in a dot) match too.
_CUE_RE = re.compile(r"(?<![\w])(" + _alternation(_WEIGHTS) + r")(?:e?s)?(?![\w])")
_REGION_OF: dict[str, str | None] = {p: r for r, ps in REGIONS.items() for p in ps}
_REGION_OF.update(dict.fromkeys(NOT_PLACES))
_PLACE_RE = re.compile(r"(?<![\w])(" + _alternation(_REGION_OF) + r")(?![\w])")
_CASED_RE = re.compile(r"(?<![\w.])(" + _alternation(CASED) + r")(?![\w.])")
# A wire dateline: "NAIROBI —", "SAO PAULO, Brazil —", "LONDON (Reuters) -".
_DATELINE = re.compile(
    r"^\s*([A-Z][A-Z .'’-]{2,40}?)"  # the place, in capitals
    r"(?:,[^—–\n]{0,40})?\s*(?:\([^)]{0,30}\)\s*)?"  # ", Brazil", "(Reuters)"
    r"[—–-]\s"
)


def _fields(items: Iterable[Item]) -> list[list[tuple[str, int]]]:
    """Per non-duplicate item: its fields (text, weight): title, dateline, lead."""
    out = []
    for it in items:
        if it.duplicate_of is not None:
            continue
        text = (it.text or "")[:LEAD_CHARS]
        fields = [(it.title or "", TITLE_WEIGHT)]
        m = _DATELINE.match(text)
        if m:
            fields.append((m.group(1), TITLE_WEIGHT))
            text = text[m.end() :]
        fields.append((text, 1))
        out.append(fields)
    return out


def _vote(points: Counter[str]) -> Counter[str]:
    """One item's vote, split over its keys by points; partial when evidence is thin."""
    total = sum(points.values())
    if not total:
        return Counter()
    share = min(1.0, total / FULL_VOTE) / total
    return Counter({k: v * share for k, v in points.items()})


def topic_votes(items: Iterable[Item]) -> Counter[str]:
    """Summed item votes per topic (for explaining a decision)."""
    votes: Counter[str] = Counter()
    for fields in _fields(items):
        points: Counter[str] = Counter()
        for text, weight in fields:
            for cue in set(_CUE_RE.findall(text.lower())):
                topic, strength = _WEIGHTS[cue]
                points[topic] += strength * weight
        votes.update(_vote(points))
    return votes


def classify_topic(items: Iterable[Item]) -> str | None:
    """The topic the story's items vote for clearly, or None."""
    ranked = topic_votes(items).most_common(2) + [("", 0.0), ("", 0.0)]
    (top, n), (_, runner_up) = ranked[0], ranked[1]
    return top if n >= MIN_VOTES and n >= MIN_LEAD * runner_up else None


def _places(text: str) -> set[tuple[str, str]]:
    found = {(p, r) for p in _PLACE_RE.findall(text.lower()) if (r := _REGION_OF[p])}
    if not text.isupper():  # in an all-caps line "US" may be the pronoun
        found |= {(a, CASED[a]) for a in _CASED_RE.findall(text)}
    return found


def region_votes(items: Iterable[Item]) -> tuple[Counter[str], int]:
    """Summed item votes per region, and how many place mentions they come from."""
    votes: Counter[str] = Counter()
    mentions = 0
    for fields in _fields(items):
        points: Counter[str] = Counter()
        for text, weight in fields:
            for _place, region in _places(text):
                points[region] += weight
                mentions += 1
        votes.update(_vote(points))
    return votes, mentions


def classify_region(items: Iterable[Item]) -> str:
    """The region the places named point to; "world" when none dominates."""
    votes, mentions = region_votes(items)
    if not votes:
        return "world"
    top, n = votes.most_common(1)[0]
    return top if mentions >= 2 and n >= 0.5 * sum(votes.values()) else "world"


def classify_story(items: list[Item]) -> tuple[str | None, str]:
    """(topic, region) of a story."""
    items = list(items)
    return classify_topic(items), classify_region(items)

"""The texts of the demo sales warehouse in English and Polish: the values its tables hold
(regions, segments, product names…), the datasets' titles and column labels, the questions
and the dashboard (see :mod:`openmis.core.demotext`)."""

# The values written into the warehouse, per language; lists keep their order (a row's
# value is picked by position, so both languages hold the same data).
VALUES = {
    "en": {
        "regions": ["North", "South", "West", "East"],
        "segments": ["Enterprise", "SMB", "Public sector", "Consumer"],
        "channels": ["web", "partner", "direct", "phone"],
        "statuses": ["completed", "cancelled"],
        "categories": ["Software", "Hardware", "Services", "Training", "Support"],
    },
    "pl": {
        "regions": ["Północ", "Południe", "Zachód", "Wschód"],
        "segments": ["Duże firmy", "MŚP", "Sektor publiczny", "Klienci indywidualni"],
        "channels": ["internet", "partner", "bezpośrednio", "telefon"],
        "statuses": ["zrealizowane", "anulowane"],
        "categories": ["Oprogramowanie", "Sprzęt", "Usługi", "Szkolenia", "Wsparcie"],
    },
}

# Product names by category (in the order of "categories"): 16 products, each in 5 variants,
# give the 80 distinct names a category needs. (English, Polish) pairs.
PRODUCTS = [
    (  # Software
        [
            ("Microsoft 365 Business Standard licence", "Licencja Microsoft 365 Business Standard"),
            ("Microsoft 365 E3 licence", "Licencja Microsoft 365 E3"),
            ("Windows 11 Pro licence", "Licencja Windows 11 Pro"),
            ("Adobe Acrobat Pro", "Adobe Acrobat Pro"),
            ("Adobe Creative Cloud", "Adobe Creative Cloud"),
            ("AutoCAD LT", "AutoCAD LT"),
            ("Comarch ERP XL user licence", "Licencja użytkownika Comarch ERP XL"),
            ("ESET Endpoint Security", "ESET Endpoint Security"),
            ("Veeam Backup & Replication", "Veeam Backup & Replication"),
            ("Atlassian Jira Software", "Atlassian Jira Software"),
            ("Atlassian Confluence", "Atlassian Confluence"),
            ("Slack Business+", "Slack Business+"),
            ("Zoom Workplace Business", "Zoom Workplace Business"),
            ("Salesforce Sales Cloud licence", "Licencja Salesforce Sales Cloud"),
            ("Tableau Creator", "Tableau Creator"),
            ("Power BI Pro licence", "Licencja Power BI Pro"),
        ],
        [
            (" — 1 user, 1 year", " — 1 użytkownik, 1 rok"),
            (" — 10 users", " — 10 użytkowników"),
            (" — 50 users", " — 50 użytkowników"),
            (" — 3 years", " — 3 lata"),
            (" — renewal", " — odnowienie"),
        ],
    ),
    (  # Hardware
        [
            ("Laptop Dell Latitude 5540", "Laptop Dell Latitude 5540"),
            ("Laptop Lenovo ThinkPad T14", "Laptop Lenovo ThinkPad T14"),
            ("Laptop HP EliteBook 840", "Laptop HP EliteBook 840"),
            ("Monitor Dell P2723D 27 in", "Monitor Dell P2723D 27 cali"),
            ("Monitor LG 27UP850", "Monitor LG 27UP850"),
            ("Docking station Dell WD19S", "Stacja dokująca Dell WD19S"),
            ("Printer HP LaserJet Pro M404", "Drukarka HP LaserJet Pro M404"),
            ("Switch Cisco Catalyst 9200", "Przełącznik Cisco Catalyst 9200"),
            ("Router MikroTik RB5009", "Router MikroTik RB5009"),
            ("Server Dell PowerEdge R650", "Serwer Dell PowerEdge R650"),
            ("Barcode scanner Zebra DS2208", "Czytnik kodów Zebra DS2208"),
            ("Tablet Samsung Galaxy Tab S9", "Tablet Samsung Galaxy Tab S9"),
            ("Smartphone Samsung Galaxy A55", "Smartfon Samsung Galaxy A55"),
            ("Headset Jabra Evolve2 65", "Zestaw słuchawkowy Jabra Evolve2 65"),
            ("NAS Synology DS923+", "Serwer NAS Synology DS923+"),
            ("UPS APC Smart-UPS 1500", "Zasilacz UPS APC Smart-UPS 1500"),
        ],
        [
            ("", ""),
            (" (5 pcs)", " (5 szt.)"),
            (" (10 pcs)", " (10 szt.)"),
            (" with 3-year warranty", " z gwarancją 3 lata"),
            (" with on-site service", " z serwisem w miejscu"),
        ],
    ),
    (  # Services
        [
            ("ERP implementation", "Wdrożenie ERP"),
            ("Data migration", "Migracja danych"),
            ("Security audit", "Audyt bezpieczeństwa"),
            ("Network installation", "Instalacja sieci"),
            ("Migration to Microsoft 365", "Migracja do Microsoft 365"),
            ("Penetration test", "Test penetracyjny"),
            ("Backup configuration", "Konfiguracja kopii zapasowych"),
            ("Cloud architecture review", "Przegląd architektury chmury"),
            ("Integration development", "Budowa integracji"),
            ("Report development", "Przygotowanie raportów"),
            ("Website development", "Budowa strony internetowej"),
            ("Hardware installation", "Instalacja sprzętu"),
            ("IT inventory", "Inwentaryzacja IT"),
            ("GDPR compliance review", "Przegląd zgodności z RODO"),
            ("Disaster recovery plan", "Plan odtwarzania po awarii"),
            ("Virtualisation setup", "Konfiguracja wirtualizacji"),
        ],
        [
            (" — small scope", " — mały zakres"),
            (" — medium scope", " — średni zakres"),
            (" — large scope", " — duży zakres"),
            (" — remote", " — zdalnie"),
            (" — on site", " — na miejscu"),
        ],
    ),
    (  # Training
        [
            ("Excel for analysts", "Excel dla analityków"),
            ("Power BI basics", "Podstawy Power BI"),
            ("SQL for beginners", "SQL dla początkujących"),
            ("Cybersecurity awareness", "Świadomość cyberbezpieczeństwa"),
            ("GDPR for staff", "RODO dla pracowników"),
            ("Project management", "Zarządzanie projektami"),
            ("Scrum Master", "Scrum Master"),
            ("ITIL 4 Foundation", "ITIL 4 Foundation"),
            ("Python for data analysis", "Python do analizy danych"),
            ("Salesforce for users", "Salesforce dla użytkowników"),
            ("Comarch ERP XL for accountants", "Comarch ERP XL dla księgowych"),
            ("Microsoft Teams in practice", "Microsoft Teams w praktyce"),
            ("Negotiation skills", "Techniki negocjacji"),
            ("Customer service", "Obsługa klienta"),
            ("Leadership for managers", "Przywództwo dla kierowników"),
            ("Time management", "Zarządzanie czasem"),
        ],
        [
            (" — 1 day", " — 1 dzień"),
            (" — 2 days", " — 2 dni"),
            (" — online", " — online"),
            (" — group of 10", " — grupa 10 osób"),
            (" — e-learning", " — e-learning"),
        ],
    ),
    (  # Support
        [
            ("Helpdesk support", "Wsparcie helpdesk"),
            ("Server maintenance", "Utrzymanie serwerów"),
            ("Network monitoring", "Monitoring sieci"),
            ("ERP support", "Wsparcie ERP"),
            ("CRM support", "Wsparcie CRM"),
            ("Backup monitoring", "Monitoring kopii zapasowych"),
            ("Workstation support", "Wsparcie stanowisk pracy"),
            ("Printer service", "Serwis drukarek"),
            ("Database administration", "Administracja bazami danych"),
            ("Security monitoring (SOC)", "Monitoring bezpieczeństwa (SOC)"),
            ("Cloud operations", "Utrzymanie chmury"),
            ("Application maintenance", "Utrzymanie aplikacji"),
            ("On-call service", "Dyżur serwisowy"),
            ("Patch management", "Zarządzanie poprawkami"),
            ("Licence management", "Zarządzanie licencjami"),
            ("Website hosting", "Hosting strony internetowej"),
        ],
        [
            (" — Basic", " — pakiet Podstawowy"),
            (" — Standard", " — pakiet Standard"),
            (" — Premium", " — pakiet Premium"),
            (" — 24/7", " — 24/7"),
            (" — annual", " — umowa roczna"),
        ],
    ),
]

# dataset: (title, description, {column: label}) in Polish, by the English dataset name
POLISH_DATASETS = {
    "regions": (
        "Regiony sprzedaży",
        "Cztery regiony sprzedaży i ich siedziby.",
        {"region": "Region", "head_office": "Siedziba"},
    ),
    "customers": (
        "Klienci",
        "Wszyscy klienci z regionem, segmentem i datą rozpoczęcia współpracy.",
        {
            "id": "Identyfikator",
            "name": "Nazwa",
            "region": "Region",
            "segment": "Segment",
            "customer_since": "Klient od",
        },
    ),
    "products": (
        "Produkty",
        "Katalog produktów z cenami katalogowymi (PLN).",
        {"id": "Identyfikator", "name": "Nazwa", "category": "Kategoria", "list_price": "Cena"},
    ),
    "orders": (
        "Zamówienia",
        "Nagłówki zamówień: klient, data, kanał, status.",
        {
            "id": "Identyfikator",
            "customer_id": "Klient",
            "order_date": "Data zamówienia",
            "channel": "Kanał",
            "status": "Status",
        },
    ),
    "order_lines": (
        "Pozycje zamówień",
        "Jeden wiersz na produkt w zamówieniu; kwota w PLN.",
        {
            "id": "Identyfikator",
            "order_id": "Zamówienie",
            "customer_id": "Klient",
            "order_date": "Data zamówienia",
            "product_id": "Produkt",
            "quantity": "Ilość",
            "unit_price": "Cena jednostkowa",
            "discount_percent": "Rabat (%)",
            "amount": "Kwota",
        },
    ),
    "sales_targets": (
        "Cele sprzedażowe",
        "Miesięczne cele przychodu na region; każdy dział sprzedaży widzi swój region.",
        {"region": "Region", "month": "Miesiąc", "target": "Cel"},
    ),
}

# dataset: {column: label} in English
ENGLISH_LABELS = {
    "regions": {"region": "Region", "head_office": "Head office"},
    "customers": {
        "id": "ID",
        "name": "Name",
        "region": "Region",
        "segment": "Segment",
        "customer_since": "Customer since",
    },
    "products": {"id": "ID", "name": "Name", "category": "Category", "list_price": "List price"},
    "orders": {
        "id": "ID",
        "customer_id": "Customer",
        "order_date": "Order date",
        "channel": "Channel",
        "status": "Status",
    },
    "order_lines": {
        "id": "ID",
        "order_id": "Order",
        "customer_id": "Customer",
        "order_date": "Order date",
        "product_id": "Product",
        "quantity": "Quantity",
        "unit_price": "Unit price",
        "discount_percent": "Discount (%)",
        "amount": "Amount",
    },
    "sales_targets": {"region": "Region", "month": "Month", "target": "Target"},
}

# The output names of the questions' columns (a chart's legend and axis names), in Polish
OUTPUT_NAMES = {
    "revenue": "przychód",
    "month": "miesiąc",
    "orders": "zamówienia",
    "quarter": "kwartał",
    "year": "rok",
    "target": "cel",
    "customer.region": "region klienta",
    "customer.segment": "segment klienta",
    "product.name": "produkt",
    "region": "region",
}

POLISH = {
    # questions and the dashboard
    "Revenue by month": "Przychód według miesięcy",
    "Revenue by customer region": "Przychód według regionu klienta",
    "Revenue by segment": "Przychód według segmentu",
    "Top 10 products": "10 najlepszych produktów",
    "Orders per quarter": "Zamówienia w kwartale",
    "Revenue by region and quarter": "Przychód według regionu i roku",
    "Monthly targets": "Cele miesięczne",
    "Sales overview": "Przegląd sprzedaży",
    "Revenue, customers and products at a glance.": (
        "Przychód, klienci i produkty w jednym miejscu."
    ),
}


def product_names(language: str) -> list[str]:
    """The names of the demo's products in id order: product ``i`` (from 0) is in category
    ``i % 5`` and is its ``i // 5``-th product."""
    column = 1 if language == "pl" else 0
    count = 80 * len(PRODUCTS)
    names = []
    for i in range(count):
        bases, variants = PRODUCTS[i % len(PRODUCTS)]
        k = i // len(PRODUCTS)
        base, variant = bases[k % len(bases)], variants[(k // len(bases)) % len(variants)]
        names.append(base[column] + variant[column])
    return names


# Customer names: a kind of business, a name and a legal form, combined from these lists,
# (kind, name, form) different for every customer. Invented; any likeness to a real firm is
# a coincidence of common words.
CUSTOMER_WORDS = {
    "en": {
        "names": [
            first + second
            for first in (
                "North",
                "Blue",
                "Oak",
                "Silver",
                "Red",
                "Green",
                "Stone",
                "Clear",
                "Bright",
                "Iron",
                "Maple",
                "River",
                "Cedar",
                "Golden",
                "West",
                "East",
                "High",
                "Fair",
                "Elm",
                "Ash",
            )
            for second in ("wind", "field", "ridge", "brook", "gate", "water", "haven")
        ],
        "kinds": [
            "Supplies",
            "Logistics",
            "Trading",
            "Systems",
            "Foods",
            "Engineering",
            "Textiles",
            "Print",
            "Furniture",
            "Motors",
            "Pharma",
            "Media",
            "Analytics",
            "Builders",
            "Electrics",
            "Hardware",
            "Outfitters",
            "Consulting",
            "Packaging",
            "Labs",
            "Wholesale",
            "Retail",
            "Freight",
            "Energy",
            "Software",
            "Interiors",
            "Optics",
            "Robotics",
            "Ceramics",
            "Dairies",
        ],
        "forms": ["Ltd", "LLC", "Inc.", "PLC", "& Co."],
        "pattern": "{name} {kind} {form}",
    },
    "pl": {
        "names": [
            "Mazur",
            "Wróbel",
            "Kowalczyk",
            "Zając",
            "Sikora",
            "Baran",
            "Duda",
            "Szewczyk",
            "Pietrzak",
            "Marczak",
            "Jabłoński",
            "Król",
            "Wieczorek",
            "Nowicki",
            "Grabowski",
            "Pawlak",
            "Michalski",
            "Zalewski",
            "Jasiński",
            "Wilk",
            "Olszewski",
            "Stępień",
            "Malinowski",
            "Górski",
            "Witkowski",
            "Sadowski",
            "Rutkowski",
            "Kubiak",
            "Lis",
            "Kaczmarek",
            "Czerwiński",
            "Sobczak",
            "Kołodziej",
            "Borkowski",
            "Czarnecki",
            "Bursztyn",
            "Bałtyk",
            "Warta",
            "Wisła",
            "Odra",
            "Mazowsze",
            "Pomorze",
            "Sudety",
            "Kaszuby",
            "Roztocze",
            "Podlasie",
            "Tatry",
            "Bieszczady",
            "Narew",
            "Bug",
            "Noteć",
            "Jantar",
            "Orlik",
            "Sokół",
            "Dąb",
            "Jodła",
            "Wrzos",
            "Kłos",
            "Skowronek",
            "Żuraw",
            "Bocian",
            "Jeżyk",
            "Modrzew",
            "Grab",
            "Lipa",
            "Rydz",
            "Kruk",
            "Jaskółka",
            "Pszczółka",
            "Słonecznik",
        ],
        "kinds": [
            "Hurtownia",
            "Przedsiębiorstwo Handlowe",
            "Zakład Usługowy",
            "Pracownia",
            "Drukarnia",
            "Piekarnia",
            "Biuro Rachunkowe",
            "Serwis",
            "Transport",
            "Handel",
            "Studio",
            "Kancelaria",
            "Apteka",
            "Masarnia",
            "Tartak",
            "Wytwórnia",
            "Spółdzielnia",
            "Warsztat",
            "Salon",
            "Przetwórnia",
            "Mleczarnia",
            "Zakłady Mięsne",
            "Instalacje",
            "Budownictwo",
            "Meble",
            "Ogrody",
            "Szkółka",
            "Elektro",
            "Logistyka",
            "Chłodnie",
            "Papiernia",
            "Browar",
            "Tłocznia",
            "Odlewnia",
            "Agencja",
            "Optyka",
            "Poligrafia",
            "Stolarnia",
            "Kamieniarstwo",
            "Tkalnia",
        ],
        "forms": [
            "sp. z o.o.",
            "S.A.",
            "sp.j.",
            "s.c.",
            "sp.k.",
            "sp. z o.o. sp.k.",
            "i Syn s.c.",
            "i Wspólnicy sp.j.",
        ],
        "pattern": "{kind} {name} {form}",
    },
}
CUSTOMER_SEED = 20260113


def customer_names(language: str, count: int) -> list[str]:
    """``count`` different customer names in ``language`` (``en`` or ``pl``), in id order:
    the same on every run (drawn with :data:`CUSTOMER_SEED`).

    Raises ValueError when the lists cannot make ``count`` different names.
    """
    import random

    words = CUSTOMER_WORDS["pl" if language == "pl" else "en"]
    names, kinds, forms = words["names"], words["kinds"], words["forms"]
    possible = len(names) * len(kinds) * len(forms)
    if count > possible:
        raise ValueError(f"Only {possible} customer names can be made, not {count}.")
    draws = random.Random(CUSTOMER_SEED).sample(range(possible), count)  # noqa: S311 -- demo data
    result = []
    for draw in draws:
        name, rest = divmod(draw, len(kinds) * len(forms))
        kind, form = divmod(rest, len(forms))
        result.append(words["pattern"].format(name=names[name], kind=kinds[kind], form=forms[form]))
    return result

"""The Polish texts of the demo portfolio, keyed by their English text (see
:mod:`openmis.core.demotext`). Vendors and named products (Comarch ERP XL, Microsoft 365,
Salesforce Sales Cloud…) keep their real names."""

POLISH = {
    # capabilities
    "Customer management": "Zarządzanie klientami",
    "Order management": "Obsługa zamówień",
    "Finance and accounting": "Finanse i księgowość",
    "Payroll": "Płace",
    "Human resources": "Kadry",
    "Warehouse and logistics": "Magazyn i logistyka",
    "Marketing": "Marketing",
    "Reporting and BI": "Raportowanie i BI",
    "Collaboration": "Współpraca",
    "IT infrastructure": "Infrastruktura IT",
    "Security": "Bezpieczeństwo",
    "Integration": "Integracja",
    # systems (the named products stay as they are)
    "Enova365 Payroll": "Enova365 Płace",
    "HR Portal": "Portal kadrowy",
    "Legacy CRM 2012": "Stary CRM 2012",
    "Service Desk": "Service Desk",
    "Confluence Wiki": "Wiki Confluence",
    "Warehouse WMS": "Magazynowy WMS",
    "Courier Integration": "Integracja z kurierami",
    "E-commerce Shop": "Sklep internetowy",
    "Synerise Marketing Automation": "Synerise Automatyzacja Marketingu",
    "Newsletter Tool": "Narzędzie newsletterowe",
    "Data Warehouse": "Hurtownia danych",
    "Reporting Server": "Serwer raportów",
    "EDI Gateway": "Bramka EDI",
    "Integration Bus": "Szyna integracyjna",
    "Document Archive": "Archiwum dokumentów",
    "Expense Claims": "Rozliczanie wydatków",
    "Bank Connector": "Łącznik bankowy",
    "Contact Centre Telephony": "Telefonia contact center",
    "Complaints Tracker": "Rejestr reklamacji",
    "Cloud CRM": "CRM w chmurze",
    "Self-service BI": "Samoobsługowe BI",
    "Mobile Sales App": "Mobilna aplikacja sprzedażowa",
    "Backup Platform": "Platforma kopii zapasowych",
    "Firewall Cluster": "Klaster zapór sieciowych",
    "Virtualisation Cluster": "Klaster wirtualizacji",
    "Colocation Racks": "Szafy w kolokacji",
    "VPN Service": "Usługa VPN",
    "Intranet": "Intranet",
    "Recruitment System": "System rekrutacyjny",
    "Fleet Tracking": "Monitoring floty",
    "Quality Management": "Zarządzanie jakością",
    "Sage Symfonia (old)": "Sage Symfonia (stara)",
    "Price Calculator": "Kalkulator cen",
    "Partner Portal": "Portal partnerski",
    "Customer Survey Tool": "Narzędzie ankiet klientów",
    # what the systems are for
    "Ledger, invoicing, purchasing and stock: the company's books.": (
        "Księga główna, fakturowanie, zakupy i stany magazynowe: księgi firmy."
    ),
    "Payroll and social security filings.": "Płace i deklaracje ZUS.",
    "Leave requests, payslips and personal data for every employee.": (
        "Wnioski urlopowe, paski wypłat i dane osobowe każdego pracownika."
    ),
    "Customer records and complaints of the contact centre, being replaced.": (
        "Kartoteka klientów i reklamacje contact center; w trakcie wymiany."
    ),
    "Pipeline, quotes and accounts of the sales teams.": (
        "Lejek sprzedaży, oferty i konta klientów zespołów sprzedaży."
    ),
    "IT requests and incidents of the whole company.": "Zgłoszenia i incydenty IT całej firmy.",
    "Procedures, meeting notes and team pages.": "Procedury, notatki ze spotkań i strony zespołów.",
    "E-mail, calendars, Teams and documents.": "Poczta, kalendarze, Teams i dokumenty.",
    "Accounts, groups and sign-in for every system.": (
        "Konta, grupy i logowanie do wszystkich systemów."
    ),
    "Stock locations, picking and shipping in the warehouse.": (
        "Lokalizacje, kompletacja i wysyłka w magazynie."
    ),
    "Labels and tracking with the courier companies.": (
        "Etykiety i śledzenie przesyłek u firm kurierskich."
    ),
    "The online shop for business and private customers.": (
        "Sklep internetowy dla klientów firmowych i indywidualnych."
    ),
    "Campaigns, segments and web tracking.": "Kampanie, segmenty i śledzenie ruchu na stronie.",
    "The monthly newsletter and its subscribers.": "Comiesięczny newsletter i jego subskrybenci.",
    "Sales, finance and marketing data for reporting.": (
        "Dane sprzedaży, finansów i marketingu do raportowania."
    ),
    "Scheduled reports from the data warehouse, to be retired.": (
        "Raporty cykliczne z hurtowni danych; do wycofania."
    ),
    "The MIS office's portfolio, meetings, feedback and BI.": (
        "Portfel systemów, spotkania, opinie i BI działu MIS."
    ),
    "Electronic orders and invoices with wholesale customers.": (
        "Elektroniczne zamówienia i faktury z klientami hurtowymi."
    ),
    "Moves orders, invoices and customers between systems.": (
        "Przesyła zamówienia, faktury i dane klientów między systemami."
    ),
    "Scanned invoices and contracts, kept for audits.": (
        "Skany faktur i umów przechowywane na potrzeby audytu."
    ),
    "Business trip and expense claims with approvals.": (
        "Rozliczenia delegacji i wydatków z akceptacją."
    ),
    "Bank statements in, payment orders out.": "Wyciągi bankowe do systemu, przelewy do banku.",
    "Calls, queues and recordings of the contact centre.": (
        "Połączenia, kolejki i nagrania contact center."
    ),
    "Customer complaints and their resolution.": "Reklamacje klientów i ich rozpatrywanie.",
    "The new CRM of the contact centre, in pilot.": "Nowy CRM contact center, w pilotażu.",
    "Dashboards analysts build themselves, under evaluation.": (
        "Pulpity budowane samodzielnie przez analityków; w ocenie."
    ),
    "Orders and customer visits from a phone, proposed.": (
        "Zamówienia i wizyty u klientów z telefonu; propozycja."
    ),
    "Nightly backups of servers and databases.": "Nocne kopie zapasowe serwerów i baz danych.",
    "The company's network perimeter.": "Ochrona brzegu sieci firmowej.",
    "Hosts the on-premises servers.": "Hostuje serwery lokalne.",
    "Racks, power and connectivity at the data centre.": (
        "Szafy, zasilanie i łącza w centrum danych."
    ),
    "Remote access for staff working from home.": (
        "Zdalny dostęp dla pracowników pracujących z domu."
    ),
    "Company news and the staff directory.": "Aktualności firmy i książka adresowa pracowników.",
    "Job offers, candidates and interviews.": "Oferty pracy, kandydaci i rozmowy rekrutacyjne.",
    "Positions and routes of the delivery vans.": "Pozycje i trasy samochodów dostawczych.",
    "Inspections, non-conformities and corrective actions.": (
        "Kontrole, niezgodności i działania korygujące."
    ),
    "The former accounting system, kept read-only.": (
        "Dawny system księgowy, dostępny tylko do odczytu."
    ),
    "Price lists and discounts for quotes and the shop.": "Cenniki i rabaty do ofert i sklepu.",
    "Orders and price lists for resellers.": "Zamówienia i cenniki dla partnerów handlowych.",
    "Satisfaction surveys after orders and calls.": (
        "Ankiety satysfakcji po zamówieniach i rozmowach."
    ),
    # data exchanged between systems
    "Identities": "Tożsamości",
    "Payroll postings": "Księgowania płac",
    "Employee changes": "Zmiany kadrowe",
    "Ledger, invoices": "Księga główna, faktury",
    "Orders": "Zamówienia",
    "Orders to pick": "Zamówienia do kompletacji",
    "Shipments": "Przesyłki",
    "Tracking numbers": "Numery przesyłek",
    "Invoices": "Faktury",
    "Purchase orders": "Zamówienia zakupu",
    "Bank statements": "Wyciągi bankowe",
    "Payment orders": "Polecenia przelewu",
    "Quotes, accounts": "Oferty, konta klientów",
    "Invoices, payments": "Faktury, płatności",
    "Customers": "Klienci",
    "Call records": "Rejestr połączeń",
    "Pipeline": "Lejek sprzedaży",
    "Campaign results": "Wyniki kampanii",
    "Web events": "Zdarzenia ze strony",
    "Reports data": "Dane do raportów",
    "BI warehouse": "Hurtownia BI",
    "Scanned invoices": "Skany faktur",
    "Hosting": "Hosting",
    "Backups": "Kopie zapasowe",
    "Network": "Sieć",
    "Power, racks": "Zasilanie, szafy",
    "Prices": "Ceny",
    "Partner orders": "Zamówienia partnerów",
    "Customer migration": "Migracja klientów",
    "Vehicle positions": "Pozycje pojazdów",
    "Cost centres": "Centra kosztów",
    # deployment projects and their milestones
    "Salesforce roll-out for Sales": "Wdrożenie Salesforce w Sprzedaży",
    "Cloud CRM for Customer Relations": "CRM w chmurze dla Obsługi Klienta",
    "Requirements signed off": "Wymagania zatwierdzone",
    "Data migrated": "Dane zmigrowane",
    "Users trained": "Użytkownicy przeszkoleni",
    "Go-live": "Uruchomienie produkcyjne",
    "Pilot group selected": "Wybrana grupa pilotażowa",
    "Customer data migrated": "Dane klientów zmigrowane",
    "Contact centre trained": "Contact center przeszkolone",
    "Pilot with two sales teams": "Pilotaż z dwoma zespołami sprzedaży",
}

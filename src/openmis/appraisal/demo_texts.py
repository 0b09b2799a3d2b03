"""The Polish texts of the demo evaluations, keyed by their English text (see
:mod:`openmis.core.demotext`)."""

POLISH = {
    "CRM replacement": "Wymiana systemu CRM",
    "The 2012 on-premises CRM is out of support, slow, and keeps customer data apart from "
    "sales; agents retype orders and complaints take days to route.": (
        "Lokalny CRM z 2012 roku nie ma już wsparcia, działa wolno i trzyma dane klientów "
        "z dala od sprzedaży; konsultanci przepisują zamówienia, a przekazanie reklamacji "
        "trwa całe dni."
    ),
    "Cloud CRM (SaaS)": "CRM w chmurze (SaaS)",
    "On-premises upgrade": "Aktualizacja lokalnej instalacji",
    "Keep the current CRM": "Pozostanie przy obecnym CRM",
    "BI platform": "Platforma BI",
    "Sales and marketing build reports in spreadsheets from CSV extracts; numbers differ "
    "between departments and nobody can share a dashboard.": (
        "Sprzedaż i marketing budują raporty w arkuszach z wyciągów CSV; liczby różnią się "
        "między działami i nikt nie może udostępnić pulpitu."
    ),
    "Open-source BI on our servers": "BI open source na naszych serwerach",
    "Commercial cloud BI": "Komercyjne BI w chmurze",
    "Laptop fleet refresh": "Wymiana floty laptopów",
    "140 laptops are six years old; repairs and lost hours are rising.": (
        "140 laptopów ma sześć lat; rosną koszty napraw i liczba straconych godzin."
    ),
    "Buy 140 laptops": "Zakup 140 laptopów",
    "Lease 140 laptops": "Leasing 140 laptopów",
    "Keep and repair": "Dalsze użytkowanie i naprawy",
    "Security": "Bezpieczeństwo",
    "Usability": "Użyteczność",
    "Vendor viability": "Stabilność dostawcy",
    "Integration": "Integracja",
    "Implementation risk": "Ryzyko wdrożenia",
    "Buying has the higher NPV over four years and leaves a residual value; leasing costs "
    "more once support is included.": (
        "Zakup ma wyższe NPV w horyzoncie czterech lat i zostawia wartość rezydualną; leasing "
        "kosztuje więcej po doliczeniu wsparcia."
    ),
    # the story of one complaint (feedback.demo.load_story)
    "Real-time messages from the EDI Gateway": "Komunikaty w czasie rzeczywistym z bramki EDI",
    "An extra confirmation run at noon": "Dodatkowy przebieg potwierdzeń w południe",
    "Keep the nightly batch": "Pozostawić nocny przebieg",
    "The priority client's pharmacies learn the next morning whether their EDI orders "
    "were accepted, and phone Customer Relations to ask.": (
        "Apteki priorytetowego klienta dowiadują się dopiero następnego dnia rano, czy ich "
        "zamówienia EDI zostały przyjęte, i dzwonią z pytaniem do Obsługi Klienta."
    ),
    "Only real-time messages stop the calls: the noon run still leaves the afternoon "
    "orders unconfirmed until the next day, and it pays back within the first year.": (
        "Tylko komunikaty w czasie rzeczywistym kończą telefony: przebieg w południe nadal "
        "zostawia popołudniowe zamówienia bez potwierdzenia do następnego dnia, a inwestycja "
        "zwraca się w pierwszym roku."
    ),
}

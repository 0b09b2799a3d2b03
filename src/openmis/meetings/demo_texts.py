"""The Polish texts of the demo meetings, keyed by their English text (see
:mod:`openmis.core.demotext`). Client names are Polish in both languages."""

POLISH = {
    # clients and their contacts
    "Largest wholesale customer; EDI orders and a customer portal.": (
        "Największy klient hurtowy; zamówienia przez EDI i portal klienta."
    ),
    "Franchise network of 120 shops; weekly replenishment files.": (
        "Sieć franczyzowa 120 sklepów; cotygodniowe pliki uzupełnień."
    ),
    "Public tender customer; strict reporting requirements.": (
        "Klient z przetargu publicznego; ścisłe wymagania sprawozdawcze."
    ),
    "IT director": "Dyrektor IT",
    "Purchasing manager": "Kierownik zakupów",
    "Head of operations": "Kierownik operacji",
    "E-commerce lead": "Lider e-commerce",
    "Procurement officer": "Specjalista ds. zamówień publicznych",
    # series
    "Weekly with Marketing leaders": "Cotygodniowe spotkanie z kierownictwem Marketingu",
    "Weekly with Finance leaders": "Cotygodniowe spotkanie z kierownictwem Finansów",
    "Weekly with Customer Relations leaders": (
        "Cotygodniowe spotkanie z kierownictwem Obsługi Klienta"
    ),
    "Monthly with {client}": "Comiesięczne spotkanie: {client}",
    "MIS meeting room / Teams": "Sala spotkań MIS / Teams",
    "Client's office, Warsaw": "Biuro klienta, Warszawa",
    "How the systems we deployed work for the team, what to improve next.": (
        "Jak wdrożone systemy sprawdzają się w zespole i co poprawić w następnej kolejności."
    ),
    "Service review: EDI orders, the customer portal, open issues.": (
        "Przegląd usług: zamówienia EDI, portal klienta, otwarte sprawy."
    ),
    # agenda
    "How is {system} working for the team since the last release?": (
        "Jak {system} działa w zespole od ostatniego wydania?"
    ),
    "Report from {system} is slow at month end": "Raport z {system} zwalnia na koniec miesiąca",
    "Training needs for {system}": "Potrzeby szkoleniowe: {system}",
    "Data quality in {system}": "Jakość danych w {system}",
    "Integration of {system} with the data warehouse": ("Integracja {system} z hurtownią danych"),
    "Licence count of {system} for next year": "Liczba licencji {system} na przyszły rok",
    "Feature request: export from {system} to Excel": (
        "Prośba o funkcję: eksport z {system} do Excela"
    ),
    "Budget for the next quarter": "Budżet na następny kwartał",
    "New joiners and their accounts": "Nowi pracownicy i ich konta",
    "Security awareness campaign": "Kampania świadomości bezpieczeństwa",
    "Priorities for the MIS backlog": "Priorytety backlogu MIS",
    "Feedback from customers on the online portal": "Opinie klientów o portalu internetowym",
    # outcomes
    "Pilot the change with one team for two weeks before rolling it out.": (
        "Przed wdrożeniem przetestować zmianę przez dwa tygodnie w jednym zespole."
    ),
    "MIS prepares an estimate before the next meeting.": (
        "MIS przygotuje wycenę przed następnym spotkaniem."
    ),
    "The current process stays until the new release is tested.": (
        "Obecny proces zostaje do czasu przetestowania nowego wydania."
    ),
    "Move the report to the overnight batch.": "Przenieść raport do przetwarzania nocnego.",
    "Add the topic to the improvement backlog with high priority.": (
        "Dodać temat do backlogu ulepszeń z wysokim priorytetem."
    ),
    "The vendor confirmed the fix for the next release.": (
        "Dostawca potwierdził poprawkę w następnym wydaniu."
    ),
    "Usage grew by 15 % since the last month.": "Użycie wzrosło o 15% od zeszłego miesiąca.",
    "Two people from the team completed the advanced training.": (
        "Dwie osoby z zespołu ukończyły szkolenie zaawansowane."
    ),
    "The interface has been stable since the hosting change.": (
        "Interfejs działa stabilnie od zmiany hostingu."
    ),
    # action items
    "Send the campaign results to MIS": "Wysłać wyniki kampanii do MIS",
    "List the newsletter segments to migrate": "Spisać segmenty newslettera do migracji",
    "Prepare the figures for the marketing dashboard": (
        "Przygotować dane do pulpitu marketingowego"
    ),
    "Collect examples of the slow report": "Zebrać przykłady wolnego raportu",
    "Send the list of users who need training": (
        "Wysłać listę użytkowników wymagających szkolenia"
    ),
    "Check the licence count with the vendor": "Sprawdzić liczbę licencji u dostawcy",
    "Describe the export format the team needs": "Opisać format eksportu potrzebny zespołowi",
    "Test the new release in the pilot group": "Przetestować nowe wydanie w grupie pilotażowej",
    "Update the process description": "Zaktualizować opis procesu",
    "Agree the KPI list for the new dashboard": "Uzgodnić listę KPI do nowego pulpitu",
    "Send the delivery dates the campaign calendar needs": (
        "Przesłać terminy dostaw potrzebne do kalendarza kampanii"
    ),
    # minutes
    "## Summary": "## Podsumowanie",
    "## Points": "## Punkty",
    "## Decisions": "## Decyzje",
    "closed": "zamknięty",
    "continues next week": "kontynuacja w przyszłym tygodniu",
    "parked": "odłożony",
}

"""The Polish texts of the demo feedback and improvements, keyed by their English text (see
:mod:`openmis.core.demotext`), and the Polish words that tie feedback to the improvement
answering it."""

POLISH = {
    # feedback on any system
    "It is slow in the morning when everyone logs in.": (
        "Rano, gdy wszyscy się logują, działa wolno."
    ),
    "The export to Excel loses Polish characters.": "Eksport do Excela gubi polskie znaki.",
    "We retype the same data from another system every day.": (
        "Codziennie przepisujemy te same dane z innego systemu."
    ),
    "Search does not find customers by tax number.": "Wyszukiwarka nie znajduje klientów po NIP.",
    "The screen freezes when a list has more than a few hundred rows.": (
        "Ekran się zawiesza, gdy lista ma więcej niż kilkaset wierszy."
    ),
    "Permissions are too coarse: we cannot share one view without sharing everything.": (
        "Uprawnienia są zbyt ogólne: nie da się udostępnić jednego widoku bez udostępniania "
        "wszystkiego."
    ),
    "Printing a document takes five clicks and often fails.": (
        "Wydruk dokumentu wymaga pięciu kliknięć i często się nie udaje."
    ),
    "There is no way to undo a mistaken change.": "Nie da się cofnąć błędnej zmiany.",
    "It logs us out in the middle of work.": "Wylogowuje nas w trakcie pracy.",
    "Error messages do not say what to do.": "Komunikaty o błędach nie mówią, co zrobić.",
    "A saved filter per team would save us time every day.": (
        "Zapisany filtr dla zespołu oszczędzałby nam czas każdego dnia."
    ),
    "Send a weekly summary by e-mail instead of us opening the report.": (
        "Zamiast otwierać raport, wolelibyśmy cotygodniowe podsumowanie e-mailem."
    ),
    "Let us attach scanned documents directly to the record.": (
        "Chcemy dołączać skany dokumentów bezpośrednio do rekordu."
    ),
    "A mobile view for the sales team on the road.": ("Widok mobilny dla handlowców w terenie."),
    "Import from the bank statement instead of typing payments.": (
        "Import wyciągu bankowego zamiast ręcznego wpisywania płatności."
    ),
    "Show the customer's open invoices next to the order.": (
        "Pokazywać otwarte faktury klienta obok zamówienia."
    ),
    "Single sign-on with our Microsoft accounts.": ("Jednokrotne logowanie kontami Microsoft."),
    "Much faster than before, the team likes it.": (
        "Dużo szybciej niż wcześniej, zespół jest zadowolony."
    ),
    "The new dashboard answers the questions we used to ask IT for.": (
        "Nowy pulpit odpowiada na pytania, z którymi chodziliśmy do IT."
    ),
    "Training was short and people found their way quickly.": (
        "Szkolenie było krótkie, a ludzie szybko się odnaleźli."
    ),
    "Works well on the laptop and on the phone.": "Działa dobrze na laptopie i na telefonie.",
    "Fewer errors since the data comes in automatically.": (
        "Mniej błędów, odkąd dane wpływają automatycznie."
    ),
    "Who do we ask for access for a new colleague?": (
        "Kogo prosić o dostęp dla nowego współpracownika?"
    ),
    "Can it keep the history of changes for audits?": (
        "Czy system może przechowywać historię zmian na potrzeby audytu?"
    ),
    "Is there a way to bulk-update records?": "Czy da się zbiorczo aktualizować rekordy?",
    "When will the old data be migrated?": "Kiedy zostaną zmigrowane stare dane?",
    # the legacy CRM
    "The CRM crashes when opening a customer with many contacts.": (
        "CRM się wysypuje przy otwieraniu klienta z wieloma kontaktami."
    ),
    "Duplicate customers again: the CRM does not check the tax number.": (
        "Znowu zduplikowani klienci: CRM nie sprawdza NIP."
    ),
    "Complaints cannot be linked to the order in the CRM.": (
        "W CRM reklamacji nie da się powiązać z zamówieniem."
    ),
    "The CRM only runs in Internet Explorer mode.": "CRM działa tylko w trybie Internet Explorer.",
    "Nightly synchronisation with the ERP failed again; data is a day old.": (
        "Nocna synchronizacja z ERP znowu się nie udała; dane są sprzed dnia."
    ),
    "The call history from telephony arrives hours late in the CRM.": (
        "Historia połączeń z telefonii dociera do CRM z wielogodzinnym opóźnieniem."
    ),
    "Move the complaint history to the new CRM first.": (
        "Najpierw przenieść historię reklamacji do nowego CRM."
    ),
    # the reporting server
    "Monthly sales report times out at month end.": (
        "Miesięczny raport sprzedaży przekracza limit czasu na koniec miesiąca."
    ),
    "Reports show yesterday's figures; we need today's.": (
        "Raporty pokazują wczorajsze dane; potrzebujemy dzisiejszych."
    ),
    "Report subscriptions stopped sending after the server restart.": (
        "Subskrypcje raportów przestały wychodzić po restarcie serwera."
    ),
    "The margin report disagrees with Finance's figures.": (
        "Raport marży nie zgadza się z danymi Finansów."
    ),
    "Each new report needs a request to IT and waits weeks.": (
        "Każdy nowy raport wymaga zgłoszenia do IT i czeka tygodniami."
    ),
    "Let analysts build reports themselves from the data warehouse.": (
        "Pozwolić analitykom samodzielnie budować raporty z hurtowni danych."
    ),
    # Salesforce
    "Opportunities from the old CRM were not migrated with their notes.": (
        "Szanse sprzedaży ze starego CRM zmigrowano bez notatek."
    ),
    "Quotes do not pick up the new price list.": "Oferty nie uwzględniają nowego cennika.",
    "The pipeline view finally shows every deal in one place.": (
        "Widok lejka wreszcie pokazuje wszystkie transakcje w jednym miejscu."
    ),
    "Quotes go out in minutes instead of a day.": "Oferty wychodzą w kilka minut zamiast w dzień.",
    "The mobile app is great for visits at customers.": (
        "Aplikacja mobilna świetnie sprawdza się na wizytach u klientów."
    ),
    "Forecasts are now the same numbers for Sales and Finance.": (
        "Prognozy to teraz te same liczby dla Sprzedaży i Finansów."
    ),
    "Much easier than the old CRM.": "Dużo łatwiejszy niż stary CRM.",
    "Can we see the customer's invoices from the ERP in Salesforce?": (
        "Czy możemy widzieć faktury klienta z ERP w Salesforce?"
    ),
    # improvements
    "Deduplicate customers by tax number": "Usuwanie duplikatów klientów po NIP",
    "Link complaints to orders": "Powiązanie reklamacji z zamówieniami",
    "Faster customer screen": "Szybszy ekran klienta",
    "Real-time call history": "Historia połączeń na bieżąco",
    "Migrate complaint history to the Cloud CRM": "Migracja historii reklamacji do CRM w chmurze",
    "Fix nightly ERP synchronisation": "Naprawa nocnej synchronizacji z ERP",
    "Month-end report performance": "Wydajność raportów na koniec miesiąca",
    "Intraday report refresh": "Odświeżanie raportów w ciągu dnia",
    "Restore report subscriptions": "Przywrócenie subskrypcji raportów",
    "Reconcile the margin report with Finance": "Uzgodnienie raportu marży z Finansami",
    "Self-service reports on the data warehouse": "Samoobsługowe raporty na hurtowni danych",
    "Migrate opportunity notes": "Migracja notatek do szans sprzedaży",
    "Price list sync for quotes": "Synchronizacja cennika dla ofert",
    "ERP invoices in Salesforce": "Faktury z ERP w Salesforce",
    "Sales forecast dashboard": "Pulpit prognozy sprzedaży",
    "Bank statement import": "Import wyciągów bankowych",
    "Open invoices next to the order": "Otwarte faktury obok zamówienia",
    "Undo for accidental changes": "Cofanie przypadkowych zmian",
    "Polish characters in Excel exports": "Polskie znaki w eksportach do Excela",
    "Single sign-on for the HR Portal": "Jednokrotne logowanie do portalu kadrowego",
    "Mobile view of payslips": "Widok mobilny pasków wypłat",
    "Attach scanned documents": "Dołączanie skanów dokumentów",
    "Saved filters per team": "Zapisane filtry dla zespołów",
    "Weekly summary e-mail": "Cotygodniowe podsumowanie e-mailem",
    "Clearer error messages": "Czytelniejsze komunikaty o błędach",
    "Bulk update of records": "Zbiorcza aktualizacja rekordów",
    "Session timeout after 8 hours": "Wygasanie sesji po 8 godzinach",
    "Faster morning log-in": "Szybsze logowanie rano",
    "Finer permissions for shared views": "Dokładniejsze uprawnienia do udostępnianych widoków",
    "One-click printing": "Drukowanie jednym kliknięciem",
    "The legacy CRM is being retired; the Cloud CRM links them from day one.": (
        "Stary CRM jest wycofywany; CRM w chmurze powiąże je od pierwszego dnia."
    ),
    "Not worth the effort a few months before the Cloud CRM goes live.": (
        "Nie warto na kilka miesięcy przed uruchomieniem CRM w chmurze."
    ),
    "The document management system will hold scans; the portal links to them.": (
        "Skany będą w systemie zarządzania dokumentami; portal będzie do nich linkował."
    ),
    "Printing is done once a month by two people; other work comes first.": (
        "Drukują raz w miesiącu dwie osoby; inne prace mają pierwszeństwo."
    ),
    "{title}, please.": "Prosimy: {title}.",
}

# Words of the Polish feedback each improvement answers (lower case), by its English title.
KEYWORDS = {
    "Deduplicate customers by tax number": ["zduplikowani", "po nip"],
    "Link complaints to orders": ["reklamacji nie da się"],
    "Faster customer screen": ["wysypuje", "zawiesza", "wolno"],
    "Real-time call history": ["historia połączeń"],
    "Fix nightly ERP synchronisation": ["synchronizacja", "przepisujemy", "sprzed dnia"],
    "Month-end report performance": ["limit czasu", "wolno"],
    "Intraday report refresh": ["wczorajsze"],
    "Restore report subscriptions": ["subskrypcje"],
    "Reconcile the margin report with Finance": ["marży"],
    "Self-service reports on the data warehouse": ["budować raporty", "nowy raport"],
    "Migrate opportunity notes": ["notatek"],
    "Price list sync for quotes": ["cennika"],
    "ERP invoices in Salesforce": ["faktury"],
    "Sales forecast dashboard": ["prognozy", "pulpit"],
    "Bank statement import": ["wyciągu bankowego"],
    "Open invoices next to the order": ["otwarte faktury"],
    "Undo for accidental changes": ["cofnąć"],
    "Polish characters in Excel exports": ["polskie znaki"],
    "Single sign-on for the HR Portal": ["jednokrotne logowanie", "wylogowuje"],
    "Mobile view of payslips": ["mobilny"],
    "Attach scanned documents": ["skany"],
    "Saved filters per team": ["zapisany filtr"],
    "Weekly summary e-mail": ["cotygodniowe podsumowanie"],
    "Clearer error messages": ["komunikaty o błędach"],
    "Bulk update of records": ["zbiorczo"],
    "Session timeout after 8 hours": ["wylogowuje"],
    "Faster morning log-in": ["rano"],
    "Finer permissions for shared views": ["uprawnienia"],
    "One-click printing": ["wydruk"],
}

# the story of one complaint (see openmis.feedback.demo.load_story)
STORY = {
    "Order confirmations over EDI arrive the next morning, so our pharmacies phone us to ask "
    "whether their orders were accepted.": (
        "Potwierdzenia zamówień przez EDI przychodzą dopiero następnego dnia rano, więc nasze "
        "apteki dzwonią do nas z pytaniem, czy ich zamówienia zostały przyjęte."
    ),
    "Real-time EDI order confirmations": "Potwierdzenia zamówień EDI w czasie rzeczywistym",
    "Send the confirmation of each EDI order as soon as the ERP accepts it, with the rejected "
    "lines and why, instead of in the nightly batch.": (
        "Wysyłać potwierdzenie każdego zamówienia EDI zaraz po przyjęciu go przez ERP, razem "
        "z odrzuconymi pozycjami i przyczyną, zamiast w nocnym przebiegu."
    ),
    "Real-time EDI confirmations for Medica": (
        "Potwierdzenia EDI w czasie rzeczywistym dla Mediki"
    ),
    "Confirmations are late again; the pharmacies call us to check their orders.": (
        "Potwierdzenia znowu się spóźniają; apteki dzwonią do nas, żeby sprawdzić zamówienia."
    ),
    "We cannot tell a rejected order from one still waiting for the night run.": (
        "Nie odróżniamy zamówienia odrzuconego od takiego, które czeka na nocny przebieg."
    ),
    "Order status over EDI is a day old; customers ask us before the system knows.": (
        "Status zamówienia w EDI jest sprzed dnia; klienci pytają nas, zanim system cokolwiek wie."
    ),
    "Confirmations now arrive within minutes; the pharmacies stopped calling.": (
        "Potwierdzenia przychodzą teraz w ciągu kilku minut; apteki przestały dzwonić."
    ),
    "Rejected lines are reported at once, so we correct them the same day.": (
        "Odrzucone pozycje są zgłaszane od razu, więc poprawiamy je tego samego dnia."
    ),
    "Mostly fast; a few confirmations still waited an hour during the ERP update.": (
        "Zwykle szybko; kilka potwierdzeń czekało jeszcze godzinę podczas aktualizacji ERP."
    ),
    "Order status is current; the customer portal and EDI finally agree.": (
        "Status zamówień jest aktualny; portal klienta i EDI wreszcie się zgadzają."
    ),
    "Decided in the April meeting.": "Zdecydowano na kwietniowym spotkaniu.",
    "Message format agreed with the client": "Format komunikatów uzgodniony z klientem",
    "Tested with the client": "Przetestowano z klientem",
    "Go-live": "Uruchomienie produkcyjne",
    "Late EDI order confirmations": "Spóźnione potwierdzenia zamówień EDI",
    "The client's IT director: confirmations arrive the next morning and the pharmacies "
    "phone to check their orders. MIS records it and compares the options by April.": (
        "Dyrektor IT klienta: potwierdzenia przychodzą następnego dnia rano, a apteki dzwonią, "
        "żeby sprawdzić zamówienia. MIS rejestruje zgłoszenie i do kwietnia porówna możliwe "
        "rozwiązania."
    ),
    "Options for real-time EDI confirmations": (
        "Możliwe rozwiązania: potwierdzenia EDI w czasie rzeczywistym"
    ),
    "MIS presented the appraisal of three options. Decided: real-time confirmations from "
    "the EDI Gateway, live in June.": (
        "MIS przedstawił ocenę trzech wariantów. Decyzja: potwierdzenia w czasie rzeczywistym "
        "z bramki EDI, uruchomienie w czerwcu."
    ),
    "Real-time EDI confirmations: testing with the client": (
        "Potwierdzenia EDI w czasie rzeczywistym: testy z klientem"
    ),
    "Test messages exchanged with the client's EDI team; rejected lines are reported with "
    "their reason. On track for June.": (
        "Wymieniono komunikaty testowe z zespołem EDI klienta; odrzucone pozycje są zgłaszane "
        "z przyczyną. Czerwcowy termin niezagrożony."
    ),
    "Real-time EDI confirmations are live": "Potwierdzenia EDI w czasie rzeczywistym działają",
    "Live since {date}. The feedback it answers is closed and its givers were told.": (
        "Działa od {date}. Opinie, na które odpowiada, są zamknięte, a ich autorzy powiadomieni."
    ),
    "Real-time EDI confirmations: the first weeks": (
        "Potwierdzenia EDI w czasie rzeczywistym: pierwsze tygodnie"
    ),
    "The client confirms: the pharmacies' calls about order status have stopped. The "
    "ratings of the EDI Gateway went up.": (
        "Klient potwierdza: telefony aptek w sprawie statusu zamówień ustały. Oceny bramki EDI "
        "wzrosły."
    ),
}
POLISH.update(STORY)

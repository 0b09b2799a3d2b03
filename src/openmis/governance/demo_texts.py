"""The Polish texts of the demo governance (policies, exceptions, procedures, audiences and
courses), keyed by their English text (see :mod:`openmis.core.demotext`)."""

POLISH = {
    # an acknowledgement declined
    "I cannot use an authenticator app on the phone I have; please tell me the alternative.": (
        "Na moim telefonie nie mogę używać aplikacji uwierzytelniającej; proszę o inne rozwiązanie."
    ),
    # policy texts
    "Rules": "Zasady",
    "Who to ask": "Kogo pytać",
    "Questions about this policy go to its owner through the Service Desk.": (
        "Pytania dotyczące tej polityki kieruj do jej właściciela przez Service Desk."
    ),
    "Questions about this policy go to its owner through the Service Desk (ext. 500).": (
        "Pytania dotyczące tej polityki kieruj do jej właściciela przez Service Desk (wew. 500)."
    ),
    "First version.": "Pierwsza wersja.",
    "New rule added.": "Dodano nową zasadę.",
    "Wording clarified; no change to the rules.": "Doprecyzowano brzmienie; zasady bez zmian.",
    # acceptable use
    "Acceptable use of IT resources": "Zasady korzystania z zasobów IT",
    "How everyone uses the organization's computers, accounts and networks.": (
        "Jak wszyscy korzystamy z komputerów, kont i sieci organizacji."
    ),
    "Company equipment and accounts are for work; occasional private use is allowed.": (
        "Sprzęt i konta firmowe służą do pracy; okazjonalne użycie prywatne jest dozwolone."
    ),
    "Never share your account or let someone else work logged in as you.": (
        "Nie udostępniaj swojego konta i nie pozwalaj nikomu pracować na twoim zalogowaniu."
    ),
    "Do not store company data on private cloud drives.": (
        "Nie przechowuj danych firmowych na prywatnych dyskach w chmurze."
    ),
    "Report a lost laptop or phone to the Service Desk within one hour.": (
        "Zgłoś utratę laptopa lub telefonu do Service Desk w ciągu godziny."
    ),
    # passwords
    "Passwords and multi-factor authentication": "Hasła i uwierzytelnianie wieloskładnikowe",
    "How we protect accounts from being taken over.": "Jak chronimy konta przed przejęciem.",
    "Passwords have at least 14 characters and are not reused elsewhere.": (
        "Hasła mają co najmniej 14 znaków i nie są używane nigdzie indziej."
    ),
    "Multi-factor authentication is on for e-mail, VPN and every cloud system.": (
        "Uwierzytelnianie wieloskładnikowe jest włączone dla poczty, VPN i każdego systemu "
        "w chmurze."
    ),
    "Administrators use a separate account for administration.": (
        "Administratorzy używają do administrowania osobnego konta."
    ),
    "Use the company password manager; never write passwords down.": (
        "Korzystaj z firmowego menedżera haseł; nigdy nie zapisuj haseł."
    ),
    # data classification
    "Data classification": "Klasyfikacja informacji",
    "How information is labelled and what each label allows.": (
        "Jak oznaczamy informacje i na co pozwala każde oznaczenie."
    ),
    "Information is public, internal, confidential or restricted.": (
        "Informacje są publiczne, wewnętrzne, poufne lub ściśle tajne."
    ),
    "Confidential and restricted documents are labelled in their header.": (
        "Dokumenty poufne i ściśle tajne mają oznaczenie w nagłówku."
    ),
    "Restricted information leaves the organization only encrypted.": (
        "Informacje ściśle tajne opuszczają organizację wyłącznie zaszyfrowane."
    ),
    "Personal data of customers is always at least confidential.": (
        "Dane osobowe klientów są zawsze co najmniej poufne."
    ),
    # backup
    "Backup and restore": "Kopie zapasowe i odtwarzanie",
    "How the organization's data is backed up and how restoring is tested.": (
        "Jak wykonujemy kopie zapasowe danych organizacji i jak testujemy ich odtwarzanie."
    ),
    "Critical systems are backed up every night and kept for 35 days.": (
        "Systemy krytyczne mają kopię co noc, przechowywaną przez 35 dni."
    ),
    "One copy of every backup is kept off site and cannot be changed.": (
        "Jedna kopia każdego backupu jest poza siedzibą i nie da się jej zmienić."
    ),
    "A restore of each critical system is tested every quarter.": (
        "Odtworzenie każdego systemu krytycznego jest testowane co kwartał."
    ),
    "Monthly backups of the ERP are kept for ten years.": (
        "Miesięczne kopie ERP przechowujemy przez dziesięć lat."
    ),
    # access reviews
    "Access reviews": "Przeglądy uprawnień",
    "How we check that people have only the access their work needs.": (
        "Jak sprawdzamy, że ludzie mają tylko te uprawnienia, których wymaga ich praca."
    ),
    "Each department leader reviews the access of their people every six months.": (
        "Kierownik każdego działu co pół roku przegląda uprawnienia swoich ludzi."
    ),
    "Access not confirmed within 14 days is removed.": (
        "Uprawnienia niepotwierdzone w ciągu 14 dni są odbierane."
    ),
    "Administrator rights are reviewed every quarter by the MIS director.": (
        "Uprawnienia administratorów co kwartał przegląda dyrektor MIS."
    ),
    "Access of people who changed department is reviewed within a week.": (
        "Uprawnienia osób, które zmieniły dział, są przeglądane w ciągu tygodnia."
    ),
    # remote work
    "Remote work": "Praca zdalna",
    "How to work securely from home and on the road.": (
        "Jak bezpiecznie pracować z domu i w podróży."
    ),
    "Connect to company systems only through the VPN.": (
        "Łącz się z systemami firmy wyłącznie przez VPN."
    ),
    "Lock the screen whenever you leave the computer.": (
        "Blokuj ekran za każdym razem, gdy odchodzisz od komputera."
    ),
    "Do not work on confidential documents in public places.": (
        "Nie pracuj na poufnych dokumentach w miejscach publicznych."
    ),
    "Home Wi-Fi uses WPA2 or WPA3 with a password you changed.": (
        "Domowe Wi-Fi używa WPA2 lub WPA3 ze zmienionym przez ciebie hasłem."
    ),
    # e-mail
    "E-mail and communication": "Poczta elektroniczna i komunikacja",
    "How we use e-mail, chat and video calls.": ("Jak korzystamy z poczty, czatu i wideorozmów."),
    "Company e-mail is not forwarded automatically to private addresses.": (
        "Poczta firmowa nie jest automatycznie przekazywana na prywatne adresy."
    ),
    "Confidential attachments are sent as links with limited access.": (
        "Poufne załączniki wysyłamy jako linki z ograniczonym dostępem."
    ),
    "Report suspicious messages with the Report phishing button.": (
        "Podejrzane wiadomości zgłaszaj przyciskiem „Zgłoś phishing”."
    ),
    "Messages to more than 50 external recipients go through the newsletter tool.": (
        "Wiadomości do ponad 50 odbiorców zewnętrznych wysyłamy narzędziem do newsletterów."
    ),
    # change management
    "Change management": "Zarządzanie zmianą",
    "How changes to production systems are planned, approved and recorded.": (
        "Jak planujemy, zatwierdzamy i rejestrujemy zmiany w systemach produkcyjnych."
    ),
    "Every change to a production system is recorded in the Service Desk.": (
        "Każda zmiana w systemie produkcyjnym jest rejestrowana w Service Desk."
    ),
    "Major changes are approved at the weekly change meeting.": (
        "Duże zmiany zatwierdzamy na cotygodniowym spotkaniu ds. zmian."
    ),
    "Each change has a way back that was tested.": ("Każda zmiana ma przetestowaną drogę powrotu."),
    "Emergency changes are recorded within one working day.": (
        "Zmiany awaryjne rejestrujemy w ciągu jednego dnia roboczego."
    ),
    # incidents
    "Security incident reporting": "Zgłaszanie incydentów bezpieczeństwa",
    "What to do when something may have gone wrong with security.": (
        "Co robić, gdy coś mogło pójść nie tak z bezpieczeństwem."
    ),
    "Report any suspected incident to the Service Desk at once.": (
        "Każde podejrzenie incydentu natychmiast zgłaszaj do Service Desk."
    ),
    "Do not switch off an infected computer; disconnect it from the network.": (
        "Nie wyłączaj zainfekowanego komputera; odłącz go od sieci."
    ),
    "The MIS director decides within 24 hours whether to notify the authority.": (
        "Dyrektor MIS w ciągu 24 godzin decyduje, czy zawiadomić organ nadzorczy."
    ),
    "Personal data breaches are reported to the data protection officer the same day.": (
        "Naruszenia ochrony danych osobowych zgłaszamy inspektorowi ochrony danych tego "
        "samego dnia."
    ),
    # GDPR
    "Personal data protection (GDPR)": "Ochrona danych osobowych (RODO)",
    "How we process personal data under the GDPR.": (
        "Jak przetwarzamy dane osobowe zgodnie z RODO."
    ),
    "Personal data is processed only for the purposes in the register of processing.": (
        "Dane osobowe przetwarzamy wyłącznie w celach z rejestru czynności przetwarzania."
    ),
    "Only authorised people see personal data, and only what their work needs.": (
        "Dane osobowe widzą tylko upoważnione osoby i tylko w zakresie potrzebnym do pracy."
    ),
    "Requests of data subjects are answered within one month.": (
        "Na żądania osób, których dane dotyczą, odpowiadamy w ciągu miesiąca."
    ),
    "Personal data is deleted when its retention period ends.": (
        "Dane osobowe usuwamy po upływie okresu ich przechowywania."
    ),
    # mobile devices
    "Mobile devices": "Urządzenia mobilne",
    "How company phones and tablets are set up and looked after.": (
        "Jak konfigurujemy firmowe telefony i tablety oraz jak o nie dbamy."
    ),
    "Company phones are enrolled in device management before first use.": (
        "Firmowe telefony są rejestrowane w systemie zarządzania urządzeniami przed "
        "pierwszym użyciem."
    ),
    "A screen lock with a PIN of at least six digits is required.": (
        "Wymagana jest blokada ekranu z co najmniej sześciocyfrowym PIN-em."
    ),
    "A lost device is wiped remotely.": "Zgubione urządzenie jest zdalnie czyszczone.",
    "Company data on a phone stays in the managed work profile.": (
        "Dane firmowe na telefonie pozostają w zarządzanym profilu służbowym."
    ),
    # software
    "Software installation": "Instalowanie oprogramowania",
    "Which software may be installed on company computers and how.": (
        "Jakie oprogramowanie wolno instalować na komputerach firmowych i w jaki sposób."
    ),
    "Software is installed from the company catalogue only.": (
        "Oprogramowanie instalujemy wyłącznie z firmowego katalogu."
    ),
    "Other software is requested through the Service Desk and checked by MIS.": (
        "O inne oprogramowanie prosimy przez Service Desk; sprawdza je dział MIS."
    ),
    "Users do not have administrator rights on their computers.": (
        "Użytkownicy nie mają uprawnień administratora na swoich komputerach."
    ),
    "Browser extensions are allowed from the approved list only.": (
        "Rozszerzenia przeglądarki są dozwolone tylko z zatwierdzonej listy."
    ),
    # clean desk
    "Clean desk and clear screen": "Czyste biurko i czysty ekran",
    "How papers and screens are kept from the eyes of others.": (
        "Jak chronimy dokumenty i ekrany przed wzrokiem innych."
    ),
    "Confidential papers are locked away at the end of the day.": (
        "Poufne dokumenty zamykamy na koniec dnia."
    ),
    "Printouts are collected from the printer at once.": ("Wydruki odbieramy z drukarki od razu."),
    "Screens lock after five minutes without use.": (
        "Ekrany blokują się po pięciu minutach bezczynności."
    ),
    "Documents to be thrown away go to the shredding bins.": (
        "Dokumenty do wyrzucenia trafiają do pojemników na niszczenie."
    ),
    # vendor access
    "Vendor access": "Dostęp dostawców",
    "How suppliers get and lose access to our systems.": (
        "Jak dostawcy otrzymują i tracą dostęp do naszych systemów."
    ),
    "Vendors get named accounts that expire with their contract.": (
        "Dostawcy dostają imienne konta, które wygasają wraz z umową."
    ),
    "Remote sessions of vendors are started by MIS and recorded.": (
        "Zdalne sesje dostawców uruchamia dział MIS i są one nagrywane."
    ),
    "Vendors sign the confidentiality agreement before any access.": (
        "Dostawcy podpisują umowę o poufności przed uzyskaniem jakiegokolwiek dostępu."
    ),
    # BYOD
    "Bring your own device": "Praca na prywatnych urządzeniach (BYOD)",
    "When private phones and computers may be used for work.": (
        "Kiedy wolno używać prywatnych telefonów i komputerów do pracy."
    ),
    "Private phones may read company e-mail only through the managed app.": (
        "Na prywatnym telefonie poczta firmowa jest dostępna tylko w zarządzanej aplikacji."
    ),
    "Private computers connect only to Microsoft 365 in the browser.": (
        "Prywatne komputery łączą się tylko z Microsoft 365 w przeglądarce."
    ),
    "The organization may wipe its data from a private device, never the rest.": (
        "Organizacja może usunąć z prywatnego urządzenia swoje dane, nigdy resztę."
    ),
    # exceptions
    "The agents' consoles cannot use multi-factor authentication until the upgrade.": (
        "Konsole konsultantów nie obsługują uwierzytelniania wieloskładnikowego do czasu "
        "aktualizacji."
    ),
    "Log-in only from the contact centre's network; passwords changed monthly.": (
        "Logowanie tylko z sieci contact center; hasła zmieniane co miesiąc."
    ),
    "Design tools need updates every week that the catalogue does not provide.": (
        "Narzędzia graficzne wymagają cotygodniowych aktualizacji, których nie ma w katalogu."
    ),
    "A separate administrator account used only for installing; monthly check by MIS.": (
        "Osobne konto administratora używane tylko do instalacji; comiesięczna kontrola MIS."
    ),
    "Sales North tested phones before they were enrolled in device management.": (
        "Sprzedaż Północ testowała telefony, zanim zostały zarejestrowane w systemie "
        "zarządzania urządzeniami."
    ),
    "Only e-mail on the test phones; enrolled at the end of the pilot.": (
        "Na testowych telefonach tylko poczta; rejestracja po zakończeniu pilotażu."
    ),
    # procedures
    "Onboarding a new employee": "Przyjęcie nowego pracownika",
    "What happens between the signed contract and the first working day.": (
        "Co dzieje się między podpisaniem umowy a pierwszym dniem pracy."
    ),
    "Request the new employee's access and equipment.": (
        "Zamów dostępy i sprzęt dla nowego pracownika."
    ),
    "Create the account and add it to the groups.": "Utwórz konto i dodaj je do grup.",
    "Assign the licence and the mailbox.": "Przydziel licencję i skrzynkę pocztową.",
    "Prepare the laptop and the phone.": "Przygotuj laptop i telefon.",
    "Read and accept the policies; start the required courses.": (
        "Przeczytaj i zaakceptuj polityki; rozpocznij wymagane szkolenia."
    ),
    "Offboarding a leaving employee": "Odejście pracownika",
    "How access ends on the last working day.": "Jak dostępy wygasają w ostatnim dniu pracy.",
    "Record the last working day.": "Wpisz ostatni dzień pracy.",
    "Disable the account at the end of the last day.": ("Wyłącz konto na koniec ostatniego dnia."),
    "Collect the laptop, the phone and the access card.": (
        "Odbierz laptop, telefon i kartę dostępu."
    ),
    "Hand over the employee's documents and mailbox.": (
        "Przekaż dokumenty i skrzynkę pocztową pracownika."
    ),
    "Restoring a backup": "Odtwarzanie z kopii zapasowej",
    "How a system or a file is restored from the backup.": (
        "Jak odtworzyć system lub plik z kopii zapasowej."
    ),
    "Ask for the restore: what, from which day, where to.": (
        "Poproś o odtworzenie: co, z którego dnia i dokąd."
    ),
    "Find the backup and restore it to a test place.": (
        "Znajdź kopię i odtwórz ją w miejscu testowym."
    ),
    "Check that the restored data is the right one.": ("Sprawdź, czy odtworzone dane są właściwe."),
    "Move the restored data to production.": "Przenieś odtworzone dane na produkcję.",
    "Record the time the restore took.": "Zapisz, ile trwało odtworzenie.",
    "Responding to a security incident": "Reagowanie na incydent bezpieczeństwa",
    "From the first report to the lessons learned.": "Od pierwszego zgłoszenia do wniosków.",
    "Report what you saw and when.": "Zgłoś, co zauważyłeś i kiedy.",
    "Assess the incident and isolate the affected systems.": (
        "Oceń incydent i odizoluj dotknięte systemy."
    ),
    "Decide whether the authority and the people must be told.": (
        "Zdecyduj, czy trzeba zawiadomić organ nadzorczy i osoby, których to dotyczy."
    ),
    "Remove the cause and restore the service.": "Usuń przyczynę i przywróć usługę.",
    "Hold the review and record the lessons learned.": ("Przeprowadź przegląd i zapisz wnioski."),
    "Granting access to a system": "Nadawanie dostępu do systemu",
    "How someone gets access to a system they need for work.": (
        "Jak uzyskać dostęp do systemu potrzebnego w pracy."
    ),
    "Request the access, saying why it is needed.": "Poproś o dostęp i uzasadnij potrzebę.",
    "Approve the request.": "Zatwierdź wniosek.",
    "Grant the access and record it in the system's access list.": (
        "Nadaj dostęp i wpisz go na listę dostępów systemu."
    ),
    # audiences
    "Whole organization": "Cała organizacja",
    "Everyone who works here.": "Wszyscy, którzy tu pracują.",
    "Sales department": "Dział Sprzedaży",
    "The Sales department with its regions.": "Dział Sprzedaży wraz z regionami.",
    "Users of Salesforce Sales Cloud": "Użytkownicy Salesforce Sales Cloud",
    "Everyone with access to Salesforce now.": "Wszyscy, którzy mają teraz dostęp do Salesforce.",
    "MIS staff": "Pracownicy działu MIS",
    "The people of the MIS department.": "Osoby z działu MIS.",
    # courses
    "Security awareness": "Świadomość bezpieczeństwa",
    "The yearly course on keeping the organization's data and accounts safe.": (
        "Coroczne szkolenie o ochronie danych i kont organizacji."
    ),
    "Why security matters": "Dlaczego bezpieczeństwo jest ważne",
    "Most attacks start with one person's click or password.": (
        "Większość ataków zaczyna się od kliknięcia lub hasła jednej osoby."
    ),
    "Your part": "Twoja rola",
    "Lock the screen, use MFA, report what looks wrong.": (
        "Blokuj ekran, używaj MFA, zgłaszaj to, co wygląda podejrzanie."
    ),
    "What do you do with a suspicious e-mail?": "Co robisz z podejrzanym e-mailem?",
    "Report it with the Report phishing button": "Zgłaszam go przyciskiem „Zgłoś phishing”",
    "Forward it to colleagues to warn them": "Przesyłam go współpracownikom, żeby ich ostrzec",
    "Delete it and say nothing": "Usuwam go i nic nie mówię",
    "When do you lock your screen?": "Kiedy blokujesz ekran?",
    "Whenever I leave the computer": "Zawsze, gdy odchodzę od komputera",
    "At the end of the day": "Na koniec dnia",
    "Only in public places": "Tylko w miejscach publicznych",
    "Phishing refresher": "Phishing: przypomnienie",
    "Ten minutes on the latest tricks of fraudulent messages.": (
        "Dziesięć minut o najnowszych sztuczkach oszukańczych wiadomości."
    ),
    "Signs of phishing": "Oznaki phishingu",
    "Urgency, an unexpected attachment, a sender that is almost right.": (
        "Pośpiech, nieoczekiwany załącznik, prawie poprawny nadawca."
    ),
    "Fake invoices": "Fałszywe faktury",
    "Check a changed bank account number by phone with the supplier.": (
        "Zmieniony numer rachunku sprawdź telefonicznie u dostawcy."
    ),
    "A supplier e-mails a new bank account. What do you do?": (
        "Dostawca przysyła e-mailem nowy numer rachunku. Co robisz?"
    ),
    "Confirm it by phone at the number we already have": (
        "Potwierdzam telefonicznie pod numerem, który już mamy"
    ),
    "Reply to the e-mail to confirm": "Odpowiadam na e-mail z prośbą o potwierdzenie",
    "Update the account at once": "Od razu zmieniam numer rachunku",
    "Which are signs of phishing?": "Co jest oznaką phishingu?",
    "Pressure to act at once": "Nacisk na natychmiastowe działanie",
    "A sender's address that is almost right": "Adres nadawcy, który jest prawie poprawny",
    "A message from a colleague you expected": "Oczekiwana wiadomość od współpracownika",
    "The GDPR in our daily work: what personal data is and how we look after it.": (
        "RODO w codziennej pracy: czym są dane osobowe i jak o nie dbamy."
    ),
    "What personal data is": "Czym są dane osobowe",
    "Anything that identifies a person, directly or not.": (
        "Wszystko, co pozwala zidentyfikować osobę, bezpośrednio lub pośrednio."
    ),
    "Data breaches": "Naruszenia ochrony danych",
    "Report a breach at once: the authority must know within 72 hours.": (
        "Zgłoś naruszenie od razu: organ nadzorczy musi się o nim dowiedzieć w ciągu 72 godzin."
    ),
    "How soon must a data breach be reported to the authority?": (
        "W jakim terminie trzeba zgłosić naruszenie organowi nadzorczemu?"
    ),
    "Within 72 hours": "W ciągu 72 godzin",
    "Within 30 days": "W ciągu 30 dni",
    "Never": "Nigdy",
    "Which of these is personal data?": "Co z tego jest daną osobową?",
    "A customer's e-mail address": "Adres e-mail klienta",
    "An employee's phone number": "Numer telefonu pracownika",
    "The company's tax number": "NIP firmy",
    "Salesforce Sales Cloud basics": "Podstawy Salesforce Sales Cloud",
    "Accounts, opportunities and quotes in Salesforce.": (
        "Konta, szanse sprzedaży i oferty w Salesforce."
    ),
    "Accounts and contacts": "Konta i kontakty",
    "Search before you create: one account per customer.": (
        "Najpierw wyszukaj, potem twórz: jedno konto na klienta."
    ),
    "Opportunities": "Szanse sprzedaży",
    "Move each deal through the stages and keep its close date true.": (
        "Prowadź każdą transakcję przez etapy i dbaj o prawdziwą datę zamknięcia."
    ),
    "What do you do before creating a new account?": "Co robisz przed utworzeniem nowego konta?",
    "Search for the customer by tax number": "Wyszukuję klienta po NIP",
    "Ask the customer for a new number": "Proszę klienta o nowy numer",
    "Nothing, duplicates are merged at night": "Nic, duplikaty są scalane w nocy",
    "Where is a deal's expected revenue kept?": (
        "Gdzie zapisuje się spodziewany przychód z transakcji?"
    ),
    "On the opportunity": "W szansie sprzedaży",
    "On the contact": "W kontakcie",
    "In a spreadsheet": "W arkuszu kalkulacyjnym",
    "Customer data in Salesforce": "Dane klientów w Salesforce",
    "Who may see and export customer data in Salesforce, and how.": (
        "Kto i jak może przeglądać i eksportować dane klientów w Salesforce."
    ),
    "Exports": "Eksporty",
    "Export only what your task needs, and delete the file afterwards.": (
        "Eksportuj tylko to, czego wymaga zadanie, a potem usuń plik."
    ),
    "Sharing": "Udostępnianie",
    "Share a report with colleagues, never a file of customers.": (
        "Udostępniaj współpracownikom raport, nigdy plik z klientami."
    ),
    "You need a list of customers for a mailing. What do you do?": (
        "Potrzebujesz listy klientów do wysyłki. Co robisz?"
    ),
    "Use the newsletter tool's synchronisation": (
        "Korzystam z synchronizacji z narzędziem do newsletterów"
    ),
    "Export all customers to Excel": "Eksportuję wszystkich klientów do Excela",
    "Send the list to the agency by e-mail": "Wysyłam listę agencji e-mailem",
    "How long do you keep an export on your laptop?": "Jak długo trzymasz eksport na laptopie?",
    "Only while the task lasts": "Tylko na czas zadania",
    "One year": "Rok",
    "Forever": "Zawsze",
    "Comarch ERP XL for Finance": "Comarch ERP XL dla Finansów",
    "Postings, payments and month-end closing in the ERP.": (
        "Księgowania, płatności i zamknięcie miesiąca w ERP."
    ),
    "Postings": "Księgowania",
    "Each document is posted once, to the period of its date.": (
        "Każdy dokument księgujemy raz, w okresie zgodnym z jego datą."
    ),
    "Month end": "Koniec miesiąca",
    "Close the period only when the bank statements are matched.": (
        "Zamykaj okres dopiero po rozliczeniu wyciągów bankowych."
    ),
    "When is a period closed?": "Kiedy zamyka się okres?",
    "When the bank statements are matched": "Gdy wyciągi bankowe są rozliczone",
    "On the first day of the next month": "Pierwszego dnia następnego miesiąca",
    "When the auditor asks": "Gdy poprosi biegły rewident",
    "Who approves a payment order?": "Kto zatwierdza polecenie przelewu?",
    "Two authorised people": "Dwie upoważnione osoby",
    "Its author alone": "Sam autor",
    "Nobody": "Nikt",
    "Backup and restore for administrators": "Kopie zapasowe i odtwarzanie dla administratorów",
    "Running and testing the backups of the critical systems.": (
        "Wykonywanie i testowanie kopii zapasowych systemów krytycznych."
    ),
    "The 3-2-1 rule": "Zasada 3-2-1",
    "Three copies, on two kinds of media, one of them off site.": (
        "Trzy kopie, na dwóch rodzajach nośników, jedna poza siedzibą."
    ),
    "Restore tests": "Testy odtwarzania",
    "A backup counts only when its restore was tested.": (
        "Kopia się liczy tylko wtedy, gdy jej odtworzenie zostało przetestowane."
    ),
    "How often is a restore of each critical system tested?": (
        "Jak często testuje się odtworzenie każdego systemu krytycznego?"
    ),
    "Every quarter": "Co kwartał",
    "Every year": "Co roku",
    "After a failure": "Po awarii",
    "What does the 3-2-1 rule ask for?": "Czego wymaga zasada 3-2-1?",
    "Three copies, two media, one off site": "Trzech kopii, dwóch nośników, jednej poza siedzibą",
    "Three backups a day": "Trzech kopii dziennie",
    "Two administrators per system": "Dwóch administratorów na system",
    "Incident response for MIS": "Reagowanie na incydenty dla działu MIS",
    "Handling a security incident from the first report to the lessons learned.": (
        "Obsługa incydentu bezpieczeństwa od pierwszego zgłoszenia do wniosków."
    ),
    "First hour": "Pierwsza godzina",
    "Contain first: isolate, keep the evidence, inform the director.": (
        "Najpierw ogranicz: odizoluj, zabezpiecz dowody, poinformuj dyrektora."
    ),
    "Afterwards": "Potem",
    "Restore the service, then hold the review within a week.": (
        "Przywróć usługę, a potem w ciągu tygodnia przeprowadź przegląd."
    ),
    "What comes first in an incident?": "Co robi się najpierw przy incydencie?",
    "Contain it and keep the evidence": "Ogranicza się go i zabezpiecza dowody",
    "Reinstall the affected computers": "Reinstaluje się dotknięte komputery",
    "Announce it to all staff": "Ogłasza się go wszystkim pracownikom",
    "Who decides about notifying the authority?": (
        "Kto decyduje o zawiadomieniu organu nadzorczego?"
    ),
    "The MIS director": "Dyrektor MIS",
    "The person who reported it": "Osoba, która go zgłosiła",
    "The vendor": "Dostawca",
    "Working remotely and securely": "Bezpieczna praca zdalna",
    "The VPN, the home network and working on the road.": ("VPN, sieć domowa i praca w podróży."),
    "The VPN": "VPN",
    "On the road": "W podróży",
    "No confidential work on trains and in cafés; use a privacy filter.": (
        "Żadnej poufnej pracy w pociągach i kawiarniach; używaj filtra prywatyzującego."
    ),
    "How do you connect to the ERP from home?": "Jak łączysz się z ERP z domu?",
    "Through the VPN": "Przez VPN",
    "Directly over the internet": "Bezpośrednio przez internet",
    "I cannot": "Nie mogę",
    "Where may you work on confidential documents?": (
        "Gdzie wolno ci pracować na poufnych dokumentach?"
    ),
    "At home or in the office": "W domu lub w biurze",
    "On the train": "W pociągu",
    "In a café": "W kawiarni",
    "Clean desk and printing": "Czyste biurko i drukowanie",
    "Papers, printers and screens in the warehouse and the office.": (
        "Dokumenty, drukarki i ekrany w magazynie i w biurze."
    ),
    "Lock confidential papers away; leave the desk clear.": (
        "Zamknij poufne dokumenty; zostaw puste biurko."
    ),
    "Printing": "Drukowanie",
    "Collect printouts at once; shred what you no longer need.": (
        "Odbieraj wydruki od razu; niszcz to, czego już nie potrzebujesz."
    ),
    "What do you do with confidential papers at the end of the day?": (
        "Co robisz z poufnymi dokumentami na koniec dnia?"
    ),
    "Lock them away": "Zamykam je",
    "Leave them on the desk": "Zostawiam je na biurku",
    "Take them home": "Zabieram je do domu",
    "Where do documents to be thrown away go?": "Gdzie trafiają dokumenty do wyrzucenia?",
    "The shredding bin": "Do pojemnika na niszczenie",
    "The paper recycling bin": "Do pojemnika na makulaturę",
    "The waste bin": "Do kosza na śmieci",
}

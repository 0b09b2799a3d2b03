"""Demo governance: the organization's policies with their version history and exceptions,
procedures step by step, audiences, and a year of training (courses, quizzes, enrolments,
attempts and certificates).

Policies are written, submitted, approved and published through
:mod:`openmis.governance.policies`, so their states and SHA-256 are the real ones; their
publishing dates are then moved back to tell a history (two reviews are overdue). The year of
training is scored with the quiz of each course (:mod:`openmis.governance.training`: its
fingerprint, scoring and validity) and bulk-created, so the demo stays quick.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from auditlog.context import disable_auditlog
from django.utils import timezone

from openmis.core.demotext import Texts
from openmis.governance import acknowledgements, demo_texts, training
from openmis.governance import policies as policy_services
from openmis.governance import quiz as scoring
from openmis.governance.models import (
    Acknowledgement,
    Attempt,
    Audience,
    Campaign,
    Certificate,
    Course,
    CourseAssignment,
    CoursePage,
    Enrolment,
    ExternalCertificate,
    Policy,
    PolicyException,
    PolicyVersion,
    Procedure,
    ProcedureStep,
    QuizChoice,
    QuizQuestion,
)
from openmis.org import demo as org_demo
from openmis.org.models import Department, Person, Role
from openmis.portfolio import demo as portfolio_demo

# Owners and approvers: a demo login's username, or a department's code for its head.
# title, owner, approvers, systems, department, review interval (months), purpose, rules,
# history: (change, months ago it was published) per published version, oldest first;
# "review"/"draft" as the last entry leaves a version in that state.
POLICIES = [
    (
        "Acceptable use of IT resources",
        "director",
        ["finance"],
        ["Microsoft 365", "Active Directory"],
        None,
        12,
        "How everyone uses the organization's computers, accounts and networks.",
        [
            "Company equipment and accounts are for work; occasional private use is allowed.",
            "Never share your account or let someone else work logged in as you.",
            "Do not store company data on private cloud drives.",
        ],
        "Report a lost laptop or phone to the Service Desk within one hour.",
        [("material", 30), ("minor", 18), ("material", 5)],
    ),
    (
        "Passwords and multi-factor authentication",
        "staff",
        ["director"],
        ["Active Directory", "Microsoft 365", "VPN Service"],
        None,
        12,
        "How we protect accounts from being taken over.",
        [
            "Passwords have at least 14 characters and are not reused elsewhere.",
            "Multi-factor authentication is on for e-mail, VPN and every cloud system.",
            "Administrators use a separate account for administration.",
        ],
        "Use the company password manager; never write passwords down.",
        [("material", 26), ("material", 8)],
    ),
    (
        "Data classification",
        "director",
        ["finance", "HR"],
        ["Document Archive", "Microsoft 365"],
        None,
        24,
        "How information is labelled and what each label allows.",
        [
            "Information is public, internal, confidential or restricted.",
            "Confidential and restricted documents are labelled in their header.",
            "Restricted information leaves the organization only encrypted.",
        ],
        "Personal data of customers is always at least confidential.",
        [("material", 20)],
    ),
    (
        "Backup and restore",
        "staff",
        ["director"],
        ["Backup Platform", "Virtualisation Cluster", "Comarch ERP XL"],
        "MIS",
        12,
        "How the organization's data is backed up and how restoring is tested.",
        [
            "Critical systems are backed up every night and kept for 35 days.",
            "One copy of every backup is kept off site and cannot be changed.",
            "A restore of each critical system is tested every quarter.",
        ],
        "Monthly backups of the ERP are kept for ten years.",
        [("material", 15), ("minor", 14)],
    ),
    (
        "Access reviews",
        "director",
        ["finance"],
        ["Salesforce Sales Cloud", "Comarch ERP XL", "HR Portal"],
        None,
        12,
        "How we check that people have only the access their work needs.",
        [
            "Each department leader reviews the access of their people every six months.",
            "Access not confirmed within 14 days is removed.",
            "Administrator rights are reviewed every quarter by the MIS director.",
        ],
        "Access of people who changed department is reviewed within a week.",
        [("material", 11), ("material", 3)],
    ),
    (
        "Remote work",
        "HR",
        ["director"],
        ["VPN Service", "Microsoft 365"],
        None,
        12,
        "How to work securely from home and on the road.",
        [
            "Connect to company systems only through the VPN.",
            "Lock the screen whenever you leave the computer.",
            "Do not work on confidential documents in public places.",
        ],
        "Home Wi-Fi uses WPA2 or WPA3 with a password you changed.",
        [("material", 22), ("minor", 10)],
    ),
    (
        "E-mail and communication",
        "staff",
        ["director"],
        ["Microsoft 365"],
        None,
        12,
        "How we use e-mail, chat and video calls.",
        [
            "Company e-mail is not forwarded automatically to private addresses.",
            "Confidential attachments are sent as links with limited access.",
            "Report suspicious messages with the Report phishing button.",
        ],
        "Messages to more than 50 external recipients go through the newsletter tool.",
        [("material", 10)],
    ),
    (
        "Change management",
        "staff",
        ["director"],
        ["Service Desk", "Comarch ERP XL", "Integration Bus"],
        "MIS",
        12,
        "How changes to production systems are planned, approved and recorded.",
        [
            "Every change to a production system is recorded in the Service Desk.",
            "Major changes are approved at the weekly change meeting.",
            "Each change has a way back that was tested.",
        ],
        "Emergency changes are recorded within one working day.",
        [("material", 28), ("minor", 20), ("minor", 9)],
    ),
    (
        "Security incident reporting",
        "director",
        ["finance"],
        ["Service Desk"],
        None,
        12,
        "What to do when something may have gone wrong with security.",
        [
            "Report any suspected incident to the Service Desk at once.",
            "Do not switch off an infected computer; disconnect it from the network.",
            "The MIS director decides within 24 hours whether to notify the authority.",
        ],
        "Personal data breaches are reported to the data protection officer the same day.",
        [("material", 9), ("minor", 2)],
    ),
    (
        "Personal data protection (GDPR)",
        "HR",
        ["director", "finance"],
        ["HR Portal", "Salesforce Sales Cloud", "Enova365 Payroll"],
        None,
        12,
        "How we process personal data under the GDPR.",
        [
            "Personal data is processed only for the purposes in the register of processing.",
            "Only authorised people see personal data, and only what their work needs.",
            "Requests of data subjects are answered within one month.",
        ],
        "Personal data is deleted when its retention period ends.",
        [("material", 25), ("material", 12), ("minor", 4)],
    ),
    (
        "Mobile devices",
        "staff",
        ["director"],
        ["Microsoft 365"],
        None,
        12,
        "How company phones and tablets are set up and looked after.",
        [
            "Company phones are enrolled in device management before first use.",
            "A screen lock with a PIN of at least six digits is required.",
            "A lost device is wiped remotely.",
        ],
        "Company data on a phone stays in the managed work profile.",
        [("material", 13)],
    ),
    (
        "Software installation",
        "staff",
        ["director"],
        ["Service Desk"],
        None,
        12,
        "Which software may be installed on company computers and how.",
        [
            "Software is installed from the company catalogue only.",
            "Other software is requested through the Service Desk and checked by MIS.",
            "Users do not have administrator rights on their computers.",
        ],
        "Browser extensions are allowed from the approved list only.",
        [("material", 19), ("minor", 7)],
    ),
    (
        "Clean desk and clear screen",
        "OPS",
        ["director"],
        [],
        None,
        24,
        "How papers and screens are kept from the eyes of others.",
        [
            "Confidential papers are locked away at the end of the day.",
            "Printouts are collected from the printer at once.",
            "Screens lock after five minutes without use.",
        ],
        "Documents to be thrown away go to the shredding bins.",
        [("material", 17)],
    ),
    (
        "Vendor access",
        "staff",
        ["director"],
        ["VPN Service", "Comarch ERP XL"],
        "MIS",
        12,
        "How suppliers get and lose access to our systems.",
        [
            "Vendors get named accounts that expire with their contract.",
            "Remote sessions of vendors are started by MIS and recorded.",
            "Vendors sign the confidentiality agreement before any access.",
        ],
        "",
        ["review"],
    ),
    (
        "Bring your own device",
        "director",
        ["finance"],
        ["Microsoft 365"],
        None,
        12,
        "When private phones and computers may be used for work.",
        [
            "Private phones may read company e-mail only through the managed app.",
            "Private computers connect only to Microsoft 365 in the browser.",
            "The organization may wipe its data from a private device, never the rest.",
        ],
        "",
        ["draft"],
    ),
]
RULES = "Rules"
WHO_TO_ASK = "Who to ask"
ASK = "Questions about this policy go to its owner through the Service Desk."
ASK_MINOR = "Questions about this policy go to its owner through the Service Desk (ext. 500)."
FIRST_SUMMARY = "First version."
MATERIAL_SUMMARY = "New rule added."
MINOR_SUMMARY = "Wording clarified; no change to the rules."

# policy, subject ("person:<username|code>", "system:<name>", "department:<code>"), reason,
# compensating measure, requested by, days until it expires (negative: expired)
EXCEPTIONS = [
    (
        "Passwords and multi-factor authentication",
        "system:Contact Centre Telephony",
        "The agents' consoles cannot use multi-factor authentication until the upgrade.",
        "Log-in only from the contact centre's network; passwords changed monthly.",
        "CRM",
        150,
    ),
    (
        "Software installation",
        "person:marketing",
        "Design tools need updates every week that the catalogue does not provide.",
        "A separate administrator account used only for installing; monthly check by MIS.",
        "marketing",
        60,
    ),
    (
        "Mobile devices",
        "department:SAL-N",
        "Sales North tested phones before they were enrolled in device management.",
        "Only e-mail on the test phones; enrolled at the end of the pilot.",
        "SAL",
        -21,
    ),
]

# title, description, owner, systems, steps: (role slug, system or "", text)
PROCEDURES = [
    (
        "Onboarding a new employee",
        "What happens between the signed contract and the first working day.",
        "HR",
        ["HR Portal", "Active Directory", "Microsoft 365"],
        [
            ("department_leader", "HR Portal", "Request the new employee's access and equipment."),
            ("mis_staff", "Active Directory", "Create the account and add it to the groups."),
            ("mis_staff", "Microsoft 365", "Assign the licence and the mailbox."),
            ("mis_staff", "", "Prepare the laptop and the phone."),
            ("employee", "", "Read and accept the policies; start the required courses."),
        ],
    ),
    (
        "Offboarding a leaving employee",
        "How access ends on the last working day.",
        "HR",
        ["HR Portal", "Active Directory"],
        [
            ("department_leader", "HR Portal", "Record the last working day."),
            ("mis_staff", "Active Directory", "Disable the account at the end of the last day."),
            ("mis_staff", "", "Collect the laptop, the phone and the access card."),
            ("department_leader", "", "Hand over the employee's documents and mailbox."),
        ],
    ),
    (
        "Restoring a backup",
        "How a system or a file is restored from the backup.",
        "staff",
        ["Backup Platform", "Virtualisation Cluster"],
        [
            ("employee", "Service Desk", "Ask for the restore: what, from which day, where to."),
            ("mis_staff", "Backup Platform", "Find the backup and restore it to a test place."),
            ("department_leader", "", "Check that the restored data is the right one."),
            ("mis_staff", "Virtualisation Cluster", "Move the restored data to production."),
            ("mis_staff", "Service Desk", "Record the time the restore took."),
        ],
    ),
    (
        "Responding to a security incident",
        "From the first report to the lessons learned.",
        "director",
        ["Service Desk", "Firewall Cluster"],
        [
            ("employee", "Service Desk", "Report what you saw and when."),
            ("mis_staff", "", "Assess the incident and isolate the affected systems."),
            ("mis_director", "", "Decide whether the authority and the people must be told."),
            ("mis_staff", "Firewall Cluster", "Remove the cause and restore the service."),
            ("mis_director", "", "Hold the review and record the lessons learned."),
        ],
    ),
    (
        "Granting access to a system",
        "How someone gets access to a system they need for work.",
        "staff",
        ["Service Desk", "Salesforce Sales Cloud"],
        [
            ("employee", "Service Desk", "Request the access, saying why it is needed."),
            ("department_leader", "Service Desk", "Approve the request."),
            ("mis_staff", "", "Grant the access and record it in the system's access list."),
        ],
    ),
]

# name, description, whole organization, department codes, system names
AUDIENCES = [
    ("Whole organization", "Everyone who works here.", True, [], []),
    ("Sales department", "The Sales department with its regions.", False, ["SAL"], []),
    (
        "Users of Salesforce Sales Cloud",
        "Everyone with access to Salesforce now.",
        False,
        [],
        ["Salesforce Sales Cloud"],
    ),
    ("MIS staff", "The people of the MIS department.", False, ["MIS"], []),
]

# title, description, systems, validity (months), who (audience key), days back the
# completions spread over, pages [(title, body)], questions [(text, [(choice, correct)])]
COURSES = [
    (
        "Security awareness",
        "The yearly course on keeping the organization's data and accounts safe.",
        ["Microsoft 365"],
        12,
        "all",
        400,
        [
            ("Why security matters", "Most attacks start with one person's click or password."),
            ("Your part", "Lock the screen, use MFA, report what looks wrong."),
        ],
        [
            (
                "What do you do with a suspicious e-mail?",
                [
                    ("Report it with the Report phishing button", True),
                    ("Forward it to colleagues to warn them", False),
                    ("Delete it and say nothing", False),
                ],
            ),
            (
                "When do you lock your screen?",
                [
                    ("Whenever I leave the computer", True),
                    ("At the end of the day", False),
                    ("Only in public places", False),
                ],
            ),
        ],
    ),
    (
        "Phishing refresher",
        "Ten minutes on the latest tricks of fraudulent messages.",
        ["Microsoft 365"],
        6,
        "all",
        210,
        [
            (
                "Signs of phishing",
                "Urgency, an unexpected attachment, a sender that is almost right.",
            ),
            ("Fake invoices", "Check a changed bank account number by phone with the supplier."),
        ],
        [
            (
                "A supplier e-mails a new bank account. What do you do?",
                [
                    ("Confirm it by phone at the number we already have", True),
                    ("Reply to the e-mail to confirm", False),
                    ("Update the account at once", False),
                ],
            ),
            (
                "Which are signs of phishing?",
                [
                    ("Pressure to act at once", True),
                    ("A sender's address that is almost right", True),
                    ("A message from a colleague you expected", False),
                ],
            ),
        ],
    ),
    (
        "Personal data protection (GDPR)",
        "The GDPR in our daily work: what personal data is and how we look after it.",
        ["HR Portal", "Salesforce Sales Cloud"],
        24,
        "all",
        365,
        [
            ("What personal data is", "Anything that identifies a person, directly or not."),
            ("Data breaches", "Report a breach at once: the authority must know within 72 hours."),
        ],
        [
            (
                "How soon must a data breach be reported to the authority?",
                [("Within 72 hours", True), ("Within 30 days", False), ("Never", False)],
            ),
            (
                "Which of these is personal data?",
                [
                    ("A customer's e-mail address", True),
                    ("An employee's phone number", True),
                    ("The company's tax number", False),
                ],
            ),
        ],
    ),
    (
        "Salesforce Sales Cloud basics",
        "Accounts, opportunities and quotes in Salesforce.",
        ["Salesforce Sales Cloud"],
        None,
        "salesforce",
        300,
        [
            ("Accounts and contacts", "Search before you create: one account per customer."),
            ("Opportunities", "Move each deal through the stages and keep its close date true."),
        ],
        [
            (
                "What do you do before creating a new account?",
                [
                    ("Search for the customer by tax number", True),
                    ("Ask the customer for a new number", False),
                    ("Nothing, duplicates are merged at night", False),
                ],
            ),
            (
                "Where is a deal's expected revenue kept?",
                [
                    ("On the opportunity", True),
                    ("On the contact", False),
                    ("In a spreadsheet", False),
                ],
            ),
        ],
    ),
    (
        "Customer data in Salesforce",
        "Who may see and export customer data in Salesforce, and how.",
        ["Salesforce Sales Cloud"],
        12,
        "salesforce",
        330,
        [
            ("Exports", "Export only what your task needs, and delete the file afterwards."),
            ("Sharing", "Share a report with colleagues, never a file of customers."),
        ],
        [
            (
                "You need a list of customers for a mailing. What do you do?",
                [
                    ("Use the newsletter tool's synchronisation", True),
                    ("Export all customers to Excel", False),
                    ("Send the list to the agency by e-mail", False),
                ],
            ),
            (
                "How long do you keep an export on your laptop?",
                [("Only while the task lasts", True), ("One year", False), ("Forever", False)],
            ),
        ],
    ),
    (
        "Comarch ERP XL for Finance",
        "Postings, payments and month-end closing in the ERP.",
        ["Comarch ERP XL"],
        None,
        "FIN",
        360,
        [
            ("Postings", "Each document is posted once, to the period of its date."),
            ("Month end", "Close the period only when the bank statements are matched."),
        ],
        [
            (
                "When is a period closed?",
                [
                    ("When the bank statements are matched", True),
                    ("On the first day of the next month", False),
                    ("When the auditor asks", False),
                ],
            ),
            (
                "Who approves a payment order?",
                [("Two authorised people", True), ("Its author alone", False), ("Nobody", False)],
            ),
        ],
    ),
    (
        "Backup and restore for administrators",
        "Running and testing the backups of the critical systems.",
        ["Backup Platform", "Virtualisation Cluster"],
        12,
        "MIS",
        380,
        [
            ("The 3-2-1 rule", "Three copies, on two kinds of media, one of them off site."),
            ("Restore tests", "A backup counts only when its restore was tested."),
        ],
        [
            (
                "How often is a restore of each critical system tested?",
                [("Every quarter", True), ("Every year", False), ("After a failure", False)],
            ),
            (
                "What does the 3-2-1 rule ask for?",
                [
                    ("Three copies, two media, one off site", True),
                    ("Three backups a day", False),
                    ("Two administrators per system", False),
                ],
            ),
        ],
    ),
    (
        "Incident response for MIS",
        "Handling a security incident from the first report to the lessons learned.",
        ["Service Desk", "Firewall Cluster"],
        12,
        "MIS",
        360,
        [
            ("First hour", "Contain first: isolate, keep the evidence, inform the director."),
            ("Afterwards", "Restore the service, then hold the review within a week."),
        ],
        [
            (
                "What comes first in an incident?",
                [
                    ("Contain it and keep the evidence", True),
                    ("Reinstall the affected computers", False),
                    ("Announce it to all staff", False),
                ],
            ),
            (
                "Who decides about notifying the authority?",
                [
                    ("The MIS director", True),
                    ("The person who reported it", False),
                    ("The vendor", False),
                ],
            ),
        ],
    ),
    (
        "Working remotely and securely",
        "The VPN, the home network and working on the road.",
        ["VPN Service"],
        24,
        "SAL",
        300,
        [
            ("The VPN", "Connect to company systems only through the VPN."),
            ("On the road", "No confidential work on trains and in cafés; use a privacy filter."),
        ],
        [
            (
                "How do you connect to the ERP from home?",
                [
                    ("Through the VPN", True),
                    ("Directly over the internet", False),
                    ("I cannot", False),
                ],
            ),
            (
                "Where may you work on confidential documents?",
                [
                    ("At home or in the office", True),
                    ("On the train", False),
                    ("In a café", False),
                ],
            ),
        ],
    ),
    (
        "Clean desk and printing",
        "Papers, printers and screens in the warehouse and the office.",
        [],
        36,
        "OPS",
        330,
        [
            ("At the end of the day", "Lock confidential papers away; leave the desk clear."),
            ("Printing", "Collect printouts at once; shred what you no longer need."),
        ],
        [
            (
                "What do you do with confidential papers at the end of the day?",
                [
                    ("Lock them away", True),
                    ("Leave them on the desk", False),
                    ("Take them home", False),
                ],
            ),
            (
                "Where do documents to be thrown away go?",
                [
                    ("The shredding bin", True),
                    ("The paper recycling bin", False),
                    ("The waste bin", False),
                ],
            ),
        ],
    ),
]

# username, title, issuer, issued (days ago), expires (days from today, None: never)
EXTERNAL_CERTIFICATES = [
    ("staff", "ITIL 4 Foundation", "PeopleCert", 700, None),
    ("staff", "Microsoft Certified: Azure Administrator Associate", "Microsoft", 300, 65),
    ("director", "ISO/IEC 27001 Lead Auditor", "PECB", 1000, 95),
]


def texts(language: str) -> Texts:
    """The demo governance's texts in ``language`` (``en`` or ``pl``)."""
    return Texts(language, demo_texts.POLISH)


def english_texts() -> list[str]:
    """Every English text the demo writes (each must have its Polish one)."""
    found = [RULES, WHO_TO_ASK, ASK, ASK_MINOR, FIRST_SUMMARY, MATERIAL_SUMMARY, MINOR_SUMMARY]
    for title, *_r, purpose, rules, extra, _history in POLICIES:
        found += [title, purpose, *rules] + ([extra] if extra else [])
    for row in EXCEPTIONS:
        found += [row[2], row[3]]
    for title, description, _owner, _systems, steps in PROCEDURES:
        found += [title, description] + [step[2] for step in steps]
    for name, description, *_rest in AUDIENCES:
        found += [name, description]
    for title, description, *_rest, pages, questions in COURSES:
        found += [title, description] + [text for page in pages for text in page]
        for question, choices in questions:
            found += [question] + [choice for choice, _correct in choices]
    return found


def policy_text(t: Texts, title: str, purpose: str, rules: list[str], minor: bool) -> str:
    """A policy's Markdown text: its purpose, numbered rules and whom to ask."""
    lines = [f"# {t(title)}", "", t(purpose), "", f"## {t(RULES)}", ""]
    lines += [f"{n}. {t(rule)}" for n, rule in enumerate(rules, 1)]
    lines += ["", f"## {t(WHO_TO_ASK)}", "", t(ASK_MINOR if minor else ASK), ""]
    return "\n".join(lines)


def _people() -> dict[str, Person]:
    """The demo logins' people by username and each department's head by its code."""
    found = {
        p.user.username: p
        for p in Person.objects.filter(
            user__username__in=[u[0] for u in org_demo.DEMO_USERS]
        ).select_related("user")
    }
    heads = Person.objects.filter(active=True, user__isnull=True).select_related("department")
    for person in heads.order_by("pk"):
        found.setdefault(person.department.code, person)
    return found


def _departments_by_code() -> dict[str, Department]:
    return {d.code: d for d in Department.objects.all()}


def _moment(today: date, days_ago: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(10, 0)))


def load(today: date | None = None, *, language: str = "en") -> None:
    """Create the demo governance (after the organization and portfolio demos), written in
    ``language``."""
    today = today or timezone.localdate()
    t = texts(language)
    people = _people()
    if "director" not in people or "staff" not in people:
        return
    systems = portfolio_demo.systems()
    with disable_auditlog():
        _policies(today, t, people, systems)
        _exceptions(today, t, people, systems)
        _procedures(t, people, systems)
        audiences = _audiences(t, systems)
        _training(today, t, people, systems, audiences)
        _campaigns(today, t, people, audiences)


def _policies(today, t, people, systems) -> None:
    director, staff = people["director"], people["staff"]
    for (
        title,
        owner,
        approvers,
        names,
        department,
        interval,
        purpose,
        rules,
        extra,
        history,
    ) in POLICIES:
        policy = Policy.objects.create(
            title=t(title),
            owner=people[owner],
            department=people[department].department if department else None,
            review_interval=interval,
        )
        policy.approvers.set([people[key] for key in approvers])
        policy.systems.set([systems[name] for name in names if name in systems])
        author = staff if owner != "director" else director
        approver = director if author != director else people[approvers[0]]
        published = []
        current_rules, minor = list(rules), False
        for n, step in enumerate(history):
            final = step if isinstance(step, str) else None
            change, months_ago = (None, 0) if final else step
            if change == "material" and n:
                current_rules.append(extra)
            elif change == "minor":
                minor = True
            summary = FIRST_SUMMARY if not n else MATERIAL_SUMMARY
            if change == "minor":
                summary = MINOR_SUMMARY
            version = PolicyVersion.objects.create(
                policy=policy,
                text=policy_text(t, title, purpose, current_rules, minor),
                summary=t(summary),
                author=author,
            )
            if final == "draft":
                continue
            version = policy_services.submit(version, author.user)
            if final == "review":
                continue
            version = policy_services.approve(version, approver.user)
            version = policy_services.publish(policy, change, director.user)
            published.append((version.pk, months_ago))
        for pk, months_ago in published:
            day = policy_services.add_months(today, -months_ago)
            PolicyVersion.objects.filter(pk=pk).update(
                published_at=_moment(day, 0), created=_moment(day, 7)
            )
        if published:
            last = policy_services.add_months(today, -published[-1][1])
            Policy.objects.filter(pk=policy.pk).update(
                next_review=policy_services.add_months(last, interval)
            )


def _subject(key: str, people, systems) -> dict:
    kind, name = key.split(":", 1)
    if kind == "system":
        return {"system": systems[name]}
    if kind == "department":
        return {"department": _departments_by_code()[name]}
    return {"person": people[name]}


def _exceptions(today, t, people, systems) -> None:
    policies = {p.title: p for p in Policy.objects.all()}
    for title, subject, reason, measure, requested, days in EXCEPTIONS:
        exception = PolicyException(
            policy=policies[t(title)],
            reason=t(reason),
            compensating_measure=t(measure),
            requested_by=people[requested],
            approver=people["director"],
            expires=today + timedelta(days=days),
            **_subject(subject, people, systems),
        )
        exception.full_clean()
        exception.save()


def _procedures(t, people, systems) -> None:
    roles = {r.slug: r for r in Role.objects.exclude(slug=None)}
    steps = []
    for title, description, owner, names, rows in PROCEDURES:
        procedure = Procedure.objects.create(
            title=t(title), description=t(description), owner=people[owner]
        )
        procedure.systems.set([systems[name] for name in names if name in systems])
        steps += [
            ProcedureStep(
                procedure=procedure,
                number=n,
                text=t(text),
                responsible_role=roles.get(role),
                system=systems.get(system) if system else None,
            )
            for n, (role, system, text) in enumerate(rows, 1)
        ]
    ProcedureStep.objects.bulk_create(steps)


def _audiences(t, systems) -> dict[str, Audience]:
    departments = _departments_by_code()
    found = {}
    for name, description, whole, codes, names in AUDIENCES:
        audience = Audience.objects.create(
            name=t(name), description=t(description), whole_organization=whole
        )
        audience.departments.set([departments[code] for code in codes])
        audience.systems.set([systems[n] for n in names if n in systems])
        found[name] = audience
    return found


def _audience_people(today) -> dict[str, list[int]]:
    """Who each course is for: ``all``, ``salesforce`` (its users now) or a department code
    (with the departments below it)."""
    from openmis.org import tree
    from openmis.portfolio.models import SystemAccess

    by_department: dict[int, list[int]] = {}
    everyone = []
    for pk, department in (
        Person.objects.filter(active=True).order_by("pk").values_list("pk", "department_id")
    ):
        by_department.setdefault(department, []).append(pk)
        everyone.append(pk)
    found = {"all": everyone}
    for code, department in _departments_by_code().items():
        found[code] = sorted(
            pk for d in tree.descendants(department.pk) for pk in by_department.get(d, [])
        )
    users = SystemAccess.objects.filter(
        system__in=[
            s for n, s in portfolio_demo.systems().items() if n == "Salesforce Sales Cloud"
        ],
        valid_from__lte=today,
    ).exclude(valid_until__lt=today)
    found["salesforce"] = sorted(set(users.values_list("person_id", flat=True)) & set(everyone))
    return found


def _training(today, t, people, systems, audiences) -> None:
    rng = random.Random(15)
    course_rows = []
    for title, description, names, validity, who, spread, pages, questions in COURSES:
        course = Course.objects.create(
            title=t(title), description=t(description), validity_months=validity
        )
        course.systems.set([systems[n] for n in names if n in systems])
        course_rows.append((course, who, spread, pages, questions))
    CoursePage.objects.bulk_create(
        CoursePage(course=course, position=n, title=t(page_title), body=t(body))
        for course, _who, _spread, pages, _q in course_rows
        for n, (page_title, body) in enumerate(pages, 1)
    )
    question_objects = QuizQuestion.objects.bulk_create(
        QuizQuestion(course=course, position=n, text=t(text))
        for course, _who, _spread, _pages, questions in course_rows
        for n, (text, _choices) in enumerate(questions, 1)
    )
    choices, flat = [], iter(question_objects)
    for _course, _who, _spread, _pages, questions in course_rows:
        for _text, rows in questions:
            question = next(flat)
            choices += [QuizChoice(question=question, text=t(c), correct=ok) for c, ok in rows]
    QuizChoice.objects.bulk_create(choices)

    audience_people = _audience_people(today)
    logins = {p.pk for key, p in people.items() if key in {u[0] for u in org_demo.DEMO_USERS}}
    plan = []  # (enrolment, [(days ago, passed)])
    for course, who, spread, _pages, _questions in course_rows:
        for person in audience_people.get(who, []):
            roll = rng.random()
            due = today - timedelta(days=rng.randint(-40, 20))
            if person in logins and course.validity_months == 12 and who == "all":
                roll = 0.5  # the demo logins have passed the yearly course
            if roll < 0.82:
                passed_ago = rng.randint(1, spread)
                attempts = [(passed_ago, True)]
                if rng.random() < 0.15:
                    attempts.insert(0, (passed_ago + rng.randint(1, 6), False))
                due = today - timedelta(days=passed_ago - rng.randint(0, 20))
                status = Enrolment.Status.PASSED
            elif roll < 0.88:
                attempts = [(rng.randint(1, 40), False)]
                status = Enrolment.Status.FAILED
            else:
                attempts = []
                status = rng.choice([Enrolment.Status.ASSIGNED, Enrolment.Status.IN_PROGRESS])
            plan.append(
                (Enrolment(person_id=person, course=course, due_date=due, status=status), attempts)
            )
    Enrolment.objects.bulk_create([enrolment for enrolment, _attempts in plan])

    quizzes = {}
    for course, *_rest in course_rows:
        questions = training.questions_of(course)
        correct = training.correct_choices(questions)
        wrong = {q.pk: [c.pk for c in q.choices.all() if not c.correct][:1] for q in questions}
        quizzes[course.pk] = (training.fingerprint(course, questions), correct, wrong, questions)
    attempts, certificates = [], []
    for enrolment, tries in plan:
        course = enrolment.course
        shown, correct, wrong, questions = quizzes[course.pk]
        for days_ago, passing in tries:
            answers = {q: sorted(ids) for q, ids in correct.items()}
            if not passing:
                first = questions[0].pk
                answers[first] = wrong[first]
            value = scoring.score(correct, answers)
            taken = _moment(today, days_ago) + timedelta(minutes=rng.randint(0, 420))
            attempts.append(
                Attempt(
                    enrolment=enrolment,
                    taken_at=taken,
                    score=value,
                    passed=scoring.passes(value, course.pass_mark),
                    answers={str(k): v for k, v in answers.items()},
                    quiz_hash=shown,
                    course_version=course.course_version,
                )
            )
            if passing:
                issued = timezone.localdate(taken)
                certificates.append(
                    Certificate(
                        enrolment=enrolment,
                        person_id=enrolment.person_id,
                        course=course,
                        course_version=course.course_version,
                        score=value,
                        issued_on=issued,
                        valid_until=training.valid_until(issued, course.validity_months),
                    )
                )
    Attempt.objects.bulk_create(attempts)
    Certificate.objects.bulk_create(certificates)
    for username, title, issuer, issued_ago, expires_in in EXTERNAL_CERTIFICATES:
        ExternalCertificate.objects.create(
            person=people[username],
            title=title,
            issuer=issuer,
            issued_on=today - timedelta(days=issued_ago),
            expires_on=None if expires_in is None else today + timedelta(days=expires_in),
        )


# The policies whose current version the whole organization is asked to acknowledge, with how
# long ago the campaign started and the share of people who have answered so far.
CAMPAIGNS = [
    ("Acceptable use of IT resources", 40, 0.9),
    ("Passwords and multi-factor authentication", 6, 0.4),
]
DECLINE_REASON = (
    "I cannot use an authenticator app on the phone I have; please tell me the alternative."
)


def _campaigns(today, t, people, audiences) -> None:
    """Acknowledgement campaigns of two published policies for the whole organization: most
    people have acknowledged the older one; the newer one is under way (the ``employee``
    login still has it to answer, the ``analyst`` declined it with a reason)."""
    rng = random.Random(5)
    everyone = audiences["Whole organization"]
    for title, days_ago, answered in CAMPAIGNS:
        policy = Policy.objects.filter(title=t(title)).first()
        if policy is None or policy.current_version is None:
            continue
        policy.audience = everyone
        policy.save(update_fields=["audience"])
        version = policy.current_version
        campaign = acknowledgements.start_campaign(version, on=today - timedelta(days=days_ago))
        pending = list(
            campaign.acknowledgements.filter(state=Acknowledgement.State.PENDING).order_by("pk")
        )
        for ack in pending:
            if ack.person_id == people["employee"].pk:
                continue
            if ack.person_id == people["analyst"].pk and answered < 0.5:
                ack.state = Acknowledgement.State.DECLINED
                ack.reason = t(DECLINE_REASON)
            elif rng.random() < answered:
                ack.state = Acknowledgement.State.ACCEPTED
                ack.acknowledged_version = version
                ack.acknowledged_number = version.number
                ack.acknowledged_sha256 = version.sha256
            else:
                continue
            ack.answered_at = _moment(today - timedelta(days=rng.randint(0, days_ago)), 0)
        Acknowledgement.objects.bulk_update(
            pending,
            [
                "state",
                "reason",
                "acknowledged_version",
                "acknowledged_number",
                "acknowledged_sha256",
                "answered_at",
            ],
        )
    course = Course.objects.filter(validity_months=12).order_by("pk").first()
    if course is not None:
        CourseAssignment.objects.create(course=course, audience=everyone, due_in_days=30)


def reset() -> None:
    """Remove the demo governance: campaigns, training, procedures, audiences, policies."""
    with disable_auditlog():
        Acknowledgement.objects.all().delete()
        Campaign.objects.all().delete()
        Policy.objects.update(audience=None)
        CourseAssignment.objects.all().delete()
        ExternalCertificate.objects.all().delete()
        Certificate.objects.all().delete()
        Attempt.objects.all().delete()
        Enrolment.objects.all().delete()
        Course.objects.all().delete()
        ProcedureStep.objects.all().delete()
        Procedure.objects.all().delete()
        Audience.objects.all().delete()
        PolicyException.objects.all().delete()
        PolicyVersion.objects.all().delete()
        Policy.objects.all().delete()

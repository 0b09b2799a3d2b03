"""The Polish texts of the demo staffing (skills and roles in the MIS team), keyed by their
English text (see :mod:`openmis.core.demotext`). Product names stay as they are."""

POLISH = {
    # skills
    "Comarch ERP XL configuration": "Konfiguracja Comarch ERP XL",
    "Enova365 payroll setup": "Konfiguracja płac w Enova365",
    "Salesforce administration": "Administracja Salesforce",
    "Microsoft 365 administration": "Administracja Microsoft 365",
    "API and EDI integration": "Integracje API i EDI",
    "Active Directory and group policies": "Active Directory i zasady grup",
    "Windows Server": "Windows Server",
    "Linux administration": "Administracja systemem Linux",
    "VMware vSphere": "VMware vSphere",
    "Backup and recovery": "Kopie zapasowe i odtwarzanie",
    "SQL Server": "SQL Server",
    "PostgreSQL": "PostgreSQL",
    "ETL and data modelling": "ETL i modelowanie danych",
    "Firewall configuration": "Konfiguracja zapór sieciowych",
    "Identity and access management": "Zarządzanie tożsamością i dostępem",
    "Incident and change management (ITIL)": "Zarządzanie incydentami i zmianami (ITIL)",
    # roles in the team
    "MIS director": "Dyrektor MIS",
    "Systems administrator": "Administrator systemów",
    "ERP specialist": "Specjalista ERP",
    "ERP and payroll specialist": "Specjalista ERP i płac",
    "CRM administrator": "Administrator CRM",
    "Network and security engineer": "Inżynier sieci i bezpieczeństwa",
    "Database administrator": "Administrator baz danych",
    "BI developer": "Programista BI",
    "Integration developer": "Programista integracji",
    "Service desk lead": "Kierownik Service Desk",
    "Junior systems administrator": "Młodszy administrator systemów",
}

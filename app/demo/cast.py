"""The cast of the demo: two workspaces, their lines, people and the words their tickets use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkspaceSpec:
    slug: str
    name: str
    timezone: str
    admin: str
    lines: tuple[tuple[str, str], ...]  # (name, prefix)
    teams: tuple[str, ...]
    users: tuple[tuple[str, str], ...]  # (name, email)
    email_domain: str


WORKSPACES = (
    WorkspaceSpec(
        slug="acme",
        name="Acme Clinic",
        timezone="Europe/Tallinn",
        admin="Alice Admin",
        lines=(("Reception", "A"), ("Pharmacy", "P"), ("Laboratory", "L")),
        teams=("Front Office", "Billing"),
        users=(
            ("Maria Tamm", "maria@acme.example"),
            ("Jaan Kask", "jaan@acme.example"),
            ("Liis Saar", "liis@acme.example"),
            ("Peeter Mets", "peeter@acme.example"),
        ),
        email_domain="acme.example",
    ),
    WorkspaceSpec(
        slug="globex",
        name="Globex Support",
        timezone="America/New_York",
        admin="Hank Scorpio",
        lines=(("Front Desk", "F"), ("Returns", "R")),
        teams=("Tier 1", "Tier 2", "Billing"),
        users=(
            ("Dana Brooks", "dana@globex.example"),
            ("Omar Haddad", "omar@globex.example"),
            ("Yuki Sato", "yuki@globex.example"),
            ("Lena Fischer", "lena@globex.example"),
            ("Carlos Ruiz", "carlos@globex.example"),
        ),
        email_domain="globex.example",
    ),
)

FIRST_NAMES = (
    "Anna", "Mark", "Sofia", "Oliver", "Emma", "Lucas", "Mia", "Noah", "Eva", "Leo",
    "Grace", "Henry", "Ida", "Jonas", "Kerli", "Martin", "Nora", "Oskar", "Paula", "Rasmus",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Ivanova", "Nguyen", "Garcia", "Müller", "Rossi", "Kowalski", "Tamm", "Berg",
    "Silva", "Khan", "Novak", "Larsen", "Moreau", "Costa", "Virtanen",
)  # fmt: skip
LANGUAGES = ("en", "et", "ru", "de", "fi")

# (name, color) of the labels tickets get.
QUEUE_LABELS = (("priority", "#d9534f"), ("wheelchair", "#5bc0de"), ("returning", "#5cb85c"))
HELPDESK_LABELS = (
    ("billing", "#f0ad4e"), ("urgent", "#d9534f"), ("refund", "#428bca"),
    ("vip", "#9b59b6"), ("bug", "#34495e"),
)  # fmt: skip
EXTRA_TITLES = ("Insurance", "Appointment", "Order number")

SUBJECTS = (
    "Where is my order?",
    "Refund for a damaged item",
    "Cannot log in to my account",
    "Invoice shows the wrong amount",
    "Change my delivery address",
    "Question about the warranty",
    "The app crashes on start",
    "Cancel my subscription",
    "Missing part in the package",
    "How do I reset my password?",
    "Double charge on my card",
    "Product arrived late",
)
CUSTOMER_LINES = (
    "Hi, could you help me with this?",
    "I have been waiting for an answer for two days.",
    "Thanks, that worked!",
    "Any update on this?",
    "Please call me back when you can.",
)
AGENT_LINES = (
    "Thanks for reaching out, I am looking into it now.",
    "I have issued the refund; it shows up in 3-5 days.",
    "Could you send me the order number?",
    "Glad we could help. Have a great day!",
)
SMS_LINES = ("You are next in line.", "Please come to desk {desk}.", "Thank you for waiting.")
CHANNELS = ("email", "chat", "phone", "zaia-chat")

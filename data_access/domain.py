"""The declaration's vocabulary: channels, vehicles, directions, risk levels, symptoms, yes/no flags,
optional and personal fields. Every other module (store, import, pages) takes them from here."""

from __future__ import annotations

CHANNELS = ("paper", "vhd", "bluezone", "ncovi", "other")
VEHICLES = ("car", "motorbike", "truck", "bus", "bicycle", "pedestrian", "other")
DIRECTIONS = ("in", "out")
RISK_LEVELS = ("high", "medium", "low")
SYMPTOMS = ("fever", "cough", "breathing_difficulty", "sore_throat", "loss_of_taste_smell")
FLAGS = ("contact_f0", "visited_hotzone", "bluezone_installed", "used_free_wifi")
#: Optional declaration fields whose fill rate the data-quality page reports.
OPTIONAL_FIELDS = (
    "vehicle",
    "plate",
    "full_name",
    "id_number",
    "phone",
    "birth_year",
    "gender",
    "origin_district",
    "destination_district_code",
)
#: Personal fields (SPEC §6): never in an aggregate, masked for the IT team.
PERSONAL_FIELDS = ("full_name", "id_number", "phone", "plate")
#: Who signs in and what they see (SPEC §6).
ROLES = ("leadership", "health", "it", "admin", "wallscreen")
#: A high-risk traveller's follow-up by the health officers (SPEC §6), in SPEC order; none yet = not_contacted.
FOLLOW_UP_STATUSES = ("not_contacted", "contacted", "home_isolation", "facility_isolation", "tested", "closed")

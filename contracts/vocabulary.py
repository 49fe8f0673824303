"""Closed lists shared by every service (docs/domain.md glossary names)."""

CATEGORIES = (
    "education",
    "health",
    "employment",
    "social_security",
    "urban_construction",
    "transport",
    "industry",
    "ecology_tourism",
    "rural_revitalisation",
    "public_safety",
    "culture",
    "government_services",
    "other",
)
"""Suggestion categories (docs/domain.md §1). Routing rules map each to a lead unit."""

OCCASIONS = ("session", "recess")
"""Filed during a congress session (会议期间) or in recess (闭会期间)."""

RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
REPLY_CLASSES = ("A", "B", "C")
COLOURS = ("white", "yellow", "red")

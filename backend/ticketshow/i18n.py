"""Languages: English, Hindi and Tamil.

LOCALES are the codes a user may choose (preferences.locale) and the ones Accept-Language is matched
against; English is the fallback and the language of the source strings.
"""

from __future__ import annotations

LOCALES = ("en", "hi", "ta")
DEFAULT_LOCALE = "en"

from ticketshow.auth.passwords import hash_password, password_problems, verify_password
from ticketshow.text import fold


def test_fold_removes_latin_accents_and_case():
    assert fold("Café CRÈME") == "cafe creme"
    assert fold("São Paulo") == fold("SAO PAULO")


def test_fold_keeps_indic_vowel_signs():
    # Removing combining marks would make these two different Hindi words equal.
    assert fold("कि") != fold("क")
    assert fold("தமிழ்") == "தமிழ்"


def test_password_hash_round_trip():
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse battery!")
    assert not verify_password(None, "anything")


def test_password_policy_accepts_a_good_password():
    assert password_problems("violet-tamarind-42", "asha") == []
    assert password_problems("Password", "asha")  # common, whatever the case

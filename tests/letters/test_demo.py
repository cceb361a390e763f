"""The demo letters reach the states they are meant to show."""


def test_demo_letters_cover_the_letter_path(db, world):
    from app.letters.demo import seed

    u, o = world.users, world.orgs
    users = {"tiepnhan": u["intake"], "canbo": u["handler"], "lanhdao": u["approver"],
             "tld": u["top_approver"]}  # logs the second complaint at the unit above
    made = seed({"ht": o["a"]}, users)
    assert [c.state for c in made] == [
        "verifying", "merged", "closed", "received", "forwarded", "filed", "received"]
    assert made[3].parent_id == made[2].id and made[3].letter.complaint_round == 2

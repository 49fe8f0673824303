from tests.support.system import InProcessSystem


def test_a_filed_suggestion_is_assigned_notified_and_credited(system: InProcessSystem) -> None:
    answer = system.file()
    assert answer.status_code == 202, answer.get_json()
    receipt = system.settled_receipt(answer.get_json()["id"])
    assert receipt["status"] == "accepted"
    suggestion = system.client.get(receipt["resource"]["href"], headers=system.headers()).get_json()
    assert suggestion["state"] == "assigned"
    assert suggestion["assignments"][0]["unit_id"] == "U450102-EDU"

"""The review page: a pair side by side, its waterfall, judgements that always land."""

import re
import threading

from sqlalchemy import select

from athar.store.tables import AuditEntry, Judgement
from tests.web.conftest import client_for, csrf

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)


def _pair(page: str) -> tuple[str, str]:
    left = re.search(r'name="left" value="([^"]+)"', page).group(1)
    right = re.search(r'name="right" value="([^"]+)"', page).group(1)
    return left, right


def _judgements(app, left: str, right: str) -> list:
    a, b = sorted([tuple(left.split(":", 1)), tuple(right.split(":", 1))])
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(Judgement).where(
                Judgement.left_source == a[0],
                Judgement.left_record_id == a[1],
                Judgement.right_source == b[0],
                Judgement.right_record_id == b[1],
            )
        ).all()


def test_the_review_page_shows_both_records_the_waterfall_and_three_buttons(app):
    page = client_for(app, "reviewer-alpha").get("/review?lang=en").text
    left, right = _pair(page)
    assert left in page and right in page
    # the names as the lists wrote them: separate parts, or a full name (the pair varies with the run)
    assert ("Given name" in page or "Full name" in page) and 'class="waterfall data"' in page
    for decision, key in (("same", "s"), ("different", "d"), ("unsure", "u")):
        assert f'name="decision" value="{decision}" data-key="{key}"' in page
    assert '<script src="/static/review.js"></script>' in page
    assert 'name="note"' in page


def test_name_parts_are_shown_in_both_scripts(app):
    page = client_for(app, "reviewer-alpha").get("/review").text
    assert 'class="other-script"' in page
    assert re.search(r"[\u0600-\u06FF]", page) and re.search(r"<bdi>[A-Za-z]", page)


def test_the_keyboard_shortcuts_script_is_served_locally(anonymous):
    script = anonymous.get("/static/review.js")
    assert script.status_code == 200 and "data-key" in script.text


def test_a_judgement_is_stored_audited_and_the_next_pair_comes_at_once(app):
    client = client_for(app, "reviewer-alpha")
    page = client.get("/review").text
    left, right = _pair(page)
    response = client.post(
        "/review/judgements",
        data={
            "left": left,
            "right": right,
            "decision": "different",
            "note": "ages differ",
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code == 200 and str(response.url).endswith("/review")
    stored = _judgements(app, left, right)
    assert [(j.decision, j.user_name, j.note) for j in stored] == [
        ("different", "reviewer-alpha", "ages differ")
    ]
    assert _pair(response.text) != (left, right)
    with app.state.engine.connect() as conn:
        entry = conn.execute(
            select(AuditEntry).where(AuditEntry.action == "review.judge").order_by(AuditEntry.id.desc())
        ).first()
    assert entry.user_name == "reviewer-alpha" and entry.target_id == f"{left}|{right}"
    assert entry.client == "testclient"


def test_two_reviewers_judging_the_same_pair_at_once_both_land(app):
    first, second = client_for(app, "reviewer-alpha"), client_for(app, "investigator-alpha")
    left, right = _pair(first.get("/review").text)
    forms = [
        (client, {"left": left, "right": right, "decision": d, "csrf_token": csrf(client)})
        for client, d in ((first, "same"), (second, "unsure"))
    ]
    barrier = threading.Barrier(2)
    statuses = []

    def judge(client, data):
        barrier.wait()
        statuses.append(client.post("/review/judgements", data=data, follow_redirects=False).status_code)

    threads = [threading.Thread(target=judge, args=form) for form in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [303, 303]
    stored = _judgements(app, left, right)
    assert sorted((j.user_name, j.decision) for j in stored) == [
        ("investigator-alpha", "unsure"),
        ("reviewer-alpha", "same"),
    ]


def test_a_judgement_on_records_of_an_unshared_source_of_another_organisation_is_refused(app):
    client = client_for(app, "reviewer-alpha")
    with app.state.engine.connect() as conn:
        from athar.store.tables import Record, Source

        ids = (
            conn.execute(select(Record.record_id).join(Source).where(Source.name == "detention").limit(2))
            .scalars()
            .all()
        )
    response = client.post(
        "/review/judgements",
        data={
            "left": f"detention:{ids[0]}",
            "right": f"detention:{ids[1]}",
            "decision": "same",
            "csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert _judgements(app, f"detention:{ids[0]}", f"detention:{ids[1]}") == []


def test_the_review_page_never_shows_records_of_an_unshared_source_of_another_organisation(app):
    page = client_for(app, "reviewer-alpha").get("/review").text
    assert "detention:" not in page


def test_a_pair_kept_apart_as_siblings_says_so_in_both_languages(app, monkeypatch):
    from athar.web import review_pages

    real = review_pages.waterfall

    def flagged(engine, task):
        explanation = real(engine, task)
        return {**explanation, "kept_apart_as_siblings": True}

    client = client_for(app, "reviewer-alpha")
    monkeypatch.setattr(review_pages, "waterfall", flagged)
    english = client.get("/review?lang=en").text
    assert 'id="siblings"' in english and "possible brother and sister" in english
    arabic = client.get("/review?lang=ar").text
    assert 'id="siblings"' in arabic and "لأخوين" in arabic


def test_a_pair_set_aside_for_a_better_fit_says_so_in_both_languages(app, monkeypatch):
    """A task waiting because one of its records fits another record of the other's list better
    (`athar.linkage.rivals`) says why; an uncertain one says nothing of it."""
    from athar.web import queries

    client = client_for(app, "reviewer-alpha")
    assert 'id="outranked"' not in client.get("/review?lang=en").text
    real = queries.next_task

    def outranked(engine, principal, skip=0):
        task = real(engine, principal, skip)
        return task and {**task, "why": "outranked"}

    monkeypatch.setattr(queries, "next_task", outranked)
    english = client.get("/review?lang=en").text
    assert 'id="outranked"' in english and "fits another record in the other" in english
    arabic = client.get("/review?lang=ar").text
    assert 'id="outranked"' in arabic and "مطابقةً أفضل" in arabic


def test_the_explanation_reads_in_plain_words_in_both_languages(app):
    """Findings and values as the lists wrote them, never Splink's labels or the model's keys."""
    client = client_for(app, "reviewer-alpha")
    english = client.get("/review?lang=en").text
    arabic = client.get("/review?lang=ar").text
    for page in (english, arabic):
        assert 'class="waterfall data"' in page
        for internal in ("Term freq adjustment", "All other comparisons", "Exact match on", "_key"):
            assert internal not in page
    assert "Starting point" in english and ("the same" in english or "different" in english)
    assert "نقطة البداية" in arabic and ("متطابق" in arabic or "مختلف" in arabic)


def _visible_pairs(app, sources: set[str]) -> int:
    from sqlalchemy import func

    from athar.store.tables import LinkPair

    with app.state.engine.connect() as conn:
        return conn.execute(
            select(func.count()).where(LinkPair.left_source.in_(sources), LinkPair.right_source.in_(sources))
        ).scalar_one()


def _chart_total(page: str) -> int:
    return sum(int(n) for n in re.findall(r'<g class="row" data-key="[^"]+" data-n="(\d+)"', page))


def test_the_model_page_counts_only_pairs_the_organisation_may_see(app):
    alpha_page = client_for(app, "reviewer-alpha").get("/review/model?lang=en").text
    beta_page = client_for(app, "investigator-beta").get("/review/model?lang=en").text
    # Alpha sees its own families, Beta's shared returnees and the ownerless morgue; Beta its own two
    assert _chart_total(alpha_page) == _visible_pairs(app, {"families", "returnees", "morgue"}) > 0
    assert _chart_total(beta_page) == _visible_pairs(app, {"detention", "returnees", "morgue"}) > 0
    assert 'id="threshold"' in alpha_page and "No linkage run yet" not in alpha_page


def test_precision_and_recall_follow_the_reviewers_judgements(app):
    from athar.linkage.quality import labelled_scores

    client = client_for(app, "reviewer-alpha")
    before = client.get("/review/model?lang=en").text
    same_before = int(re.search(r'id="labelled-same">(\d+)<', before).group(1))
    left, right = _pair(client.get("/review").text)
    response = client.post(
        "/review/judgements",
        data={"left": left, "right": right, "decision": "same", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = client.get("/review/model?lang=en").text
    assert int(re.search(r'id="labelled-same">(\d+)<', after).group(1)) == same_before + 1
    assert 'id="precision-recall"' in after
    visible = {"families", "returnees", "morgue"}
    labelled = labelled_scores(app.state.engine, visible)
    expected_recall = sum(1 for p, s in labelled if s and p >= 0.3) / sum(1 for _, s in labelled if s)
    row = re.search(r'<tr data-threshold="0.3".*?</tr>', after, re.S).group(0)
    shown = [float(x) for x in re.findall(r"<bdi>([0-9.]+)</bdi>", row)]
    assert round(expected_recall, 3) in shown

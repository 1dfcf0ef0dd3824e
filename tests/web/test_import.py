"""The import page: upload, preview with the detected mapping, import with counts and quarantine."""

from __future__ import annotations

import re

from sqlalchemy import select

from athar.store.tables import AuditEntry, Import, Source
from tests.web.conftest import client_for, csrf

CSV = (
    b"record_id,full_name,sex,birth_date,event_date,notes\n"
    b"1,Ahmad Khalil Al Masri,M,1980,2013-04-02,ok\n"
    b"2,Sara Omar Haddad,F,1991,2014-07,ok\n"
    b"3,Bad Date Person,M,1985,2013-99-99,bad date\n"
)


def _preview(client, data=CSV, name="list.csv", source="web-upload", mapping=None):
    files = {"file": (name, data, "text/csv")}
    if mapping is not None:
        files["mapping"] = ("mapping.toml", mapping, "application/toml")
    token = csrf(client, "/import")
    return client.post("/import/preview", data={"source": source, "csrf_token": token}, files=files)


def test_preview_then_import_shows_counts_and_quarantined_rows(app):
    client = client_for(app, "investigator-alpha")
    preview = _preview(client)
    assert preview.status_code == 200
    assert 'id="mapping"' in preview.text and "Ahmad Khalil Al Masri" in preview.text
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    done = client.post(
        "/import", data={"token": token, "source": "web-upload", "csrf_token": csrf(client, "/import")}
    )
    assert done.status_code == 200
    counts = {k: re.search(rf'id="count-{k}">([^<]+)<', done.text).group(1) for k in ("read", "stored")}
    assert counts == {"read": "٣", "stored": "٢"}
    assert 'id="quarantined"' in done.text and "Bad Date Person" in done.text
    with app.state.engine.connect() as conn:
        assert conn.execute(select(Source.id).where(Source.name == "web-upload")).first() is not None
        row = conn.execute(
            select(*AuditEntry.__table__.columns).where(AuditEntry.action == "records.import")
        ).first()
    assert row.target_id == "web-upload" and row.detail["stored"] == 2
    # The upload is gone: the same token imports nothing twice.
    again = client.post(
        "/import", data={"token": token, "source": "web-upload", "csrf_token": csrf(client, "/import")}
    )
    assert again.status_code == 404


def test_a_bad_file_gets_the_one_line_error_not_a_500(app):
    client = client_for(app, "admin-alpha")
    page = _preview(client, data=b"\x00\x01\x02binary\xff\xfe" * 50, name="photo.csv")
    assert page.status_code == 422 and 'id="import-error"' in page.text
    assert "photo.csv" in page.text and "Traceback" not in page.text
    bad_mapping = _preview(client, mapping=b"this is = not [ toml")
    assert bad_mapping.status_code == 422 and 'id="import-error"' in bad_mapping.text


def test_a_file_and_a_source_are_required(app):
    client = client_for(app, "admin-alpha")
    assert _preview(client, source="  ").status_code == 422


def test_another_users_upload_cannot_be_imported(app):
    preview = _preview(client_for(app, "investigator-alpha"))
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    other = client_for(app, "admin-alpha")
    response = other.post(
        "/import", data={"token": token, "source": "x", "csrf_token": csrf(other, "/import")}
    )
    assert response.status_code == 404


def test_import_needs_the_csrf_token_and_the_right_role(app):
    client = client_for(app, "admin-alpha")
    client.get("/import")
    assert (
        client.post("/import/preview", data={"source": "x"}, files={"file": ("a.csv", CSV)}).status_code
        == 403
    )
    for who in ("caseworker-alpha", "reviewer-alpha"):
        assert client_for(app, who).get("/import").status_code == 403


def test_the_import_page_is_translated(app):
    client = client_for(app, "admin-alpha")
    assert "استيراد قائمة" in client.get("/import").text
    assert "Import a list" in client.get("/import?lang=en").text


def _import(client, preview, source, kind=None):
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    data = {"token": token, "source": source, "csrf_token": csrf(client, "/import")}
    if kind is not None:
        data["kind"] = kind
    return client.post("/import", data=data)


def _source(app, name):
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(Source.kind, Source.sharing, Source.organisation_id).where(Source.name == name)
        ).first()


def test_the_kind_chosen_on_the_form_is_kept_with_the_source(app):
    client = client_for(app, "investigator-alpha")
    upload = client.get("/import?lang=en").text
    assert 'name="kind"' in upload and "Detention register" in upload
    token = csrf(client, "/import")
    preview = client.post(
        "/import/preview",
        data={"source": "web-kinds", "kind": "detention_register", "csrf_token": token},
        files={"file": ("list.csv", CSV, "text/csv")},
    )
    assert 'data-kind="detention_register"' in preview.text
    done = _import(client, preview, "web-kinds", "detention_register")
    assert done.status_code == 200 and 'id="source-kind" data-kind="detention_register"' in done.text
    assert _source(app, "web-kinds").kind == "detention_register"


def test_the_mapping_files_kind_is_used_when_the_form_leaves_it(app):
    client = client_for(app, "admin-alpha")
    preview = _preview(client, source="web-mapped-kind", mapping=b'[options]\nkind = "hospital_or_morgue"\n')
    assert 'id="preview-kind" data-kind="hospital_or_morgue"' in preview.text
    assert _import(client, preview, "web-mapped-kind", "").status_code == 200
    assert _source(app, "web-mapped-kind").kind == "hospital_or_morgue"


def test_a_source_made_by_a_web_import_belongs_to_the_importers_organisation_privately(app):
    client = client_for(app, "investigator-alpha")
    assert _import(client, _preview(client, source="web-owned"), "web-owned").status_code == 200
    owned = _source(app, "web-owned")
    with app.state.engine.connect() as conn:
        from athar.store.tables import Organisation

        alpha = conn.execute(select(Organisation.id).where(Organisation.name == "Alpha")).scalar_one()
    assert (owned.organisation_id, owned.sharing, owned.kind) == (alpha, "private", "other")


def test_nobody_imports_into_another_organisations_source(app):
    beta = client_for(app, "investigator-beta")
    refused = _preview(beta, source="families")  # Alpha's list
    assert refused.status_code == 403 and 'id="import-error"' in refused.text
    # Nor by previewing under a new name and importing under the other organisation's one.
    preview = _preview(beta, source="beta-new")
    assert _import(beta, preview, "families").status_code == 403
    assert _source(app, "families").kind == "family_report"


def _quarantined_row(page: str, row: int) -> str:
    return re.search(rf'<tr data-row="{row}">.*?</table></td></tr>', page, re.S).group(0)


def test_a_quarantined_row_is_a_table_of_column_and_value_with_the_refused_fields_marked(app):
    client = client_for(app, "investigator-alpha")
    data = (
        b"record_id,full_name,sex,birth_date,event_date,notes\n"
        b"1,Ahmad Khalil Al Masri,M,1980,2013-04-02,ok\n"
        b"2,Bad Two Fields,Z9,1985,2013-99-99,two problems\n"
    )
    done = _import(client, _preview(client, data=data, source="web-quarantine-table"), "web-quarantine-table")
    html = done.text
    assert "{'record_id'" not in html and "&#39;record_id&#39;" not in html  # no Python dict any more
    row = _quarantined_row(html, 3)
    cells = {
        column: mark for mark, column in re.findall(r'<tr(?: class="(problem)")? data-column="([^"]+)"', row)
    }
    assert cells == {
        "record_id": "",
        "full_name": "",
        "sex": "problem",
        "birth_date": "",
        "event_date": "problem",
        "notes": "",
    }
    assert "<bdi>2013-99-99</bdi>" in row and "<bdi>two problems</bdi>" in row
    assert row.count('class="mark"') == 2
    assert "الجنس، تاريخ الحدث" in row  # the refused fields, named in the page's language
    client.get("/import?lang=en")  # the language cookie
    english = _import(client, _preview(client, data=data, source="web-quarantine-en"), "web-quarantine-en")
    row = _quarantined_row(english.text, 3)
    assert "<td>Sex, Event date</td>" in row and row.count(">refused</strong>") == 2


def test_a_row_of_the_wrong_shape_marks_its_surplus_cells(app):
    client = client_for(app, "admin-alpha")
    data = b"record_id,full_name\n1,Ahmad Khalil\n2,Sara Omar,surplus\n"
    done = _import(client, _preview(client, data=data, source="web-shape"), "web-shape")
    row = _quarantined_row(done.text, 3)
    assert re.search(r'<tr class="problem" data-column="_extra_3">', row)
    assert re.search(r'<tr data-column="full_name">', row)
    assert "شكل الصف" in row


def _listed_rows(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-row="(\d+)">', page)]


def test_the_done_page_lists_the_rows_of_this_import_not_of_another_file_of_the_same_name(app):
    client = client_for(app, "investigator-alpha")
    header = b"record_id,full_name,sex,birth_date,event_date\n"
    first = header + b"1,Ahmad Khalil,M,1980,2013-04-02\n2,Old Bad Date,M,1985,2013-99-99\n"
    done = _import(
        client, _preview(client, data=first, name="list.csv", source="web-by-import"), "web-by-import"
    )
    assert _listed_rows(done.text) == [3] and "Old Bad Date" in done.text
    # The same file again: nothing stored twice, and its refused row is still this file's to show.
    again = _import(
        client, _preview(client, data=first, name="copy.csv", source="web-by-import"), "web-by-import"
    )
    assert _listed_rows(again.text) == [3] and 'id="quarantined-elsewhere"' not in again.text
    # Another file of the same name: only its own refused rows (the old code matched on the name).
    second = header + b"1,Ahmad Khalil,M,1980,2013-04-02\n2,New Bad Sex,Q,1985,2013-04-02\n"
    other = _import(
        client, _preview(client, data=second, name="list.csv", source="web-by-import"), "web-by-import"
    )
    assert _listed_rows(other.text) == [3]
    assert "New Bad Sex" in other.text and "Old Bad Date" not in other.text
    # A third file refusing the first file's row again: counted, not listed, and said so.
    third = header + b"2,Old Bad Date,M,1985,2013-99-99\n3,Third Bad,M,1985,2013-13-01\n"
    last = _import(
        client, _preview(client, data=third, name="third.csv", source="web-by-import"), "web-by-import"
    )
    assert re.search(r'id="count-quarantined">٢<', last.text)
    assert _listed_rows(last.text) == [3] and "Third Bad" in last.text
    assert re.search(r'id="quarantined-elsewhere">[^<]*١\s*</p>', last.text)


# --- the preview flags the rows that will be quarantined; the mapping is changed there ----------

UNNAMED = (
    "ident,الاسم,الميلاد,notes\n"
    "A-1,أحمد خليل المصري,1980,ok\n"
    "A-2,سارة عمر حداد,1991-13-01,bad date\n"
    "A-3,يوسف سمير العلي,1975,ok\n"
).encode()


def _will_quarantine(page) -> int:
    return int(re.search(r'id="will-quarantine-count" data-count="(\d+)"', page.text).group(1))


def _check(client, preview, source, **choices):
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    data = {"token": token, "source": source, "csrf_token": csrf(client, "/import"), **choices}
    return client.post("/import/preview/mapping", data=data)


def test_the_preview_flags_the_rows_that_will_be_quarantined_with_their_reasons(app):
    client = client_for(app, "investigator-alpha")
    preview = _preview(client, source="web-flagged")
    assert _will_quarantine(preview) == 1
    flagged = re.search(r'<table class="data" id="will-quarantine">(.*?)</table>', preview.text, re.S).group(
        1
    )
    assert 'data-row="4"' in flagged and "2013-99-99" in flagged
    done = _import(client, preview, "web-flagged")
    assert re.search(r'id="count-quarantined">([^<]+)<', done.text).group(1) == "١"


def test_the_mapping_changed_in_the_preview_is_checked_again_and_imported(app):
    client = client_for(app, "investigator-alpha")
    preview = _preview(client, data=UNNAMED, source="web-remapped")
    assert _will_quarantine(preview) == 3  # "ident" is not recognised: no record id anywhere
    assert 'name="column_0"' in preview.text
    checked = _check(
        client,
        preview,
        "web-remapped",
        column_0="record_id",
        column_1="full_name",
        column_2="birth_date",
        column_3="-",
    )
    assert checked.status_code == 200
    assert _will_quarantine(checked) == 1
    assert re.search(
        r'<select name="column_0"[^>]*>.*?<option value="record_id" selected', checked.text, re.S
    )
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)
    assert token == re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    done = _import(client, checked, "web-remapped")
    assert done.status_code == 200
    assert re.search(r'id="count-stored">([^<]+)<', done.text).group(1) == "٢"
    with app.state.engine.connect() as conn:
        mapping = conn.execute(
            select(Import.mapping)
            .join(Source, Source.id == Import.source_id)
            .where(Source.name == "web-remapped")
        ).scalar_one()
    assert mapping["columns"] == {"record_id": "ident", "full_name": "الاسم", "birth_date": "الميلاد"}


def test_choices_sent_with_the_import_button_itself_are_used(app):
    client = client_for(app, "admin-alpha")
    preview = _preview(client, data=UNNAMED, source="web-remapped-direct")
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    data = {"token": token, "source": "web-remapped-direct", "csrf_token": csrf(client, "/import"),
            "column_0": "record_id", "column_1": "full_name", "column_2": "-", "column_3": "-"}  # fmt: skip
    done = client.post("/import", data=data)
    assert re.search(r'id="count-stored">([^<]+)<', done.text).group(1) == "٣"


def test_two_columns_chosen_for_one_field_are_refused_and_the_upload_kept(app):
    client = client_for(app, "investigator-alpha")
    preview = _preview(client, data=UNNAMED, source="web-conflict")
    refused = _check(client, preview, "web-conflict", column_0="record_id", column_1="record_id")
    assert refused.status_code == 422 and 'id="mapping-error"' in refused.text
    assert "ident" in refused.text and "الاسم" in refused.text
    fixed = _check(client, preview, "web-conflict", column_0="record_id", column_1="full_name")
    assert fixed.status_code == 200 and _will_quarantine(fixed) == 0


def test_the_mapping_of_another_users_upload_or_by_the_public_cannot_be_changed(app, anonymous):
    preview = _preview(client_for(app, "investigator-alpha"), data=UNNAMED, source="web-theirs")
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    for other in ("admin-alpha", "investigator-beta"):
        client = client_for(app, other)
        data = {
            "token": token,
            "source": "web-theirs",
            "csrf_token": csrf(client, "/import"),
            "column_0": "record_id",
        }
        assert client.post("/import/preview/mapping", data=data).status_code == 404
    response = anonymous.post("/import/preview/mapping", data={"token": token, "column_0": "record_id"})
    assert response.status_code in (401, 403)


def test_the_preview_in_arabic_names_the_new_parts(app):
    client = client_for(app, "investigator-alpha")
    preview = _preview(client, source="web-arabic")
    assert "صفوف ستُحجز" in preview.text and "افحص الصفوف بهذه المطابقة" in preview.text


def test_an_upload_left_at_its_preview_is_removed_after_a_while(app):
    """A list uploaded and previewed but never imported holds people's data: the next upload after
    `PENDING_SECONDS` removes it, and its token then imports nothing."""
    import os
    import time

    from athar.web import uploads

    client = client_for(app, "investigator-alpha")
    token = re.search(r'name="token" value="([^"]+)"', _preview(client).text).group(1)
    kept = re.search(r'name="token" value="([^"]+)"', _preview(client).text).group(1)
    folder = app.state.upload_dir / token
    assert (folder / "list.csv").is_file()
    old = time.time() - uploads.PENDING_SECONDS - 5
    os.utime(folder, (old, old))
    _preview(client)
    assert not folder.exists() and (app.state.upload_dir / kept).is_dir()
    done = client.post(
        "/import", data={"token": token, "source": "web-upload", "csrf_token": csrf(client, "/import")}
    )
    assert done.status_code == 404


def test_the_uploads_folder_goes_with_its_app():
    import gc

    from athar.web.uploads import upload_root

    class App:  # what upload_root reads of a request: its app's state
        def __init__(self) -> None:
            self.state = type("State", (), {})()

    class Request:
        def __init__(self, app: App) -> None:
            self.app = app

    app = App()
    root = upload_root(Request(app))
    (root / "pending").mkdir()
    assert upload_root(Request(app)) == root
    del app
    gc.collect()
    assert not root.exists()

"""Official documents through the real API and worker: the hazard's documents, the PDF and HTML at
`GET /documents/{sha256}`, the leader's signature and its refusals, publication and the public listings."""

import io

from pypdf import PdfReader

from tests.api_helpers import Api, in_days


def text_of(pdf: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


async def listed(api: Api) -> str:
    code = (await api.report()).json()["code"]
    await api.act("county.supervisor", code, "assess", {"level": "major", "basis": "GB 30871-2022 5.1", "interim_measures": "停用"})
    reply = await api.act("city.supervisor", code, "list", {"authority_level": "city", "deadline": in_days(60), "requirements": "限期整改"})
    assert reply.status_code == 200, reply.text
    return code


async def test_a_listing_is_a_draft_pdf_until_the_leader_signs_and_public_only_once_published(api: Api) -> None:
    code = await listed(api)
    hazard = (await api.as_user("city.supervisor", "GET", f"/hazards/{code}")).json()
    [notice] = [d for d in hazard["documents"] if d["kind"] == "listing_notice"]
    assert notice | {"status": "draft", "signed_by": None, "issued_at": None} == notice
    assert set(notice) == {"id", "kind", "title", "sha256", "status", "signed_by", "issued_at"}

    reply = await api.as_user("enterprise.a", "GET", f"/documents/{notice['sha256']}")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    text = text_of(reply.content)
    number = hazard["listing"]["notice_number"]
    assert "菏泽市安全生产委员会" in text and number in text and "示范化工" in text and "签发人" not in text
    html = await api.as_user("enterprise.a", "GET", f"/documents/{notice['sha256']}?format=html")
    assert html.headers["content-type"].startswith("text/html") and number in html.text
    assert (await api.as_user("enterprise.b", "GET", f"/documents/{notice['sha256']}")).status_code == 403

    tasks = (await api.as_user("city.leader", "GET", "/tasks")).json()["items"]
    assert {"hazard_code": code, "action": "sign"}.items() <= next(t for t in tasks if t["hazard_code"] == code).items()
    # Nobody but a leader of the listing authority signs; publication waits for the signature.
    for user, status, refusal in (("city.supervisor", 403, "not_a_leader"), ("county.leader", 403, "not_issuing_authority")):
        reply = await api.as_user(user, "POST", f"/documents/{notice['id']}/actions/sign")
        assert (reply.status_code, reply.json()["detail"]["code"]) == (status, refusal)
    reply = await api.act("city.supervisor", code, "publish", {})
    assert (reply.status_code, reply.json()["detail"]["code"]) == (409, "document_not_signed")
    assert (await api.http.get("/api/v1/public/listings")).json()["items"] == []
    assert number not in (await api.http.get("/public/listings")).text

    reply = await api.as_user("city.leader", "POST", f"/documents/{notice['id']}/actions/sign")
    assert reply.status_code == 200, reply.text
    signed = reply.json()
    assert signed["status"] == "issued" and signed["signed_by"] == "菏泽市安委会 李主任" and signed["sha256"] != notice["sha256"]
    reply = await api.as_user("city.leader", "POST", f"/documents/{notice['id']}/actions/sign")
    assert (reply.status_code, reply.json()["detail"]["code"]) == (409, "already_signed")
    pdf = (await api.as_user("city.supervisor", "GET", f"/documents/{signed['sha256']}")).content
    assert "签发人：菏泽市安委会李主任" in text_of(pdf)

    reply = await api.act("city.supervisor", code, "publish", {})
    assert reply.status_code == 200, reply.text
    public = (await api.http.get("/api/v1/public/listings")).json()
    [item] = public["items"]
    assert item | {"hazard_code": code, "notice_number": number, "listing_authority_code": "371700", "level": "major",
                   "enterprise_name": hazard["enterprise_name"], "status": "listed"} == item
    assert "reported_by" not in item and "whistleblower" not in str(item)
    page = await api.http.get("/public/listings")  # the public page, no sign-in
    assert page.status_code == 200 and number in page.text and hazard["enterprise_name"] in page.text
    kinds = [d["kind"] for d in reply.json()["documents"]]
    assert kinds == ["listing_notice", "listing_announcement"]


async def test_an_unknown_document_is_not_found(api: Api) -> None:
    assert (await api.as_user("city.leader", "POST", "/documents/HZ-0-listing_notice-1/actions/sign")).status_code == 404
    reply = await api.as_user("auditor", "GET", "/documents/" + "0" * 64)
    assert reply.status_code == 404

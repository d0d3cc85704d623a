"""Writes of the care-home admissions: applications, the ranking kept up to date, vacancies and offers,
residents. Each action runs in one transaction with its audit event. The ranking is the admissions
core's (:func:`yanglao.core.admissions.rank`), the same code as ``yanglao admissions rank``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import HttpRequest

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.carehomes import params
from yanglao.carehomes.models import (
    CORE_STATUS,
    Application,
    AppStatus,
    Document,
    Offer,
    OfferState,
    Residence,
    ResidenceState,
    Vacancy,
    VacancySource,
)
from yanglao.core import admissions
from yanglao.core.admissions.explain import assessment_cutoff
from yanglao.core.idnumber import mask_id_number
from yanglao.core.uploads import UploadRefused, check_upload
from yanglao.facilities.models import Facility, FacilityKind
from yanglao.registry.models import RECORD_FIELDS, Person

RANKED_FIELDS: tuple[str, ...] = ("eligible", "rank_class", "class_name", "position", "reasons")
RANKED_FIELDS += ("ranked_on", "status", "status_on", "status_note")
QUEUE_STATUSES = (AppStatus.WAITING, AppStatus.OFFERED)


class AdmissionError(ValueError):
    """A refused write, with the reason in Chinese."""


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _audit(request: HttpRequest, action: Action, person: Person, summary: str, **detail: Any) -> None:
    audit(
        request.user,
        action,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=summary[:300],
        detail={"person": person.pk, **detail},
    )


def rules_code_of(person: Person) -> str | None:
    """The county whose admission rules apply: the 常住地's, else the 户籍地's, among the rule files."""
    codes = admissions.list_rules()
    for region in (person.residence_region, person.hukou_region):
        for code in codes:
            if region and region.startswith(code):
                return code
    return None


def needs_nursing(person: Person) -> bool:
    """失能 (ability level 1–4, as the rule files read 失能失智) or 经认定生活不能自理: a 护理型 bed."""
    return (person.ability_level or 0) >= 1 or bool(person.self_care_unable)


def open_residence(person: Person) -> Residence | None:
    return Residence.objects.filter(person=person).exclude(state=ResidenceState.ENDED).first()


def check_application(person: Person, on: dt.date) -> str:
    """The rules code for a new application of ``person`` on ``on``, or :class:`AdmissionError` naming
    the reason (dead, already resident, already waiting, no rules, no or stale assessment)."""
    if person.death_date is not None and person.death_date <= on:
        raise AdmissionError(f"该老年人已于 {person.death_date} 去世，不能申请入住")
    home = open_residence(person)
    if home is not None:
        raise AdmissionError(f"该老年人已入住{home.facility.name}，不能再申请入住")
    if Application.objects.filter(person=person, status__in=QUEUE_STATUSES).exists():
        raise AdmissionError("该老年人已有轮候中的入住申请")
    code = rules_code_of(person)
    if code is None:
        raise AdmissionError("该老年人的常住地和户籍地都没有公办养老机构入住规则")
    rules = admissions.load_rules(code)
    if person.ability_level is None or person.ability_assessed_on is None:
        raise AdmissionError(f"没有老年人能力评估结果：{rules.assessment.text[:60]}，请先完成能力评估")
    cutoff = assessment_cutoff(rules, on)
    if cutoff is not None and person.ability_assessed_on < cutoff:
        raise AdmissionError(
            f"能力评估日期 {person.ability_assessed_on} 已超过有效期（{rules.months(on)}个月，"
            f"须在 {cutoff} 之后），请重新评估"
        )
    return code


def check_document(upload: UploadedFile[Any], on: dt.date) -> str:
    """The content type of an uploaded document (images or PDF, by their first bytes), or an error."""
    try:
        return check_upload(upload, int(params.value("upload_max_bytes", on)))[0]
    except UploadRefused as exc:
        raise AdmissionError(str(exc)) from None


def _number(code: str, on: dt.date) -> str:
    prefix = f"RZ{code}{on.year}"
    last = Application.objects.filter(number__startswith=prefix).order_by("-number").first()
    seq = int(last.number[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


@transaction.atomic
def do_apply(
    request: HttpRequest,
    person: Person,
    *,
    on: dt.date,
    applied_on: dt.date,
    wants_placement: bool = True,
    preferred: Sequence[Facility] = (),
    partner: Person | None = None,
    files: Sequence[UploadedFile[Any]] = (),
) -> Application:
    code = check_application(person, on)
    if applied_on > on:
        raise AdmissionError(f"申请日期 {applied_on} 晚于今天")
    if partner is not None and partner.pk == person.pk:
        raise AdmissionError("配偶不能是本人")
    kinds = [check_document(f, on) for f in files]
    app = Application.objects.create(
        number=_number(code, on),
        person=person,
        rules=code,
        applied_on=applied_on,
        wants_placement=wants_placement,
        partner=partner,
        status_on=on,
        needs_nursing=needs_nursing(person),
        created_by=_user(request),
    )
    app.preferred.set(preferred)
    for upload, kind in zip(files, kinds, strict=True):
        Document.objects.create(
            application=app,
            file=upload,
            name=(upload.name or "")[:120],
            content_type=kind,
            size=upload.size or 0,
            uploaded_by=_user(request),
        )
    rerank(code, on)
    _audit(request, Action.CREATE, person, f"受理入住申请 {app.number}", application=app.pk)
    return app


def rerank(code: str, on: dt.date) -> int:
    """Rank every open application of county ``code`` again (the admissions core) and store each verdict
    that changed; applicants who died are marked. Returns how many applications are in the queue.

    Rows are read as values, not model instances (10,000 applications: 4 s of the 9 s were Django
    building objects)."""
    rules = admissions.load_rules(code)
    person_fields = ("id_number", *RECORD_FIELDS)
    rows = list(
        Application.objects.filter(rules=code, status__in=QUEUE_STATUSES)
        .order_by("id")
        .values(
            "id",
            "number",
            "applied_on",
            "wants_placement",
            "status",
            "status_on",
            "status_note",
            "partner__id_number",
            *RANKED_FIELDS[:5],
            *(f"person__{f}" for f in person_fields),
        )
    )
    core = [
        admissions.Application(
            person={f: row[f"person__{f}"] for f in person_fields},
            applied_on=row["applied_on"],
            wants_placement=row["wants_placement"],
            status=CORE_STATUS[AppStatus(row["status"])],  # type: ignore[arg-type]
            partner_id_number=row["partner__id_number"],
            ref=row["number"],
        )
        for row in rows
    ]
    ranked = admissions.rank(rules, core, on) if core else []
    changed: list[list[Any]] = []
    queued = 0
    for row, result in zip(rows, ranked, strict=True):
        death = row["person__death_date"]
        died = death is not None and death <= on
        new = [
            result.eligible,
            result.rank_class,
            result.class_name or "",
            result.position,
            list(result.reasons),
        ]
        old = [row[f] for f in RANKED_FIELDS[:5]]
        queued += result.position is not None
        if new != old or died:
            kept = (row["status"], row["status_on"], row["status_note"])
            status = (AppStatus.DIED, on, f"轮候期间去世（{death}）") if died else kept
            changed.append([*new, on, *status, row["id"]])
    _store(changed)
    return queued


def _store(changed: list[list[Any]]) -> None:
    """The verdicts (``RANKED_FIELDS`` values then the id, per row) written with ``executemany``: Django's
    ``bulk_update`` builds a CASE per field and row and took 48 s for 3,000 applications. A status that
    did not change is written back as it was (only a death changes it here)."""
    if not changed:
        return
    meta = Application._meta
    reasons = meta.get_field("reasons")
    at = RANKED_FIELDS.index("reasons")
    for row in changed:
        row[at] = reasons.get_db_prep_save(row[at], connection)
    table = connection.ops.quote_name(meta.db_table)
    column = {f.name: f.column or f.name for f in meta.concrete_fields}
    columns = [column[name] for name in RANKED_FIELDS]
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", changed)


@transaction.atomic
def do_withdraw(request: HttpRequest, app: Application, reason: str, on: dt.date) -> None:
    if app.status not in QUEUE_STATUSES:
        raise AdmissionError("该申请不在轮候中")
    if not reason.strip():
        raise AdmissionError("请填写撤回原因")
    Offer.objects.filter(application=app, state=OfferState.OPEN).update(
        state=OfferState.DECLINED, decided_on=on, reason=f"申请撤回：{reason}"
    )
    app.status, app.status_on, app.status_note, app.position = AppStatus.WITHDRAWN, on, reason[:200], None
    app.save(update_fields=["status", "status_on", "status_note", "position"])
    rerank(app.rules, on)
    _audit(request, Action.CHANGE, app.person, f"撤回入住申请 {app.number}：{reason}", application=app.pk)


# --- vacancies and offers --------------------------------------------------------------------------


def fits(app: Application, vacancy: Vacancy) -> bool:
    """A 失能 applicant needs a 护理型 bed; a list of preferred homes is respected."""
    if app.needs_nursing and not vacancy.nursing:
        return False
    wanted = [f.pk for f in app.preferred.all()]
    return not wanted or vacancy.facility_id in wanted


def offer_next(vacancy: Vacancy, on: dt.date, user: Any = None) -> Offer | None:
    """An offer of ``vacancy`` to the highest-ranked waiting applicant of the county who fits the bed and
    has not had this vacancy yet; None (the vacancy stays open) when nobody fits."""
    if vacancy.filled or vacancy.closed_on is not None:
        return None
    if vacancy.offers.filter(state__in=(OfferState.OPEN, OfferState.ACCEPTED)).exists():
        return None
    had = set(vacancy.offers.values_list("application_id", flat=True))
    code = str(vacancy.facility.region_id)[:6]
    waiting = (
        Application.objects.filter(rules=code, status=AppStatus.WAITING, position__isnull=False)
        .exclude(pk__in=had)
        .prefetch_related("preferred")
        .order_by("position")
    )
    for app in waiting.iterator(chunk_size=200):
        if fits(app, vacancy):
            days = int(params.value("offer_reply_days", on))
            offer = Offer.objects.create(
                vacancy=vacancy,
                application=app,
                position=app.position,
                offered_on=on,
                due_on=on + dt.timedelta(days=days),
                decided_by=user,
            )
            app.status, app.status_on = AppStatus.OFFERED, on
            app.save(update_fields=["status", "status_on"])
            return offer
    return None


def open_vacancy(
    facility: Facility, *, nursing: bool, source: str, on: dt.date, note: str = "", user: Any = None
) -> Vacancy:
    vacancy = Vacancy.objects.create(
        facility=facility, nursing=nursing, source=source, source_note=note[:200], opened_on=on
    )
    offer_next(vacancy, on, user)
    return vacancy


@transaction.atomic
def do_report_vacancy(
    request: HttpRequest, facility: Facility, *, nursing: bool, on: dt.date, note: str = ""
) -> Vacancy:
    """A bed the facility's capacity report shows empty (or the home reports), offered at once."""
    if facility.kind != FacilityKind.PUBLIC_HOME:
        raise AdmissionError("只有公办养老机构（敬老院）的空床按轮候顺序通知")
    if nursing and facility.nursing_beds == 0:
        raise AdmissionError(f"{facility.name}没有护理型床位")
    vacancy = open_vacancy(
        facility, nursing=nursing, source=VacancySource.REPORT, on=on, note=note, user=_user(request)
    )
    audit(
        request.user,
        Action.CREATE,
        request=request,
        object_type="facility",
        object_id=str(facility.pk),
        summary=f"登记空床：{facility.name}（{'护理型' if nursing else '普通'}床位）",
        detail={"vacancy": vacancy.pk},
    )
    return vacancy


def open_beds(facility: Facility) -> tuple[int, int]:
    """(free beds, of them 护理型) by the home's latest current capacity report, less the residents this
    system records beyond it and the vacancies already open."""
    from yanglao.facilities.reportmodels import CapacityReport

    report = CapacityReport.objects.filter(facility=facility, current=True).order_by("-month").first()
    residents = Residence.objects.filter(facility=facility).exclude(state=ResidenceState.ENDED)
    in_use = max(report.general_in_use + report.nursing_in_use if report else 0, residents.count())
    nursing_use = max(report.nursing_in_use if report else 0, residents.filter(nursing=True).count())
    open_ = Vacancy.objects.filter(facility=facility, filled=False, closed_on__isnull=True)
    free = facility.beds - in_use - open_.count()
    free_nursing = min(free, facility.nursing_beds - nursing_use - open_.filter(nursing=True).count())
    return max(0, free), max(0, free_nursing)


@transaction.atomic
def do_vacancies_from_reports(request: HttpRequest, homes: Sequence[Facility], on: dt.date) -> int:
    """A vacancy for every bed the homes' latest capacity reports show free (护理型 first), each offered."""
    made = 0
    for home in homes:
        if home.kind != FacilityKind.PUBLIC_HOME:
            continue
        free, nursing = open_beds(home)
        for i in range(free):
            open_vacancy(
                home,
                nursing=i < nursing,
                source=VacancySource.REPORT,
                on=on,
                note="最新运营情况报告显示空床",
                user=_user(request),
            )
            made += 1
        if free:
            audit(
                request.user,
                Action.CREATE,
                request=request,
                object_type="facility",
                object_id=str(home.pk),
                summary=f"按运营情况报告登记空床：{home.name} {free} 张（护理型 {nursing} 张）",
            )
    return made


@transaction.atomic
def expire_due(on: dt.date) -> int:
    """Offers past their reply date expire (逾期未答复); the applicant waits again, the next is offered."""
    count = 0
    for offer in Offer.objects.filter(state=OfferState.OPEN, due_on__lt=on).select_related("application"):
        offer.state, offer.decided_on, offer.reason = OfferState.EXPIRED, on, f"答复期限 {offer.due_on} 已过"
        offer.save(update_fields=["state", "decided_on", "reason"])
        _back_to_queue(offer.application, on)
        offer_next(offer.vacancy, on)
        count += 1
    return count


def _back_to_queue(app: Application, on: dt.date) -> None:
    if app.status == AppStatus.OFFERED:
        app.status, app.status_on = AppStatus.WAITING, on
        app.save(update_fields=["status", "status_on"])


def decide(request: HttpRequest | None, offer: Offer, state: str, reason: str, on: dt.date) -> Offer | None:
    if offer.state != OfferState.OPEN:
        raise AdmissionError(f"该通知已{offer.get_state_display()}，不能再答复")
    if state != OfferState.ACCEPTED and not reason.strip():
        raise AdmissionError("请填写原因")
    offer.state, offer.decided_on, offer.reason, offer.decided_by = state, on, reason[:300], _user(request)
    offer.save(update_fields=["state", "decided_on", "reason", "decided_by"])
    if state == OfferState.ACCEPTED:
        return None
    _back_to_queue(offer.application, on)
    return offer_next(offer.vacancy, on, _user(request))


@transaction.atomic
def do_accept(request: HttpRequest, offer: Offer, on: dt.date) -> None:
    decide(request, offer, OfferState.ACCEPTED, "", on)
    _audit(request, Action.CHANGE, offer.application.person, f"接受入住通知（{offer.vacancy.facility.name}）")


@transaction.atomic
def do_decline(request: HttpRequest, offer: Offer, reason: str, on: dt.date) -> Offer | None:
    """The applicant declines (keeps the place in the queue); the next applicant is offered."""
    nxt = decide(request, offer, OfferState.DECLINED, reason, on)
    _audit(request, Action.CHANGE, offer.application.person, f"放弃入住通知：{reason}", offer=offer.pk)
    return nxt


@transaction.atomic
def do_refuse(request: HttpRequest, offer: Offer, reason: str, on: dt.date) -> Offer | None:
    """The home refuses the applicant: the reason is required and the refusal listed for the county."""
    if offer.state not in (OfferState.OPEN, OfferState.ACCEPTED):
        raise AdmissionError(f"该通知已{offer.get_state_display()}")
    if not reason.strip():
        raise AdmissionError("机构拒收须填写原因（供旗民政局“应收尽收”复核）")
    offer.state = OfferState.OPEN  # a refusal after acceptance is decided like an open offer
    nxt = decide(request, offer, OfferState.REFUSED, reason, on)
    _audit(request, Action.CHANGE, offer.application.person, f"机构拒收：{reason}", offer=offer.pk)
    return nxt

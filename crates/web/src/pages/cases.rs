//! Case files on the pages: the list with deadlines, one case's record of steps, the form of
//! each step and the report (Mẫu 01) that opens a case. Who may open a case and who may record
//! what are decided by the domain's rules, applied in storage; these handlers only choose what
//! to show.
use super::case_form::{
    by_field, entry_to_form, parse_intake, parse_step, plan_to_form, Posted, MEASURE_ROWS,
};
pub use super::case_view::vn_dt;
use super::case_view::{details, item_label, title};
use super::PageForm as Form;
use super::{render, render_status, Ctx, Layout, PageError, PageErrorKind};
use crate::i18n::vn_date;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use treem_domain::case::*;
use treem_domain::role::Role;
use treem_domain::validation::FieldErrors;
use treem_storage::StorageError;

pub struct CaseRow {
    pub id: i64,
    pub state: &'static str,
    pub received: String,
    pub due: String,
    pub overdue: bool,
    pub due_today: bool,
    pub child_id: Option<i64>,
}

/// Cases this person may open, with their next deadline, soonest first; `None` when they may
/// open none (they see counts instead).
async fn rows(ctx: &Ctx, open_only: bool) -> Option<Vec<CaseRow>> {
    let mut cases = ctx.state.store.cases(&ctx.actor()).await.ok()?;
    cases.sort_by_key(|c| (c.next_due.is_none(), c.next_due));
    let now = crate::api::cases_now();
    Some(
        cases
            .into_iter()
            .filter(|c| !open_only || c.state.is_open())
            .map(|c| CaseRow {
                id: c.id,
                state: c.state.label_vi(),
                received: vn_dt(c.received_at),
                due: c.next_due.map(vn_dt).unwrap_or_default(),
                overdue: c.next_due.is_some_and(|d| d < now),
                due_today: c
                    .next_due
                    .is_some_and(|d| d >= now && d.date() == now.date()),
                child_id: c.child_id,
            })
            .collect(),
    )
}

/// The home page's list: open cases overdue or due today first, then the rest.
pub async fn due_rows(ctx: &Ctx) -> Vec<CaseRow> {
    rows(ctx, true).await.unwrap_or_default()
}

/// Roles that may file a report (Mẫu 01).
pub fn files_reports(role: Role) -> bool {
    matches!(
        role,
        Role::Officer | Role::VillageHead | Role::Police | Role::Health
    )
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    l: Layout,
    rows: Option<Vec<CaseRow>>,
    /// Cases that do not open (hồ sơ bị hỏng), for those who open every case.
    damaged: Vec<i64>,
    counts: Vec<(&'static str, String)>,
    may_report: bool,
}

/// `/cases`: the cases this person may open; counts by step for everyone else.
pub async fn list(ctx: Ctx) -> Result<Response, PageError> {
    if ctx.user.role == Role::Admin {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let rows = match ctx.user.role {
        Role::Officer | Role::Leader => rows(&ctx, false).await,
        // Assigned people see their cases; the rest only counts.
        _ => rows(&ctx, false).await.filter(|r| !r.is_empty()),
    };
    // A village head files reports and sees their receipts, "nothing more" (not even counts),
    // unless assigned to a case.
    if rows.is_none() && ctx.user.role == Role::VillageHead {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let counts = if rows.is_none() {
        crate::api::cases_counts_as_seen(&ctx.state, ctx.user.role)
            .await
            .map_err(|e| match e {
                StorageError::Invalid(e) => ctx.error(no_key(&e)),
                e => ctx.fail(e),
            })?
            .into_iter()
            .map(|(s, n)| (s.label_vi(), n.text()))
            .collect()
    } else {
        vec![]
    };
    let damaged = if rows.is_some() {
        ctx.state
            .store
            .damaged_cases(&ctx.actor())
            .await
            .map_err(|e| ctx.fail(e))?
    } else {
        vec![]
    };
    Ok(render(&ListPage {
        l: ctx.layout("Hồ sơ trường hợp"),
        rows,
        damaged,
        counts,
        may_report: files_reports(ctx.user.role),
    }))
}

pub struct EntryRow {
    pub seq: u32,
    pub at: String,
    pub by: String,
    pub title: &'static str,
    pub lines: Vec<(String, String)>,
    /// "thay cho mục N" / "bị gạch bỏ bởi mục N" / "đã được thay bằng mục N".
    pub notes: Vec<String>,
    pub struck: bool,
    pub may_strike: bool,
    pub may_replace: bool,
}

pub struct Action {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    l: Layout,
    id: i64,
    state: &'static str,
    deadline: String,
    overdue: bool,
    child_id: Option<i64>,
    /// A child not (yet) in the register, as the report describes them.
    new_child: String,
    assigned: Vec<String>,
    entries: Vec<EntryRow>,
    actions: Vec<Action>,
    forms: Vec<(u8, &'static str)>,
}

#[derive(Template)]
#[template(path = "case_receipt.html")]
struct ReceiptPage {
    l: Layout,
    id: i64,
    filed_at: String,
    filed_by: String,
}

fn action_label(code: &str) -> &'static str {
    match code {
        "initial_assessment" => "Đánh giá ban đầu (Mẫu 02)",
        "emergency_measures" => "Ghi biện pháp khẩn cấp",
        "specific_assessment" => "Đánh giá cụ thể, họp xác định nhu cầu",
        "plan" => "Lập kế hoạch (Mẫu 04)",
        "submit_for_approval" => "Trình phê duyệt (Mẫu 05)",
        "approve" => "Phê duyệt",
        "return" => "Trả lại, nêu lý do",
        "service" => "Ghi dịch vụ đã cung cấp",
        "visit" => "Ghi lần thăm",
        "referral" => "Chuyển gửi",
        "referral_answer" => "Ghi trả lời chuyển gửi",
        "offender_handling" => "Ghi việc xử lý người vi phạm",
        "review" => "Rà soát, đánh giá (Mẫu 06)",
        "assign" => "Phân công người tham gia",
        "unassign" => "Thôi phân công",
        "correction" => "Gạch bỏ một mục ghi nhầm",
        _ => "",
    }
}

/// The steps offered now, less those that make no sense yet (an answer with no referral, an
/// unassignment with nobody assigned).
fn offered(case: &CaseFile, actor: &treem_storage::Actor) -> Vec<&'static str> {
    actions(case, actor)
        .into_iter()
        .filter(|c| match *c {
            "referral_answer" => !referrals(case).is_empty(),
            "unassign" => !case.assigned().is_empty(),
            _ => true,
        })
        .collect()
}

/// Referrals not struck out, as (seq, label) for the answer form.
fn referrals(case: &CaseFile) -> Vec<(String, String)> {
    case.effective()
        .into_iter()
        .filter_map(|e| match &e.kind {
            EntryKind::Referral(r) => Some((
                e.corrects.unwrap_or(e.seq).to_string(),
                format!(
                    "Mục {}: {} {} ({})",
                    e.seq,
                    r.to.label_vi(),
                    r.organisation,
                    vn_date(&r.date.to_string())
                ),
            )),
            _ => None,
        })
        .collect()
}

/// Entries this person may strike out: services, visits, referrals and answers still standing.
fn strikable(case: &CaseFile, actor: &treem_storage::Actor) -> Vec<(String, String)> {
    case.entries()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EntryKind::Service(_)
                    | EntryKind::Visit(_)
                    | EntryKind::Referral(_)
                    | EntryKind::ReferralAnswer { .. }
            ) && case.struck_out_by(e.seq).is_none()
                && case.replaced_by(e.seq).is_none()
                && (actor.role == Role::Officer || e.by == actor.username)
        })
        .map(|e| {
            (
                e.seq.to_string(),
                format!("Mục {}: {} ({})", e.seq, title(&e.kind), vn_dt(e.at)),
            )
        })
        .collect()
}

/// Whether this person may write a replacement for entry `seq` (the domain decides on saving;
/// this only chooses which entries show the link).
fn may_replace(case: &CaseFile, actor: &treem_storage::Actor, seq: u32) -> bool {
    let Some(e) = case.entry(seq) else {
        return false;
    };
    let kind_ok = match e.kind {
        EntryKind::Correction { .. }
        | EntryKind::Assign { .. }
        | EntryKind::Unassign { .. }
        | EntryKind::SubmitForApproval { .. }
        | EntryKind::Approve { .. }
        | EntryKind::Return { .. } => false,
        EntryKind::Plan(_) => case.state() == CaseState::Planning,
        _ => true,
    };
    kind_ok
        && case.replaced_by(seq).is_none()
        && case.struck_out_by(seq).is_none()
        && (actor.role == Role::Officer || e.by == actor.username)
}

/// Opens the case for this person (audited), or answers as if it did not exist. A damaged case
/// (storage tells only those who may open it) gets a page of its own, not a server error.
pub(super) async fn open(ctx: &Ctx, id: &str) -> Result<CaseFile, PageError> {
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    match ctx.state.store.case_file(&ctx.actor(), id).await {
        Ok(c) => Ok(c),
        Err(StorageError::Forbidden) | Err(StorageError::NotFound) => {
            Err(ctx.error(PageErrorKind::NotFound))
        }
        Err(StorageError::Corrupt(m)) => Err(ctx.error(damaged(id, &m))),
        Err(StorageError::Invalid(e)) => Err(ctx.error(no_key(&e))),
        Err(e) => Err(ctx.fail(e)),
    }
}

/// Without the case key nothing of a case can be read, not even its step: said as it is.
fn no_key(e: &FieldErrors) -> PageErrorKind {
    let why: Vec<&str> = e.0.iter().map(|f| f.message.as_str()).collect();
    PageErrorKind::DamagedCase(format!(
        "Chưa đọc được hồ sơ: {}. Báo quản trị.",
        why.join("; ")
    ))
}

/// What a damaged case's page says: that it is damaged, to tell the administrator, and why.
fn damaged(id: i64, why: &str) -> PageErrorKind {
    PageErrorKind::DamagedCase(format!(
        "Hồ sơ số {id} bị hỏng, báo quản trị. Không mở được hồ sơ: {why}. Người quản trị kiểm tra \
         tệp khóa hồ sơ (TREEM_CASE_KEY_FILE) và chạy «treem check»; các hồ sơ khác vẫn mở được."
    ))
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let case = match open(&ctx, &id).await {
        Ok(c) => c,
        Err(e) if !matches!(e.kind, PageErrorKind::NotFound) => return Err(e),
        Err(e) => {
            // The filer of a report sees that it was received, nothing more.
            let Ok(n) = id.parse::<i64>() else {
                return Err(e);
            };
            return match ctx.state.store.case_receipt(&ctx.actor(), n).await {
                Ok(r) => Ok(render(&ReceiptPage {
                    l: ctx.layout(format!("Đã tiếp nhận tin báo số {n}")),
                    id: n,
                    filed_at: vn_dt(r.filed_at),
                    filed_by: r.filed_by,
                })),
                Err(_) => Err(e),
            };
        }
    };
    let actor = ctx.actor();
    let next = next_deadline(&case, ctx.state.store.calendar());
    let now = crate::api::cases_now();
    // Strike-outs are offered while the case is open, as `may_take` allows them.
    let strikable_seqs: Vec<u32> = if case.is_open() {
        strikable(&case, &actor)
            .iter()
            .filter_map(|(s, _)| s.parse().ok())
            .collect()
    } else {
        vec![]
    };
    let may_strike = !strikable_seqs.is_empty();
    let mut actions: Vec<Action> = offered(&case, &actor)
        .into_iter()
        .map(|code| Action {
            code,
            label: action_label(code),
        })
        .collect();
    if may_strike {
        actions.push(Action {
            code: "correction",
            label: action_label("correction"),
        });
    }
    let printable = super::case_forms::available(&case);
    let forms = super::case_forms::FORMS
        .into_iter()
        .filter(|(n, _)| printable.contains(n))
        .collect();
    let page = CasePage {
        l: ctx.layout(format!("Hồ sơ {}", case.id())),
        id: case.id(),
        state: case.state().label_vi(),
        deadline: next
            .as_ref()
            .map(|d| format!("{}: {}", d.what.label_vi(), vn_dt(d.due)))
            .unwrap_or_default(),
        overdue: next.is_some_and(|d| d.due < now),
        child_id: case.intake().and_then(|i| i.child.child_id()),
        new_child: match case.intake().map(|i| &i.child) {
            Some(ChildRef::New(c)) if !c.full_name.is_empty() => c.full_name.clone(),
            Some(ChildRef::New(c)) => c.description.clone(),
            _ => String::new(),
        },
        assigned: case
            .assigned()
            .iter()
            .map(|a| format!("{} ({})", a.username, a.role.label_vi()))
            .collect(),
        entries: case
            .entries()
            .iter()
            .map(|e| {
                let mut notes = vec![];
                if let Some(of) = e.corrects {
                    notes.push(format!("thay cho mục {of}"));
                }
                if let Some(by) = case.replaced_by(e.seq) {
                    notes.push(format!("đã được thay bằng mục {by}"));
                }
                let struck = case.struck_out_by(e.seq);
                if let Some(by) = struck {
                    notes.push(format!("bị gạch bỏ bởi mục {by}"));
                }
                EntryRow {
                    seq: e.seq,
                    at: vn_dt(e.at),
                    by: e.by.clone(),
                    title: title(&e.kind),
                    lines: details(&e.kind),
                    notes,
                    struck: struck.is_some(),
                    may_strike: strikable_seqs.contains(&e.seq),
                    may_replace: may_replace(&case, &actor, e.seq),
                }
            })
            .collect(),
        actions,
        forms,
    };
    Ok(render(&page))
}

/// Choice lists for the step forms: (value as posted, label).
fn opts<T: Serialize + Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let code = serde_json::to_value(v)
                .ok()
                .and_then(|x| x.as_str().map(String::from))
                .unwrap_or_default();
            (code, label(*v).to_string())
        })
        .collect()
}

/// Everything a step or intake form shows besides the posted values.
pub struct Choices {
    pub channels: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub abuse_types: Vec<(String, String)>,
    pub sub_types: Vec<(String, String)>,
    pub levels: Vec<(String, String)>,
    pub emergency: Vec<(String, String)>,
    pub measures: Vec<(String, String)>,
    pub bodies: Vec<(String, String)>,
    pub handlings: Vec<(String, String)>,
    pub ratings: Vec<(String, String)>,
    pub items: Vec<(String, String)>,
    pub roles: Vec<(String, String)>,
    pub villages: Vec<(String, String)>,
    pub referrals: Vec<(String, String)>,
    pub assigned: Vec<(String, String)>,
    pub strikable: Vec<(String, String)>,
    pub rows: Vec<MeasureRow>,
}

/// The field names of one row of a plan's measures.
pub struct MeasureRow {
    pub n: usize,
    pub kind: String,
    pub description: String,
    pub responsible: String,
    pub from: String,
    pub to: String,
    pub resources: String,
}

impl Choices {
    fn new() -> Choices {
        use AbuseType::*;
        use MeasureKind::*;
        Choices {
            channels: opts(
                &[
                    Channel::VillageHead,
                    Channel::Hotline111,
                    Channel::InPerson,
                    Channel::Phone,
                    Channel::OtherPerson,
                    Channel::School,
                    Channel::Police,
                ],
                Channel::label_vi,
            ),
            categories: opts(
                &[
                    IntakeCategory::Abused,
                    IntakeCategory::AtRisk,
                    IntakeCategory::SpecialCircumstances,
                ],
                IntakeCategory::label_vi,
            ),
            abuse_types: opts(
                &[
                    Violence,
                    Exploitation,
                    SexualAbuse,
                    Trafficking,
                    Abandonment,
                    Neglect,
                    AbuseType::Other,
                ],
                AbuseType::label_vi,
            ),
            sub_types: opts(
                &[
                    SexualAbuseKind::Rape,
                    SexualAbuseKind::Coercion,
                    SexualAbuseKind::Intercourse,
                    SexualAbuseKind::Molestation,
                    SexualAbuseKind::ProstitutionPornography,
                ],
                SexualAbuseKind::label_vi,
            ),
            levels: opts(
                &[
                    ProtectionLevel::Prevention,
                    ProtectionLevel::Support,
                    ProtectionLevel::Intervention,
                ],
                ProtectionLevel::label_vi,
            ),
            emergency: opts(
                &[
                    EmergencyKind::EmergencyIntervention,
                    EmergencyKind::TemporarySeparation,
                ],
                EmergencyKind::label_vi,
            ),
            measures: opts(
                &[
                    MedicalCare,
                    PsychologicalSupport,
                    SafeShelter,
                    AlternativeCare,
                    Education,
                    LegalAid,
                    FamilyCounselling,
                    SocialAssistance,
                    MeasureKind::Other,
                ],
                MeasureKind::label_vi,
            ),
            bodies: opts(
                &[
                    ReferralBody::Police,
                    ReferralBody::HealthStation,
                    ReferralBody::LegalAidCentre,
                    ReferralBody::SocialAssistanceFacility,
                    ReferralBody::Province,
                    ReferralBody::Other,
                ],
                ReferralBody::label_vi,
            ),
            handlings: opts(&Handling::ALL, Handling::label_vi),
            ratings: opts(
                &[Rating::High, Rating::Medium, Rating::Low],
                Rating::label_vi,
            ),
            items: STANDARD_ITEMS
                .iter()
                .map(|(c, _)| (format!("rating.{c}"), item_label(c).to_string()))
                .collect(),
            roles: opts(
                &treem_domain::role::ALL_ROLES
                    .into_iter()
                    .filter(|r| r.reads_children() && !matches!(r, Role::Officer | Role::Leader))
                    .collect::<Vec<_>>(),
                Role::label_vi,
            ),
            villages: vec![],
            referrals: vec![],
            assigned: vec![],
            strikable: vec![],
            rows: (1..=MEASURE_ROWS)
                .map(|n| {
                    let k = |x: &str| format!("measures[{n}].{x}");
                    MeasureRow {
                        n,
                        kind: k("kind"),
                        description: k("description"),
                        responsible: k("responsible"),
                        from: k("from"),
                        to: k("to"),
                        resources: k("resources"),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "case_step.html")]
struct StepPage {
    l: Layout,
    action: String,
    id: i64,
    seq: u32,
    code: String,
    heading: &'static str,
    f: Posted,
    errors: BTreeMap<String, String>,
    other_errors: Vec<String>,
    c: Choices,
}

/// Field names each form shows; a message about any other field is shown at the top.
const SHOWN: &[&str] = &[
    "abuse_type",
    "sub_type",
    "abuse_description",
    "level",
    "measures",
    "taken_at",
    "taken_at_time",
    "description",
    "information",
    "needs",
    "meeting.held_at",
    "meeting.held_at_time",
    "meeting.attendees",
    "meeting.minutes",
    "objectives",
    "reason",
    "date",
    "kind",
    "by",
    "findings",
    "to",
    "organisation",
    "answer",
    "referral",
    "handling",
    "recovery",
    "decision",
    "username",
    "role",
    "of",
    "note",
    "rating_other",
];

/// What the form macros (`case_macros.html`) read from a page: the posted values and the
/// message for each field.
trait FormValues {
    fn posted(&self) -> &Posted;
    fn messages(&self) -> &BTreeMap<String, String>;
    fn v(&self, k: &str) -> &str {
        self.posted().get(k)
    }
    fn sel(&self, k: &str, v: &str) -> bool {
        self.posted().has(k, v)
    }
    fn err(&self, k: &str) -> &str {
        self.messages().get(k).map(String::as_str).unwrap_or("")
    }
}

impl FormValues for StepPage {
    fn posted(&self) -> &Posted {
        &self.f
    }
    fn messages(&self) -> &BTreeMap<String, String> {
        &self.errors
    }
}

async fn step_page(
    ctx: &Ctx,
    case: &CaseFile,
    code: &str,
    f: Posted,
    errors: Option<FieldErrors>,
) -> Response {
    let action = format!("/cases/{}/step/{code}", case.id());
    form_page(ctx, case, code, action, action_label(code), f, errors).await
}

async fn form_page(
    ctx: &Ctx,
    case: &CaseFile,
    code: &str,
    action: String,
    heading: &'static str,
    f: Posted,
    errors: Option<FieldErrors>,
) -> Response {
    let actor = ctx.actor();
    let mut c = Choices::new();
    c.referrals = referrals(case);
    c.assigned = case
        .assigned()
        .iter()
        .map(|a| {
            (
                a.username.clone(),
                format!("{} ({})", a.username, a.role.label_vi()),
            )
        })
        .collect();
    c.strikable = strikable(case, &actor);
    let refused = errors.is_some();
    let errors = errors.map(|e| by_field(&e)).unwrap_or_default();
    let other_errors = errors
        .iter()
        .filter(|(k, _)| {
            !SHOWN.contains(&k.as_str()) && !k.starts_with("measures[") && !k.starts_with("rating")
        })
        .map(|(k, v)| {
            if k == "entry" {
                v.clone()
            } else {
                format!("{k}: {v}")
            }
        })
        .collect();
    let page = StepPage {
        l: ctx.layout(format!("Hồ sơ {} — {heading}", case.id())),
        action,
        id: case.id(),
        seq: case.entries().len() as u32,
        code: code.to_string(),
        heading,
        f,
        errors,
        other_errors,
        c,
    };
    render_status(&page, refused)
}

/// Whether `code` is a step this person may record on the case now.
fn may_take(case: &CaseFile, actor: &treem_storage::Actor, code: &str) -> bool {
    if code == "correction" {
        return case.is_open() && !strikable(case, actor).is_empty();
    }
    offered(case, actor).contains(&code)
}

pub async fn step_form(
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let case = open(&ctx, &id).await?;
    if !may_take(&case, &ctx.actor(), &code) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let now = crate::api::cases_now();
    let mut f = Posted::default();
    let today = vn_date(&now.date().to_string());
    let hhmm = format!("{:02}:{:02}", now.hour(), now.minute());
    for k in ["date", "taken_at", "meeting.held_at"] {
        f.set(k, today.clone());
    }
    for k in ["taken_at_time", "meeting.held_at_time"] {
        f.set(k, hhmm.clone());
    }
    f.set("by", ctx.user.username.clone());
    if code == "plan" {
        if let Some(p) = case.current_plan() {
            plan_to_form(p, &mut f);
        }
    }
    if let Some(of) = q.get("of") {
        f.set("of", of.clone());
    }
    Ok(step_page(&ctx, &case, &code, f, None).await)
}

pub async fn save_step(
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = Posted(pairs);
    ctx.check_csrf(Some(&f.get("_csrf").to_string()))?;
    let case = open(&ctx, &id).await?;
    if !may_take(&case, &ctx.actor(), &code) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let entry = match parse_step(&code, &f) {
        Ok(e) => e,
        Err(e) => return Ok(step_page(&ctx, &case, &code, f, Some(e)).await),
    };
    let seq: u32 = f.get("seq").parse().unwrap_or(0);
    let at = crate::api::cases_now();
    let written = ctx
        .state
        .store
        .add_case_entry(&ctx.actor(), case.id(), seq, entry, at)
        .await;
    match saved(&ctx, case.id(), written)? {
        Saved::Done(to) => Ok(to),
        Saved::Again(e) => Ok(step_page(&ctx, &case, &code, f, Some(e)).await),
        Saved::Stale(e) => {
            // Someone recorded a step meanwhile: show the form again over the case as it is.
            let case = open(&ctx, &id).await?;
            Ok(step_page(&ctx, &case, &code, f, Some(e)).await)
        }
    }
}

/// What a write to a case comes to on the pages.
enum Saved {
    /// Written: back to the case.
    Done(Response),
    /// Refused with messages by the fields: the form again.
    Again(FieldErrors),
    /// Someone wrote first: the form again, with the case as it now is.
    Stale(FieldErrors),
}

fn saved(ctx: &Ctx, id: i64, written: Result<CaseFile, StorageError>) -> Result<Saved, PageError> {
    match written {
        Ok(_) => Ok(Saved::Done(
            Redirect::to(&format!("/cases/{id}")).into_response(),
        )),
        Err(StorageError::Invalid(e)) => Ok(Saved::Again(e)),
        Err(StorageError::Conflict { .. }) => Ok(Saved::Stale(FieldErrors::single(
            "entry",
            "hồ sơ vừa có người ghi thêm một bước: xem lại hồ sơ rồi lưu lại",
        ))),
        Err(StorageError::Forbidden) | Err(StorageError::NotFound) => {
            Err(ctx.error(PageErrorKind::NotFound))
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "case_intake.html")]
struct IntakePage {
    l: Layout,
    action: String,
    /// The reports this person filed: (case id, received at).
    mine: Vec<(i64, String)>,
    f: Posted,
    errors: BTreeMap<String, String>,
    other_errors: Vec<String>,
    child_name: String,
    c: Choices,
}

const INTAKE_SHOWN: &[&str] = &[
    "channel",
    "received_at",
    "received_at_time",
    "category",
    "child_id",
    "child",
    "place",
    "current_condition",
];

impl FormValues for IntakePage {
    fn posted(&self) -> &Posted {
        &self.f
    }
    fn messages(&self) -> &BTreeMap<String, String> {
        &self.errors
    }
}

async fn intake_page(ctx: &Ctx, f: Posted, errors: Option<FieldErrors>) -> Response {
    intake_page_at(ctx, "/cases/new".into(), f, errors).await
}

async fn intake_page_at(
    ctx: &Ctx,
    action: String,
    f: Posted,
    errors: Option<FieldErrors>,
) -> Response {
    let mut c = Choices::new();
    c.villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
        .collect();
    // The child's name when the report starts from their page (a read the register audits).
    let child_name = match f.get("child_id").parse::<i64>() {
        Ok(id) => ctx
            .state
            .store
            .child(&ctx.actor(), id)
            .await
            .map(|c| c.data.full_name)
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    let refused = errors.is_some();
    let errors = errors.map(|e| by_field(&e)).unwrap_or_default();
    let other_errors = errors
        .iter()
        .filter(|(k, _)| {
            !INTAKE_SHOWN.contains(&k.as_str())
                && !k.starts_with("child.")
                && !k.starts_with("informant.")
                && !k.starts_with("father.")
                && !k.starts_with("mother.")
        })
        .map(|(k, v)| {
            if k == "entry" {
                v.clone()
            } else {
                format!("{k}: {v}")
            }
        })
        .collect();
    render_status(
        &IntakePage {
            l: ctx.layout("Báo tin trẻ em cần bảo vệ (Mẫu 01)"),
            action,
            mine: ctx
                .state
                .store
                .my_reports(&ctx.actor())
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|(id, at)| (id, vn_dt(at)))
                .collect(),
            f,
            errors,
            other_errors,
            child_name,
            c,
        },
        refused,
    )
}

pub async fn intake_form(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !files_reports(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let now = crate::api::cases_now();
    let mut f = Posted::default();
    f.set("received_at", vn_date(&now.date().to_string()));
    f.set(
        "received_at_time",
        format!("{:02}:{:02}", now.hour(), now.minute()),
    );
    if ctx.user.role == Role::VillageHead {
        f.set("channel", "village_head");
    }
    match q.get("child").filter(|c| !c.is_empty()) {
        Some(id) => {
            f.set("child_type", "registered");
            f.set("child_id", id.clone());
        }
        None => f.set("child_type", "new"),
    }
    Ok(intake_page(&ctx, f, None).await)
}

pub async fn save_intake(
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = Posted(pairs);
    ctx.check_csrf(Some(&f.get("_csrf").to_string()))?;
    if !files_reports(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let entry = match parse_intake(&f) {
        Ok(e) => e,
        Err(e) => return Ok(intake_page(&ctx, f, Some(e)).await),
    };
    // Whether the child may be named (a village head: their own village) is storage's rule, the
    // same for the API: a refusal comes back as an error on `child_id`.
    match ctx
        .state
        .store
        .open_case(&ctx.actor(), entry, crate::api::cases_now())
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => Ok(intake_page(&ctx, f, Some(e)).await),
        Err(e) => Err(ctx.fail(e)),
    }
}

/// `/cases/{id}/replace/{seq}`: the form of entry `seq`, filled with what it recorded, to write
/// its replacement (the entry stays; the new one points to it).
pub async fn replace_form(
    ctx: Ctx,
    Path((id, seq)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let seq: u32 = seq
        .parse()
        .map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let case = open(&ctx, &id).await?;
    if !may_replace(&case, &ctx.actor(), seq) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let entry = case.entry(seq).expect("checked").kind.clone();
    Ok(replacement_page(&ctx, &case, seq, &entry, entry_to_form(&entry), None).await)
}

async fn replacement_page(
    ctx: &Ctx,
    case: &CaseFile,
    seq: u32,
    entry: &EntryKind,
    f: Posted,
    errors: Option<FieldErrors>,
) -> Response {
    let action = format!("/cases/{}/replace/{seq}", case.id());
    match entry {
        EntryKind::Intake(_) => intake_page_at(ctx, action, f, errors).await,
        other => {
            form_page(
                ctx,
                case,
                other.code(),
                action,
                "Sửa: ghi mục thay thế",
                f,
                errors,
            )
            .await
        }
    }
}

pub async fn save_replacement(
    ctx: Ctx,
    Path((id, seq)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let seq: u32 = seq
        .parse()
        .map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let f = Posted(pairs);
    ctx.check_csrf(Some(&f.get("_csrf").to_string()))?;
    let case = open(&ctx, &id).await?;
    if !may_replace(&case, &ctx.actor(), seq) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let old = case.entry(seq).expect("checked").kind.clone();
    let parsed = match &old {
        EntryKind::Intake(_) => parse_intake(&f),
        other => parse_step(other.code(), &f),
    };
    let entry = match parsed {
        Ok(e) => e,
        Err(e) => return Ok(replacement_page(&ctx, &case, seq, &old, f, Some(e)).await),
    };
    let written = ctx
        .state
        .store
        .correct_case_entry(&ctx.actor(), case.id(), seq, entry, crate::api::cases_now())
        .await;
    match saved(&ctx, case.id(), written)? {
        Saved::Done(to) => Ok(to),
        Saved::Again(e) | Saved::Stale(e) => {
            Ok(replacement_page(&ctx, &case, seq, &old, f, Some(e)).await)
        }
    }
}

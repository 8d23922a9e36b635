//! Support given to a child (trợ giúp): the child's list with a form to record one, and the
//! commune's setting of which kinds count for target 14. The rules are the domain's
//! (`treem_domain::support`); who may record is storage's (the child's scope).
use super::{render, render_status, Ctx, PageError, PageErrorKind, PageForm, TypedForm};
use crate::i18n::{vn_date, vn_datetime};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use treem_domain::circumstance;
use treem_domain::register::Child;
use treem_domain::support::{NewSupport, SupportAnswers, SupportKind};
use treem_domain::validation::FieldErrors;
use treem_storage::{GivenSupport, StorageError};

pub struct SupportRow {
    pub date: String,
    pub kind: &'static str,
    /// The words of an older record, when they say more than the kind.
    pub words: Option<String>,
    pub counted: bool,
    pub recorded: String,
}

pub struct Circ {
    pub label: String,
    pub counted_kinds: String,
}

#[derive(Template)]
#[template(path = "supports.html")]
struct SupportsPage {
    l: super::Layout,
    id: i64,
    name: String,
    circumstances: Vec<Circ>,
    rows: Vec<SupportRow>,
    may_give: bool,
    kinds: Vec<(&'static str, &'static str)>,
    form: SupportForm,
    errors: Vec<(String, String)>,
}

/// The form to record a support, as typed.
#[derive(Default, Clone, serde::Deserialize)]
pub struct SupportForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub submission: String,
}

impl TryFrom<&SupportForm> for NewSupport {
    type Error = FieldErrors;
    fn try_from(f: &SupportForm) -> Result<Self, FieldErrors> {
        NewSupport::parse(&f.date, &f.kind, treem_storage::today())
    }
}

fn field_vi(field: &str) -> String {
    match field {
        "date" => "Ngày trợ giúp",
        "kind" => "Hình thức trợ giúp",
        other => other,
    }
    .to_string()
}

async fn page(
    ctx: &Ctx,
    id: i64,
    form: SupportForm,
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let child = store.child(&actor, id).await.map_err(|e| ctx.fail(e))?;
    let (given, answers) =
        tokio::try_join!(store.child_supports(&actor, id), store.support_answers())
            .map_err(|e| ctx.fail(e))?;
    let refused = errors.is_some();
    let mut l = ctx.layout(format!("Trợ giúp · {}", child.data.full_name));
    l.flash = flash;
    let page = SupportsPage {
        l,
        id,
        name: child.data.full_name.clone(),
        circumstances: circumstances_now(&child, &answers),
        rows: rows(&child, &given, &answers),
        may_give: ctx.user.role.writes_children(),
        kinds: kinds(),
        form: filled(form),
        errors: errors.map(|e| in_words(&e)).unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

/// The child's circumstances today, each with the kinds that count for it.
fn circumstances_now(child: &Child, answers: &SupportAnswers) -> Vec<Circ> {
    let today = treem_storage::today();
    child
        .data
        .circumstances
        .iter()
        .filter(|c| c.active_on(today))
        .map(|c| Circ {
            label: circumstance::label(&c.code).unwrap_or(&c.code).to_string(),
            counted_kinds: kinds_text(answers, &c.code),
        })
        .collect()
}

fn rows(child: &Child, given: &[GivenSupport], answers: &SupportAnswers) -> Vec<SupportRow> {
    let circs = &child.data.circumstances;
    given
        .iter()
        .map(|g| SupportRow {
            date: vn_date(&g.date.to_string()),
            kind: g.kind.label_vi(),
            words: (g.words != g.kind.code()).then(|| g.words.clone()),
            counted: answers.counts(circs, g.date, g.kind),
            recorded: format!("{} · {}", g.recorded_by, vn_datetime(&g.recorded_at)),
        })
        .collect()
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    SupportKind::ALL
        .iter()
        .map(|k| (k.code(), k.label_vi()))
        .collect()
}

fn in_words(errors: &FieldErrors) -> Vec<(String, String)> {
    errors
        .0
        .iter()
        .map(|fe| (field_vi(&fe.field), fe.message.clone()))
        .collect()
}

/// The form as shown: a fresh submission id and today's date when empty.
fn filled(form: SupportForm) -> SupportForm {
    SupportForm {
        submission: if form.submission.is_empty() {
            super::new_submission_id()
        } else {
            form.submission
        },
        date: if form.date.is_empty() {
            vn_date(&treem_storage::today().to_string())
        } else {
            form.date
        },
        ..form
    }
}

fn kinds_text(answers: &SupportAnswers, group: &str) -> String {
    if !answers.is_narrowed(group) {
        "mọi hình thức".into()
    } else {
        answers
            .kinds_for(group)
            .iter()
            .map(|k| k.label_vi())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `/children/{id}/supports`: the supports recorded for a child.
pub async fn show(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let flash = q.saved.map(|_| "Đã ghi trợ giúp.".to_string());
    page(&ctx, id, SupportForm::default(), None, flash).await
}

/// Records one support; the form sent again (back button, double click) stores nothing more.
pub async fn give(
    ctx: Ctx,
    Path(id): Path<i64>,
    TypedForm(form): TypedForm<SupportForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(form.csrf.as_ref())?;
    let support = match NewSupport::try_from(&form) {
        Ok(s) => s,
        Err(errs) => return page(&ctx, id, form, Some(errs), None).await,
    };
    let token = Some(form.submission.as_str()).filter(|t| treem_storage::valid_submission_id(t));
    match ctx
        .state
        .store
        .give_support(&ctx.actor(), id, &support, token)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}/supports?saved=1")).into_response()),
        Err(StorageError::Invalid(errs)) => page(&ctx, id, form, Some(errs), None).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

/// A circumstance group with each kind's code and whether it counts.
pub struct GroupRow {
    pub code: String,
    pub label: String,
    pub counted: Vec<(&'static str, bool)>,
}

#[derive(Template)]
#[template(path = "support_answers.html")]
struct AnswersPage {
    l: super::Layout,
    may_change: bool,
    kinds: Vec<(&'static str, &'static str)>,
    groups: Vec<GroupRow>,
    error: Option<String>,
}

fn answers_page(
    ctx: &Ctx,
    answers: &SupportAnswers,
    error: Option<String>,
    flash: Option<String>,
) -> Response {
    let groups = circumstance::GROUPS
        .iter()
        .map(|(code, label)| {
            let counted = SupportKind::ALL
                .iter()
                .map(|k| (k.code(), answers.answers(code, *k)))
                .collect();
            GroupRow {
                code: code.to_string(),
                label: label.to_string(),
                counted,
            }
        })
        .collect();
    let refused = error.is_some();
    let mut l = ctx.layout("Hình thức trợ giúp được tính cho chỉ tiêu 14");
    l.flash = flash;
    let page = AnswersPage {
        l,
        may_change: SupportAnswers::may_set(ctx.user.role),
        kinds: kinds(),
        groups,
        error,
    };
    if refused {
        render_status(&page, true)
    } else {
        render(&page)
    }
}

/// `/settings/supports`: which kinds of support count for which circumstance group.
pub async fn answers(ctx: Ctx) -> Result<Response, PageError> {
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let answers = ctx
        .state
        .store
        .support_answers()
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(answers_page(&ctx, &answers, None, None))
}

/// The ticked boxes, `g:<group>=<kind>` for each kind that counts.
struct AnswersForm {
    csrf: Option<String>,
    ticked: Vec<(String, String)>,
}

impl From<Vec<(String, String)>> for AnswersForm {
    fn from(pairs: Vec<(String, String)>) -> Self {
        let mut csrf = None;
        let mut ticked = Vec::new();
        for (k, v) in pairs {
            if k == "_csrf" {
                csrf = Some(v);
            } else if let Some(g) = k.strip_prefix("g:") {
                ticked.push((g.to_string(), v));
            }
        }
        AnswersForm { csrf, ticked }
    }
}

impl AnswersForm {
    /// The setting the boxes say; a group with no box ticked is refused, by name.
    fn answers(&self) -> Result<SupportAnswers, String> {
        let mut out = SupportAnswers::default();
        for (code, _) in circumstance::GROUPS.iter() {
            let kinds: Vec<SupportKind> = self
                .ticked
                .iter()
                .filter(|(g, _)| g == code)
                .filter_map(|(_, k)| SupportKind::parse(k))
                .collect();
            out.set(code, &kinds)
                .map_err(|e| format!("{}: {e}", circumstance::label(code).unwrap_or(code)))?;
        }
        Ok(out)
    }
}

pub async fn save_answers(
    ctx: Ctx,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = AnswersForm::from(f);
    ctx.check_csrf(form.csrf.as_ref())?;
    let answers = match form.answers() {
        Ok(a) => a,
        Err(e) => {
            let current = ctx
                .state
                .store
                .support_answers()
                .await
                .map_err(|e| ctx.fail(e))?;
            return Ok(answers_page(&ctx, &current, Some(e), None));
        }
    };
    ctx.state
        .store
        .set_support_answers(&ctx.actor(), &answers)
        .await
        .map_err(|e| ctx.fail(e))?;
    let saved = "Đã lưu. Số liệu chỉ tiêu 14 tính lại theo cấu hình mới.".to_string();
    Ok(answers_page(&ctx, &answers, None, Some(saved)))
}

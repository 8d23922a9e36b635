//! The plan's work (`activity`, `activity_child`, `activity_recommendation`) and the directory
//! of services (`service_entry`). Who may write or read which kind is the domain's
//! ([`treem_domain::activity::may_write`], [`treem_domain::activity::may_read`]); a village
//! head is confined to their own village here. One transaction per activity with its children
//! and recommendations; a submission id stores once; every write and every read of a forum's
//! children is audited.
use crate::audit;
use crate::db::{known_cutoff, now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::once::StoredOnce;
use crate::ActivityLog;
use serde::Serialize;
use sqlx::Row;
use treem_domain::activity::directory::{Category, NewEntry};
use treem_domain::activity::{
    self, ActivityFacts, ActivityKind, Answer, Audience, Channel, ForumForm, ForumLevel,
    NewActivity, Occasion, Participation, Recommendation,
};
use treem_domain::indicator::Known;
use treem_domain::role::Actor;
use treem_domain::Date;

/// An activity in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityRow {
    pub id: i64,
    pub kind: ActivityKind,
    pub date: Date,
    pub village_id: Option<i64>,
    /// The village's name ("" for the commune).
    pub village: String,
    pub title: String,
    pub channel: Option<Channel>,
    pub occasion: Option<Occasion>,
    pub form: Option<ForumForm>,
    pub level: Option<ForumLevel>,
    pub audience: Audience,
    pub materials: u32,
    pub details: String,
    pub agency: String,
    /// Register children linked (forums).
    pub children: u32,
    pub recorded_by: String,
}

/// A register child who took part in a forum, as the forum's page lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Participant {
    pub id: i64,
    pub full_name: String,
    pub sex: String,
    pub dob: Option<String>,
    pub ethnicity: Option<i64>,
    pub village: String,
    /// In special circumstances on the forum's date (from the register).
    pub special: bool,
}

/// An activity with its participants and recommendations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityDetail {
    #[serde(flatten)]
    pub row: ActivityRow,
    pub participants: Vec<Participant>,
    pub recommendations: Vec<Recommendation>,
}

/// A directory entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceEntry {
    pub id: i64,
    pub category: Category,
    pub name: String,
    pub village_id: Option<i64>,
    pub village: String,
    pub address: String,
    pub phone: String,
    pub contact: String,
    pub note: String,
}

fn date_of(text: &str) -> StorageResult<Date> {
    text.parse()
        .map_err(|e| StorageError::Corrupt(format!("ngày «{text}»: {e}")))
}

fn word<T>(v: Option<String>, parse: fn(&str) -> Option<T>) -> Option<T> {
    v.as_deref().and_then(parse)
}

/// An activity's row and the tables it comes from (each join naming the commune: `Db::same`).
fn row_sql(db: &Db) -> String {
    format!(
        "SELECT a.id, a.kind, a.date, a.village_id, COALESCE(v.name, '') AS village, \
         a.title, a.channel, a.occasion, a.form, a.level, a.girls, a.boys, a.total, a.age_0_5, \
         a.age_6_10, a.age_11_15, a.minority, a.adults, a.materials, a.details, a.agency, \
         (SELECT COUNT(*) FROM activity_child ac WHERE ac.activity_id = a.id{}) AS children, \
         COALESCE(u.username, '') AS username \
         FROM activity a LEFT JOIN village v ON v.id = a.village_id{} \
         LEFT JOIN app_user u ON u.id = a.recorded_by{}",
        db.same("ac", "a"),
        db.same("v", "a"),
        db.same("u", "a")
    )
}

fn row_of(r: &sqlx::any::AnyRow) -> StorageResult<ActivityRow> {
    let n = |c: &str| -> StorageResult<u32> { Ok(r.try_get::<i64, _>(c)?.max(0) as u32) };
    let kind: String = r.try_get("kind")?;
    Ok(ActivityRow {
        id: r.try_get("id")?,
        kind: ActivityKind::parse(&kind)
            .ok_or_else(|| StorageError::Corrupt(format!("loại hoạt động «{kind}»")))?,
        date: date_of(&r.try_get::<String, _>("date")?)?,
        village_id: r.try_get("village_id")?,
        village: r.try_get("village")?,
        title: r.try_get("title")?,
        channel: word(r.try_get("channel")?, Channel::parse),
        occasion: word(r.try_get("occasion")?, Occasion::parse),
        form: word(r.try_get("form")?, ForumForm::parse),
        level: word(r.try_get("level")?, ForumLevel::parse),
        audience: Audience {
            girls: n("girls")?,
            boys: n("boys")?,
            total: n("total")?,
            age_0_5: n("age_0_5")?,
            age_6_10: n("age_6_10")?,
            age_11_15: n("age_11_15")?,
            minority: n("minority")?,
            adults: n("adults")?,
        },
        materials: n("materials")?,
        details: r.try_get("details")?,
        agency: r.try_get("agency")?,
        children: n("children")?,
        recorded_by: r.try_get("username")?,
    })
}

/// The village an actor's activity list is confined to (a village head's), after the role's
/// right to read the kind.
fn list_scope(actor: &Actor, kind: ActivityKind) -> StorageResult<Option<i64>> {
    if !activity::may_read(actor.role, kind) {
        return Err(StorageError::Forbidden);
    }
    if activity::confined_to_village(actor.role) {
        return actor.village_id.map(Some).ok_or(StorageError::Forbidden);
    }
    Ok(None)
}

#[async_trait::async_trait]
impl ActivityLog for Db {
    async fn add_activity(
        &self,
        actor: &Actor,
        a: &NewActivity,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        if !activity::may_write(actor.role, a.kind) {
            return Err(StorageError::Forbidden);
        }
        let mut village_id = a.village_id;
        if activity::confined_to_village(actor.role) {
            let own = actor.village_id.ok_or(StorageError::Forbidden)?;
            match village_id {
                None => village_id = Some(own),
                Some(v) if v == own => {}
                Some(_) => {
                    return Err(StorageError::invalid(
                        "village_id",
                        "trưởng thôn chỉ ghi hoạt động của thôn mình",
                    ))
                }
            }
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let now = now_text();
        if let Some(t) = token {
            if let Some(id) = crate::once::claim(&mut tx, actor, t, "activity", &now).await? {
                return Ok(StoredOnce { id, again: true });
            }
        }
        if let Some(v) = village_id {
            let found = sqlx::query("SELECT id FROM village WHERE id = $1")
                .bind(v)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(StorageError::invalid(
                    "village_id",
                    format!("không có thôn mã {v}"),
                ));
            }
        }
        for c in &a.children {
            let found = sqlx::query("SELECT id FROM child WHERE id = $1")
                .bind(*c)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(StorageError::invalid(
                    "children",
                    format!("không có trẻ mã {c} trong sổ"),
                ));
            }
        }
        let au = &a.audience;
        let id: i64 = sqlx::query(
            "INSERT INTO activity (kind, date, village_id, title, channel, occasion, form, level, \
             girls, boys, total, age_0_5, age_6_10, age_11_15, minority, adults, materials, \
             details, agency, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id",
        )
        .bind(a.kind.code())
        .bind(a.date.to_string())
        .bind(village_id)
        .bind(&a.title)
        .bind(a.channel.map(|c| c.code()))
        .bind(a.occasion.map(|c| c.code()))
        .bind(a.form.map(|c| c.code()))
        .bind(a.level.map(|c| c.code()))
        .bind(au.girls as i64)
        .bind(au.boys as i64)
        .bind(au.total as i64)
        .bind(au.age_0_5 as i64)
        .bind(au.age_6_10 as i64)
        .bind(au.age_11_15 as i64)
        .bind(au.minority as i64)
        .bind(au.adults as i64)
        .bind(a.materials as i64)
        .bind(&a.details)
        .bind(&a.agency)
        .bind(actor.user_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for c in &a.children {
            sqlx::query("INSERT INTO activity_child (activity_id, child_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*c)
                .execute(&mut *tx)
                .await?;
        }
        for (i, r) in a.recommendations.iter().enumerate() {
            sqlx::query(
                "INSERT INTO activity_recommendation (activity_id, seq, text, answer, reason, \
                 agency) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(&r.text)
            .bind(r.answer.code())
            .bind(&r.reason)
            .bind(&r.agency)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(t) = token {
            crate::once::settle(&mut tx, t, id).await?;
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "activity",
            Some(id),
            &a.summary_vi(),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
    }

    async fn activities(
        &self,
        actor: &Actor,
        kind: ActivityKind,
        year: i16,
    ) -> StorageResult<Vec<ActivityRow>> {
        let scope = list_scope(actor, kind)?;
        let mut tx = self.begin_read().await?;
        let sql = format!(
            "{} WHERE a.kind = $1 AND a.date >= $2 AND a.date <= $3 \
             AND ($4 = 0 OR a.village_id = $4) ORDER BY a.date DESC, a.id DESC",
            row_sql(self)
        );
        let rows = sqlx::query(&sql)
            .bind(kind.code())
            .bind(format!("{year:04}-01-01"))
            .bind(format!("{year:04}-12-31"))
            .bind(scope.unwrap_or(0))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter().map(row_of).collect()
    }

    async fn activity(&self, actor: &Actor, id: i64) -> StorageResult<ActivityDetail> {
        let (_turn, mut tx) = self.begin_write().await?;
        let r = sqlx::query(&format!("{} WHERE a.id = $1", row_sql(self)))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
        let row = row_of(&r)?;
        let scope = list_scope(actor, row.kind).map_err(|_| StorageError::NotFound)?;
        if scope.is_some() && scope != row.village_id {
            return Err(StorageError::NotFound);
        }
        let day = row.date.to_string();
        let children = sqlx::query(&format!(
            "SELECT c.id, c.full_name, c.sex, c.dob, c.ethnicity, v.name AS village, \
             (SELECT COUNT(*) FROM child_circumstance cc WHERE cc.child_id = c.id{} \
              AND cc.from_date <= $2 AND (cc.to_date IS NULL OR cc.to_date >= $2)) AS special \
             FROM activity_child ac JOIN child c ON c.id = ac.child_id{} \
             JOIN village v ON v.id = c.village_id{} WHERE ac.activity_id = $1 \
             ORDER BY c.sort_key, c.id",
            self.same("cc", "c"),
            self.same("c", "ac"),
            self.same("v", "c")
        ))
        .bind(id)
        .bind(&day)
        .fetch_all(&mut *tx)
        .await?;
        let participants = children
            .iter()
            .map(|c| {
                Ok(Participant {
                    id: c.try_get("id")?,
                    full_name: c.try_get("full_name")?,
                    sex: c.try_get("sex")?,
                    dob: c.try_get("dob")?,
                    ethnicity: c.try_get("ethnicity")?,
                    village: c.try_get("village")?,
                    special: c.try_get::<i64, _>("special")? > 0,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        let recs = sqlx::query(
            "SELECT text, answer, reason, agency FROM activity_recommendation \
             WHERE activity_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let recommendations = recs
            .iter()
            .map(|r| {
                let answer: String = r.try_get("answer")?;
                Ok(Recommendation {
                    text: r.try_get("text")?,
                    answer: Answer::parse(&answer)
                        .ok_or_else(|| StorageError::Corrupt(format!("trả lời «{answer}»")))?,
                    reason: r.try_get("reason")?,
                    agency: r.try_get("agency")?,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        if !participants.is_empty() {
            audit::append(
                &mut tx,
                actor,
                "read",
                "activity",
                Some(id),
                &format!("danh sách {} trẻ tham gia", participants.len()),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ActivityDetail {
            row,
            participants,
            recommendations,
        })
    }

    async fn activity_facts(
        &self,
        from: Date,
        to: Date,
        known: Known,
    ) -> StorageResult<ActivityFacts> {
        let cutoff = known_cutoff(known);
        let rows = sqlx::query(&format!(
            "SELECT ac.child_id, a.date, a.form FROM activity_child ac \
             JOIN activity a ON a.id = ac.activity_id{} \
             WHERE a.kind = 'forum' AND a.date >= $1 AND a.date <= $2 AND a.recorded_at < $3 \
             ORDER BY a.id, ac.child_id",
            self.same("a", "ac")
        ))
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(&cutoff)
        .fetch_all(&self.pool)
        .await?;
        let mut participation = Vec::with_capacity(rows.len());
        for r in &rows {
            let Some(form) = word(r.try_get("form")?, ForumForm::parse) else {
                continue;
            };
            participation.push(Participation {
                child_id: r.try_get("child_id")?,
                date: date_of(&r.try_get::<String, _>("date")?)?,
                form,
            });
        }
        let villages = sqlx::query("SELECT code FROM village ORDER BY code")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("code"))
            .collect::<Result<Vec<_>, _>>()?;
        let play_places = sqlx::query(&format!(
            "SELECT DISTINCT v.code FROM service_entry s JOIN village v ON v.id = s.village_id{} \
             WHERE s.category = $1 AND s.recorded_at < $2 ORDER BY v.code",
            self.same("v", "s")
        ))
        .bind(Category::PlayPlace.code())
        .bind(&cutoff)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("code"))
        .collect::<Result<Vec<_>, _>>()?;
        Ok(ActivityFacts {
            participation,
            villages,
            play_places,
        })
    }

    async fn activities_stamp(&self) -> StorageResult<String> {
        crate::stamps::activities(self).await
    }

    async fn directory(&self, actor: &Actor) -> StorageResult<Vec<ServiceEntry>> {
        if !activity::directory::may_read(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let rows = sqlx::query(&format!(
            "SELECT s.id, s.category, s.name, s.village_id, COALESCE(v.name, '') AS village, \
             s.address, s.phone, s.contact, s.note FROM service_entry s \
             LEFT JOIN village v ON v.id = s.village_id{} ORDER BY s.category, s.name, s.id",
            self.same("v", "s")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let c: String = r.try_get("category")?;
                Ok(ServiceEntry {
                    id: r.try_get("id")?,
                    category: Category::parse(&c)
                        .ok_or_else(|| StorageError::Corrupt(format!("loại «{c}»")))?,
                    name: r.try_get("name")?,
                    village_id: r.try_get("village_id")?,
                    village: r.try_get("village")?,
                    address: r.try_get("address")?,
                    phone: r.try_get("phone")?,
                    contact: r.try_get("contact")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }

    async fn add_service_entry(&self, actor: &Actor, e: &NewEntry) -> StorageResult<i64> {
        if !activity::directory::may_write(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(v) = e.village_id {
            let found = sqlx::query("SELECT id FROM village WHERE id = $1")
                .bind(v)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(StorageError::invalid(
                    "village_id",
                    format!("không có thôn mã {v}"),
                ));
            }
        }
        let id: i64 = sqlx::query(
            "INSERT INTO service_entry (category, name, village_id, address, phone, contact, \
             note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(e.category.code())
        .bind(&e.name)
        .bind(e.village_id)
        .bind(&e.address)
        .bind(&e.phone)
        .bind(&e.contact)
        .bind(&e.note)
        .bind(actor.user_id)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::append(
            &mut tx,
            actor,
            "create",
            "service_entry",
            Some(id),
            &format!("{}: {}", e.category.label_vi(), e.name),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

//! The national children's database (Đề án 06): the clean-up list of the children whose records
//! lack what the national database needs ([`treem_domain::national_db::gaps`]), the commune
//! police's verified IDs written back all or nothing, and the register read for the export
//! keyed by personal ID. Who may: [`treem_domain::national_db::may_clean`] (the officer and
//! the police, over the whole commune). Each list read is one audit entry; each child changed
//! its own sealed entry, as a register update.
use crate::audit;
use crate::children::{child_from, write_update};
use crate::db::Db;
use crate::error::{StorageError, StorageResult};
use crate::params::{bind_all, Params};
use crate::seal::{append_sealed, Seal};
use crate::NationalDb;
use sqlx::Row;
use treem_domain::national_db::{self as nd, Answer, Gap};
use treem_domain::register::Child;
use treem_domain::role::Actor;
use treem_domain::validation::FieldErrors;

impl Db {
    /// The children present in the commune (or `village`, by code), in the register's order.
    async fn present_children(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        village: Option<&str>,
    ) -> StorageResult<Vec<Child>> {
        let mut p = Params::default();
        let mut sql = format!(
            "SELECT c.id, c.version, c.village_id, v.data FROM child c \
             JOIN child_version v ON v.child_id = c.id AND v.version = c.version{} \
             JOIN village vi ON vi.id = c.village_id{} WHERE c.present = 1",
            self.same("v", "c"),
            self.same("vi", "c")
        );
        if let Some(code) = village {
            sql += &format!(" AND vi.code = {}", p.push(code.to_string()));
        }
        sql += " ORDER BY vi.code, c.sort_key, c.id";
        let rows = bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&mut **tx)
            .await?;
        let codes = crate::villages::village_codes(&mut **tx).await?;
        rows.iter().map(|r| child_from(r, &codes)).collect()
    }
}

#[async_trait::async_trait]
impl NationalDb for Db {
    async fn cleanup_list(
        &self,
        actor: &Actor,
        village: Option<&str>,
    ) -> StorageResult<Vec<(Child, Vec<Gap>)>> {
        if !nd::may_clean(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let found: Vec<(Child, Vec<Gap>)> = self
            .present_children(&mut tx, village)
            .await?
            .into_iter()
            .filter_map(|c| {
                let g = nd::gaps(&c.data);
                (!g.is_empty()).then_some((c, g))
            })
            .collect();
        let detail = format!("xem danh sách rà soát dữ liệu trẻ em: {} trẻ", found.len());
        audit::append(&mut tx, actor, "read", "child", None, &detail).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn set_personal_ids(&self, actor: &Actor, answers: &[Answer]) -> StorageResult<usize> {
        if !nd::may_clean(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let mut errs = FieldErrors::default();
        let mut changes = Vec::new();
        for (i, a) in answers.iter().enumerate() {
            let n = i + 1;
            let field = nd::row_field(n);
            let before = match self.read_child_in(&mut tx, a.child, None).await {
                Ok(c) => c,
                Err(StorageError::NotFound) => {
                    errs.push(&field, format!("dòng {n}: không có trẻ số {}", a.child));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let other = sqlx::query("SELECT id FROM child WHERE personal_id = $1 AND id <> $2")
                .bind(&a.personal_id)
                .bind(a.child)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(r) = other {
                let id: i64 = r.try_get("id")?;
                errs.push(
                    &field,
                    format!(
                        "dòng {n}: mã định danh {} đã ghi cho trẻ số {id} trong sổ",
                        a.personal_id
                    ),
                );
                continue;
            }
            match nd::check_answer(n, a, &before.data) {
                Ok(d) => changes.push((before, d)),
                Err(m) => errs.push(&field, m),
            }
        }
        if !errs.is_empty() {
            // Nothing written: the transaction is dropped.
            return Err(StorageError::Invalid(errs));
        }
        let mut changed = 0;
        for (before, d) in &changes {
            if before.data.personal_id == d.personal_id {
                continue;
            }
            let mut seal = Seal::begin(&mut tx).await?;
            let words = write_update(&mut tx, &mut seal, actor, before, d, None).await?;
            append_sealed(
                &mut tx,
                actor,
                "update",
                "child",
                Some(before.id),
                &format!("mã định danh do Công an xã xác minh: {words}"),
                seal,
            )
            .await?;
            changed += 1;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn national_export(&self, actor: &Actor) -> StorageResult<Vec<Child>> {
        if !nd::may_clean(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let found: Vec<Child> = self
            .present_children(&mut tx, None)
            .await?
            .into_iter()
            .filter(|c| nd::exported(&c.data))
            .collect();
        let detail = format!(
            "xuất dữ liệu cho cơ sở dữ liệu trẻ em quốc gia: {} trẻ",
            found.len()
        );
        audit::append(&mut tx, actor, "export", "child", None, &detail).await?;
        tx.commit().await?;
        Ok(found)
    }
}

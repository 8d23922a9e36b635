//! A role's scope: which children an [`Actor`] may see or change — the whole commune, or one
//! village for a village head. The one home for "who may see which child": the register, the
//! households, the health records, the bulk import, the case files and the counts all ask here
//! and apply the answer inside their queries (`AND village_id = …`).
use crate::error::{StorageError, StorageResult};
use treem_domain::role::{Actor, Role};

/// The village a reader of children's records is confined to, or `None` for the whole commune.
/// A role that does not read children is refused; a village head without a village too.
pub(crate) fn read_scope(actor: &Actor) -> StorageResult<Option<i64>> {
    if !actor.role.reads_children() {
        return Err(StorageError::Forbidden);
    }
    if actor.role == Role::VillageHead {
        return actor.village_id.map(Some).ok_or(StorageError::Forbidden);
    }
    Ok(None)
}

/// [`read_scope`] for a writer: the role must also write children's records.
pub(crate) fn write_scope(actor: &Actor) -> StorageResult<Option<i64>> {
    if !actor.role.writes_children() {
        return Err(StorageError::Forbidden);
    }
    read_scope(actor)
}

/// The children counted for an actor (numbers only, by village and sex — no record is shown):
/// every role but the administrator, who reads no register; a village head their own village.
pub(crate) fn count_scope(actor: &Actor) -> StorageResult<Option<i64>> {
    match actor.role {
        Role::Admin => Err(StorageError::Forbidden),
        Role::VillageHead => actor.village_id.map(Some).ok_or(StorageError::Forbidden),
        _ => Ok(None),
    }
}

/// The village whose health records an actor may read (which kinds, the health records' own
/// rule, is `readable_kinds`): a village head their own village; every other role the commune.
pub(crate) fn health_scope(actor: &Actor) -> StorageResult<Option<i64>> {
    if actor.role == Role::VillageHead {
        read_scope(actor)
    } else {
        Ok(None)
    }
}

/// The village whose hazard sites an actor reads ([`Role::reads_hazards`]): a village head
/// their own; every other reader the commune.
pub(crate) fn hazard_read_scope(actor: &Actor) -> StorageResult<Option<i64>> {
    if !actor.role.reads_hazards() {
        return Err(StorageError::Forbidden);
    }
    if actor.role == Role::VillageHead {
        return actor.village_id.map(Some).ok_or(StorageError::Forbidden);
    }
    Ok(None)
}

/// [`hazard_read_scope`] for a writer ([`Role::writes_hazards`]).
pub(crate) fn hazard_write_scope(actor: &Actor) -> StorageResult<Option<i64>> {
    if !actor.role.writes_hazards() {
        return Err(StorageError::Forbidden);
    }
    hazard_read_scope(actor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, village_id: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            username: "a".into(),
            role,
            village_id,
        }
    }

    #[test]
    fn a_village_head_sees_their_own_village_only_and_others_the_commune() {
        assert_eq!(
            read_scope(&actor(Role::VillageHead, Some(3))).unwrap(),
            Some(3)
        );
        assert!(read_scope(&actor(Role::VillageHead, None)).is_err());
        assert_eq!(read_scope(&actor(Role::Officer, None)).unwrap(), None);
        assert_eq!(
            write_scope(&actor(Role::VillageHead, Some(3))).unwrap(),
            Some(3)
        );
        assert_eq!(
            count_scope(&actor(Role::VillageHead, Some(3))).unwrap(),
            Some(3)
        );
    }

    #[test]
    fn who_reads_no_register_is_refused_but_may_count_unless_administrator() {
        assert!(read_scope(&actor(Role::Admin, None)).is_err());
        assert!(count_scope(&actor(Role::Admin, None)).is_err());
        assert!(read_scope(&actor(Role::Province, None)).is_err());
        assert_eq!(count_scope(&actor(Role::Province, None)).unwrap(), None);
        // Readers who do not write.
        assert!(read_scope(&actor(Role::Leader, None)).is_ok());
        assert!(write_scope(&actor(Role::Leader, None)).is_err());
    }
}

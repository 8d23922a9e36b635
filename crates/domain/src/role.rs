//! Roles (vai trò) and what each may reach. Storage applies these in its queries; the web layer
//! only maps refusals to HTTP.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ Phòng Văn hóa - Xã hội làm công tác trẻ em: owns the register.
    Officer,
    /// Phó Chủ tịch UBND xã: reads all, approves.
    Leader,
    /// Trạm Y tế xã.
    Health,
    /// Công an xã.
    Police,
    /// Văn phòng HĐND-UBND (hộ tịch: birth registration).
    Office,
    /// Trung tâm dịch vụ tổng hợp: communication events, hazard sites; no child records.
    Services,
    /// Trưởng thôn: children of one village only.
    VillageHead,
    /// Sở Y tế: aggregates only, never a child's personal data.
    Province,
    /// Quản trị hệ thống: users and backups; reads no child records.
    Admin,
    /// Phòng Kinh tế: the plan's budget (IV, V.2); sees money, never a child, household,
    /// case or health record.
    Economic,
}

pub const ALL_ROLES: [Role; 10] = [
    Role::Officer,
    Role::Leader,
    Role::Health,
    Role::Police,
    Role::Office,
    Role::Services,
    Role::VillageHead,
    Role::Province,
    Role::Admin,
    Role::Economic,
];

impl Role {
    /// Records health events on the pages (the weighing day, deaths, injuries, HIV counts):
    /// the health station and the commune's officer.
    pub fn records_health(self) -> bool {
        matches!(self, Role::Health | Role::Officer)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Leader => "leader",
            Role::Health => "health",
            Role::Police => "police",
            Role::Office => "office",
            Role::Services => "services",
            Role::VillageHead => "village_head",
            Role::Province => "province",
            Role::Admin => "admin",
            Role::Economic => "economic",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Officer => "Cán bộ làm công tác trẻ em (VH-XH)",
            Role::Leader => "Lãnh đạo UBND xã",
            Role::Health => "Trạm Y tế xã",
            Role::Police => "Công an xã",
            Role::Office => "Văn phòng HĐND-UBND",
            Role::Services => "Trung tâm dịch vụ tổng hợp",
            Role::VillageHead => "Trưởng thôn/bản",
            Role::Province => "Sở Y tế (tỉnh)",
            Role::Admin => "Quản trị hệ thống",
            Role::Economic => "Phòng Kinh tế",
        }
    }

    /// May read children's personal records (within [`Scope`]).
    pub fn reads_children(self) -> bool {
        matches!(
            self,
            Role::Officer
                | Role::Leader
                | Role::Health
                | Role::Police
                | Role::Office
                | Role::VillageHead
        )
    }

    /// May add or change children and households (within [`Scope`]).
    pub fn writes_children(self) -> bool {
        matches!(
            self,
            Role::Officer | Role::Health | Role::Office | Role::VillageHead
        )
    }

    /// An account with this role reads children's records or case files (every role that may
    /// open a case also reads children: [`crate::case::may_open`]). When the administrator —
    /// who reads neither — makes such an account, resets its password or enables it again, it
    /// stays shut until the commune leader confirms (xác nhận): otherwise the administrator
    /// could read everything through an account of their own making.
    pub fn needs_leader_confirmation(self) -> bool {
        self.reads_children()
    }

    /// May confirm or refuse what the administrator did to such an account.
    pub fn confirms_accounts(self) -> bool {
        self == Role::Leader
    }

    pub fn manages_users(self) -> bool {
        self == Role::Admin
    }

    /// Sees counts through [`crate::disclosure`] (no count from 1 to 4 can be learnt, figures
    /// as of quarter ends) rather than exact: the province, which works on aggregates and has
    /// no right to a child's record. Everyone else in the commune sees exact counts.
    pub fn sees_protected_counts(self) -> bool {
        self == Role::Province
    }

    /// May import children from a file (the page, the API): the commune's officer, who keeps
    /// the register.
    pub fn imports_children(self) -> bool {
        self == Role::Officer
    }

    /// May change the village list (codes changed when communes merged in 2025).
    pub fn manages_villages(self) -> bool {
        self == Role::Officer
    }

    /// May register communes' keys and receive their report packages, and read the province's
    /// table (the province instance: aggregates only, never a child's record).
    pub fn receives_packages(self) -> bool {
        self == Role::Province
    }

    /// May print a village's papers (sổ theo dõi trẻ em, the village meeting's summary): the
    /// commune's officer, who keeps the register, and the village head, for their own village
    /// (the scope is storage's: [`Scope`]).
    pub fn prints_village_papers(self) -> bool {
        matches!(self, Role::Officer | Role::VillageHead)
    }

    /// May read the audit log.
    pub fn reads_audit(self) -> bool {
        matches!(self, Role::Officer | Role::Leader | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL_ROLES
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("vai trò không hợp lệ: {s}"))
    }
}

/// Who is asking: carried into every storage call so scope is applied in the query itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// Set for village heads: the one village they may see.
    pub village_id: Option<i64>,
}

impl Actor {
    /// May print the papers of the village `village_id` ([`Role::prints_village_papers`]): the
    /// officer any village, a village head their own only.
    pub fn prints_papers_of(&self, village_id: i64) -> bool {
        self.role.prints_village_papers()
            && (self.role != Role::VillageHead || self.village_id == Some(village_id))
    }

    /// Someone at the machine itself, with no account (user id 0): the command line and the
    /// demo generator. They can open the database file anyway, so accounts they make need no
    /// leader's confirmation — this is how the first leader account is made.
    pub fn is_operator(&self) -> bool {
        self.user_id == 0
    }

    /// The command line acts as the system itself (migrations, imports, demo generation).
    pub fn system() -> Self {
        Actor {
            user_id: 0,
            username: "system".into(),
            role: Role::Officer,
            village_id: None,
        }
    }
}

//! Temporary stand-in until the real generator lands.
use treem_domain::register::{ChildData, ChildDraft, HouseholdData};
pub struct SynthVillage {
    pub code: String,
    pub name: String,
}
pub struct SynthBatch {
    pub households: Vec<HouseholdData>,
    pub children: Vec<(usize, ChildData)>,
}
pub fn villages() -> Vec<SynthVillage> {
    (1..=18)
        .map(|i| SynthVillage {
            code: format!("SP{i:02}"),
            name: format!("Thôn {i}"),
        })
        .collect()
}
pub fn generate_batches(
    n: usize,
    _seed: u64,
    today: jiff::civil::Date,
    batch: usize,
    sink: &mut dyn FnMut(SynthBatch),
) {
    let mut i = 0;
    while i < n {
        let k = batch.min(n - i);
        let households = vec![HouseholdData {
            village: "SP01".into(),
            code: None,
            head_name: "Giàng A Lử".into(),
            address: None,
            poverty: vec![],
        }];
        let children = (0..k)
            .map(|j| {
                let d = ChildDraft {
                    full_name: Some(format!("Giàng A Páo {}", i + j)),
                    sex: Some("male".into()),
                    date_of_birth: Some("2019".into()),
                    village: Some("SP01".into()),
                    ..Default::default()
                };
                (0, d.parse(today).unwrap())
            })
            .collect();
        sink(SynthBatch {
            households,
            children,
        });
        i += k;
    }
}

//! The children behind a figure ([`Selection`]): its denominator and numerator, each child a
//! [`Member`] with the age its breakdown uses.
use super::prepared::{Entry, Key};
use super::{rate, ChildIds, Figure, Rec};
use crate::plan::Unit;

/// A child counted in a figure, with the age (completed years) its breakdown uses: on the
/// as-of date, or on the date of the event (birth, death, injury, first birthday).
#[derive(Debug, Clone, Copy)]
pub(super) struct Member<'a> {
    pub id: i64,
    pub key: Key,
    pub age: Option<i32>,
    _child: std::marker::PhantomData<Rec<'a>>,
}

impl<'a> Member<'a> {
    pub fn at(e: Entry<'a>, age: Option<i32>) -> Member<'a> {
        Member {
            id: e.id,
            key: e.key,
            age,
            _child: std::marker::PhantomData,
        }
    }
}

/// The children behind a figure: its denominator and its numerator, each child at most once in
/// each. For shares (13, 14, 19, 21, 6, 7, 9, 10) the numerator is part of the denominator; for
/// event rates (3, 4, 5, 15) the numerator holds the children the events happened to (a child
/// who died in the period may have been born before it and is not among its births).
pub(super) struct Selection<'a> {
    pub denominator: Vec<Member<'a>>,
    pub numerator: Vec<Member<'a>>,
    /// Aggregate counts (numerator, denominator) with no child behind them (target 11); the
    /// lists above are then empty.
    pub counts: Option<(u64, u64)>,
    /// Why records were left out, in Vietnamese.
    pub notes: Vec<String>,
}

impl<'a> Selection<'a> {
    /// A share: the denominator's children, each marked `true` when in the numerator; ages on
    /// the as-of date.
    pub fn marked(members: impl Iterator<Item = (Entry<'a>, bool)>) -> Selection<'a> {
        let (mut denominator, mut numerator) = (Vec::new(), Vec::new());
        for (e, counted) in members {
            let m = Member::at(e, e.age);
            if counted {
                numerator.push(m);
            }
            denominator.push(m);
        }
        Selection {
            denominator,
            numerator,
            counts: None,
            notes: Vec::new(),
        }
    }

    pub fn figure(&self, unit: Option<Unit>) -> Figure {
        if let Some((n, d)) = self.counts {
            let (num, den) = (n as f64, d as f64);
            return Figure {
                numerator: Some(num),
                denominator: Some(den),
                value: rate(num, den, unit).filter(|_| den > 0.0),
                ..Figure::default()
            };
        }
        let ids = |m: &[Member]| ChildIds::new(m.iter().map(|m| m.id).collect());
        let denominator_ids = ids(&self.denominator);
        let numerator_ids = ids(&self.numerator);
        let num = numerator_ids.len() as f64;
        let den = denominator_ids.len() as f64;
        Figure {
            numerator: Some(num),
            denominator: Some(den),
            value: rate(num, den, unit).filter(|_| den > 0.0),
            numerator_ids,
            denominator_ids,
            ..Figure::default()
        }
    }
}

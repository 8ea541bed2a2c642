//! Iterating over list values without boxing.

use std::rc::Rc;

use super::Value;
use crate::schema::{EnumId, KindId};

/// The elements of a list value, one [`Value`] at a time.
///
/// An enum rather than a `Box<dyn Iterator>`: every `for`, filter and
/// quantifier iterates, so a heap allocation and dynamic calls per loop would
/// cost more than the loop body on small lists.
#[derive(Clone, Debug)]
pub(crate) enum Items<'a> {
    /// Consecutive rows of a kind: the next row and the end.
    Rows(KindId, u32, u32),
    /// Rows of a kind listed in the store's pool.
    Refs(KindId, std::slice::Iter<'a, u32>),
    /// Enum values listed in the store's pool.
    Enums(EnumId, std::slice::Iter<'a, u32>),
    /// A computed list and the next index.
    List(Rc<Vec<Value<'a>>>, usize),
    /// Not a list: nothing.
    Empty,
}

impl<'a> Items<'a> {
    /// The elements of `v` (nothing when it is not a list).
    pub(crate) fn of(v: &Value<'a>) -> Self {
        match v {
            Value::Rows(k, start, n) => Items::Rows(*k, *start, start.saturating_add(*n)),
            Value::Refs(k, rows) => Items::Refs(*k, rows.iter()),
            Value::Enums(e, vals) => Items::Enums(*e, vals.iter()),
            Value::List(list) => Items::List(Rc::clone(list), 0),
            _ => Items::Empty,
        }
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Value<'a>;

    #[inline]
    fn next(&mut self) -> Option<Value<'a>> {
        match self {
            Items::Rows(k, next, end) => {
                if *next >= *end {
                    return None;
                }
                *next += 1;
                Some(Value::Entity(*k, *next - 1))
            }
            Items::Refs(k, rows) => rows.next().map(|&r| Value::Entity(*k, r)),
            Items::Enums(e, vals) => vals.next().map(|&v| Value::Enum(*e, v)),
            Items::List(list, i) => {
                let v = list.get(*i).cloned();
                *i += 1;
                v
            }
            Items::Empty => None,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            Items::Rows(_, next, end) => end.saturating_sub(*next) as usize,
            Items::Refs(_, rows) | Items::Enums(_, rows) => rows.len(),
            Items::List(list, i) => list.len().saturating_sub(*i),
            Items::Empty => 0,
        };
        (n, Some(n))
    }
}

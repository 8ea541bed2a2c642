//! The entity store: one table per kind, one column of `u32` cells per field.
//!
//! A cell's meaning depends on its field's type: a boolean (0/1), an enum value,
//! a row of the referenced kind, a row of the owned record, or an index into one of
//! the side tables (integers, numbers, strings, list ranges). Dates are stored
//! biased so that every day fits and [`NONE`] stays free. This keeps a million
//! subscriptions in a few tens of megabytes and makes every field access an index.

use std::collections::HashMap;

use crate::schema::{FieldId, KindId, Schema};

/// The cell of an absent value.
pub const NONE: u32 = u32::MAX;

/// The cell of a reference while its id is not yet resolved (during loading only).
pub const PENDING: u32 = u32::MAX - 1;

const DATE_BIAS: i64 = 1 << 31;

/// Encodes a date (days since 1970-01-01) as a cell.
pub fn date_cell(days: i32) -> u32 {
    (i64::from(days) + DATE_BIAS) as u32
}

/// Decodes a date cell.
pub fn cell_date(cell: u32) -> i32 {
    (i64::from(cell) - DATE_BIAS) as i32
}

/// Where an entity or value was written: 1-based line and column, and byte range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte offset.
    pub offset: u32,
    /// Length in bytes of the marked token.
    pub len: u32,
}

/// The rows of one kind.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// One column per field of the kind, each with one cell per row.
    pub columns: Vec<Vec<u32>>,
    /// Where each row's mapping starts (its first key).
    pub pos: Vec<Pos>,
}

impl Table {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.pos.len()
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.pos.is_empty()
    }
}

/// A loaded scenario.
#[derive(Clone, Debug, Default)]
pub struct Store {
    /// One table per kind, indexed by [`KindId`]; the root table has one row.
    pub tables: Vec<Table>,
    /// Integer side table.
    pub ints: Vec<i64>,
    /// Number side table.
    pub nums: Vec<f64>,
    /// All string values, back to back.
    pub text: String,
    /// Byte ranges of strings in `text`.
    pub strs: Vec<(u32, u32)>,
    /// List ranges: rows of an owned record kind, or a range of `pool`.
    pub lists: Vec<(u32, u32)>,
    /// Elements of lists of values (enum values, references).
    pub pool: Vec<u32>,
    /// Every id in the scenario with its kind and row.
    pub ids: HashMap<Box<str>, (KindId, u32)>,
}

impl Store {
    /// An empty store with one table per kind of the schema.
    pub fn new(schema: &Schema) -> Self {
        let tables = schema
            .kinds
            .iter()
            .map(|k| Table {
                columns: vec![Vec::new(); k.fields.len()],
                pos: Vec::new(),
            })
            .collect();
        Store {
            tables,
            ..Store::default()
        }
    }

    /// Appends a row of absent cells to a kind's table and returns its index.
    pub fn push_row(&mut self, kind: KindId, pos: Pos) -> u32 {
        let table = &mut self.tables[kind];
        for column in &mut table.columns {
            column.push(NONE);
        }
        table.pos.push(pos);
        (table.pos.len() - 1) as u32
    }

    /// The cell of a field of a row.
    #[inline]
    pub fn cell(&self, kind: KindId, field: FieldId, row: u32) -> u32 {
        self.tables[kind].columns[field]
            .get(row as usize)
            .copied()
            .unwrap_or(NONE)
    }

    /// Sets the cell of a field of a row.
    pub fn set(&mut self, kind: KindId, field: FieldId, row: u32, cell: u32) {
        if let Some(slot) = self.tables[kind].columns[field].get_mut(row as usize) {
            *slot = cell;
        }
    }

    /// Stores a string and returns its cell.
    pub fn push_str(&mut self, s: &str) -> u32 {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.strs.push((start, s.len() as u32));
        (self.strs.len() - 1) as u32
    }

    /// The string of a string cell.
    #[inline]
    pub fn str(&self, cell: u32) -> &str {
        self.strs
            .get(cell as usize)
            .and_then(|&(start, len)| self.text.get(start as usize..(start + len) as usize))
            .unwrap_or("")
    }

    /// Stores an integer and returns its cell.
    pub fn push_int(&mut self, value: i64) -> u32 {
        self.ints.push(value);
        (self.ints.len() - 1) as u32
    }

    /// Stores a number and returns its cell.
    pub fn push_num(&mut self, value: f64) -> u32 {
        self.nums.push(value);
        (self.nums.len() - 1) as u32
    }

    /// Stores a list range and returns its cell.
    pub fn push_list(&mut self, start: u32, len: u32) -> u32 {
        self.lists.push((start, len));
        (self.lists.len() - 1) as u32
    }

    /// The range of a list cell.
    #[inline]
    pub fn list(&self, cell: u32) -> (u32, u32) {
        self.lists.get(cell as usize).copied().unwrap_or((0, 0))
    }

    /// The pool elements of a list cell of values.
    #[inline]
    pub fn pool_list(&self, cell: u32) -> &[u32] {
        let (start, len) = self.list(cell);
        self.pool
            .get(start as usize..(start + len) as usize)
            .unwrap_or(&[])
    }

    /// The id of a row of a kind with ids.
    pub fn id_of(&self, schema: &Schema, kind: KindId, row: u32) -> Option<&str> {
        let field = schema.kinds[kind].id_field?;
        let cell = self.cell(kind, field, row);
        (cell != NONE).then(|| self.str(cell))
    }

    /// The position of a row.
    pub fn pos(&self, kind: KindId, row: u32) -> Pos {
        self.tables[kind]
            .pos
            .get(row as usize)
            .copied()
            .unwrap_or_default()
    }
}

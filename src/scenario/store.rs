//! The entity store: one table per kind, one column of `u32` cells per field.
//!
//! A cell's meaning depends on its field's type: a boolean (0/1), an enum value,
//! a row of the referenced kind, a row of the owned record, a small integer
//! itself, a string (see [`Strings`]), or an index into one of the side tables
//! (other integers, numbers, list ranges). Dates are stored biased so that every
//! day fits and [`NONE`] stays free. Columns keep their cells in one to four
//! bytes, or only for the rows that have one (see [`Column`]). This keeps a
//! million subscriptions in a few tens of megabytes and makes every field
//! access an index or two.

use std::sync::Arc;

use super::column::Column;
use super::lines::LineMarks;
use super::strings::Strings;
use crate::schema::{FieldId, IdVec, KindId, Schema, ROOT};

/// The cell of an absent value (declared with the columns that hold cells).
pub use super::column::NONE;

/// The cell of a reference while its id is not yet resolved (during loading only).
pub(crate) const PENDING: u32 = u32::MAX - 1;

const DATE_BIAS: i64 = 1 << 31;

/// Encodes a date (days since 1970-01-01) as a cell.
pub(crate) fn date_cell(days: i32) -> u32 {
    (i64::from(days) + DATE_BIAS) as u32
}

/// Decodes a date cell.
pub(crate) fn cell_date(cell: u32) -> i32 {
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
    /// One column per field of the kind, with one cell per row. A column may
    /// hold fewer cells than the table has rows: the missing cells are [`NONE`]
    /// (a field nobody writes costs nothing, and adding a row touches no
    /// column), or the shared empty list for inverse relations.
    pub columns: IdVec<FieldId, Column>,
    /// Byte offset of each row in the source (its first key: `- id: sub-1`
    /// is shown at `id`); line and column are found from it when asked (see
    /// [`LineMarks`]).
    pub starts: Vec<u32>,
    /// Length in bytes of the token at each row's start (its first key, or
    /// the mapping's start for an empty one), at most 255: the length a
    /// report underlines.
    pub widths: Vec<u8>,
}

impl Table {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

/// A loaded scenario.
#[derive(Clone, Debug, Default)]
pub struct Store {
    /// One table per kind, indexed by [`KindId`]; the root table has one row.
    pub tables: IdVec<KindId, Table>,
    /// Integers that do not fit in a cell.
    pub ints: Vec<i64>,
    /// Number side table.
    pub nums: Vec<f64>,
    /// String values, mostly read in place from the scenario text.
    pub strings: Strings,
    /// List ranges: rows of an owned record kind, or a range of `pool`.
    pub lists: Vec<(u32, u32)>,
    /// Elements of lists of values (enum values, references).
    pub pool: Vec<u32>,
    /// Per kind, its id field, if it has one.
    id_fields: IdVec<KindId, Option<FieldId>>,
    /// Known lines of row offsets, to find a row's line and column.
    lines: LineMarks,
    /// The shared cell of the empty list (most inverse relations are empty).
    empty_list: Option<u32>,
}

/// Flags an integer cell that indexes [`Store::ints`]; other integer cells
/// hold the value itself (quantities and the like are small and non-negative).
const INT_SIDE: u32 = 1 << 31;

impl Store {
    /// An empty store with one table per kind of the schema.
    pub fn new(schema: &Schema) -> Self {
        let tables = schema.kinds.map(|k| Table {
            columns: k.fields.map(|f| Column::for_type(&f.ty, schema)),
            ..Table::default()
        });
        Store {
            tables,
            id_fields: schema.kinds.map(|k| k.id_field),
            ..Store::default()
        }
    }

    /// An empty store whose strings may point into `source`.
    pub fn with_source(schema: &Schema, source: Arc<str>) -> Self {
        Store {
            strings: Strings::new(source),
            ..Store::new(schema)
        }
    }

    /// The table of a kind.
    pub fn table(&self, kind: KindId) -> &Table {
        self.tables.item(kind)
    }

    /// The table of a kind, to fill it while loading.
    pub fn table_mut(&mut self, kind: KindId) -> &mut Table {
        self.tables.item_mut(kind)
    }

    /// Appends a row of absent cells, whose mapping starts at `pos`, to a
    /// kind's table and returns its index.
    pub fn push_row(&mut self, kind: KindId, pos: Pos) -> u32 {
        self.lines.note(pos.offset, pos.line, pos.column);
        let table = self.table_mut(kind);
        table.starts.push(pos.offset);
        table.widths.push(u8::try_from(pos.len).unwrap_or(u8::MAX));
        (table.starts.len() - 1) as u32
    }

    /// Moves a row's position (to its first key, once it is read).
    pub fn set_row_pos(&mut self, kind: KindId, row: u32, pos: Pos) {
        self.lines.note(pos.offset, pos.line, pos.column);
        let table = self.table_mut(kind);
        let width = u8::try_from(pos.len).unwrap_or(u8::MAX);
        if let (Some(start), Some(w)) = (
            table.starts.get_mut(row as usize),
            table.widths.get_mut(row as usize),
        ) {
            *start = pos.offset;
            *w = width;
        }
    }

    /// The cell of a field of a row.
    #[inline]
    pub fn cell(&self, kind: KindId, field: FieldId, row: u32) -> u32 {
        self.table(kind)
            .columns
            .get(field)
            .map_or(NONE, |column| column.get(row))
    }

    /// Sets the cell of a field of a row.
    pub fn set(&mut self, kind: KindId, field: FieldId, row: u32, cell: u32) {
        let table = self.table_mut(kind);
        if row as usize >= table.len() {
            return;
        }
        if let Some(column) = table.columns.get_mut(field) {
            column.set(row, cell);
        }
    }

    /// Puts every column in its smallest form and frees the spare capacity of
    /// the columns, row positions and side tables, once loading is done.
    pub fn shrink_to_fit(&mut self) {
        // One thread on purpose: compacting on rayon's workers put the new
        // buffers in their malloc arenas, where the loader's freed memory
        // cannot be reused, and raised the peak at 1M by ~17 MB.
        for table in &mut self.tables {
            let rows = table.len();
            for column in &mut table.columns {
                column.compact(rows);
            }
            table.starts.shrink_to_fit();
            table.widths.shrink_to_fit();
        }
        self.ints.shrink_to_fit();
        self.nums.shrink_to_fit();
        self.lists.shrink_to_fit();
        self.pool.shrink_to_fit();
        self.strings.spans.shrink_to_fit();
        self.strings.copies.shrink_to_fit();
    }

    /// Frees every column but the root's and those `keep` names (by kind and
    /// field): what is freed reads as absent afterwards. For a reader that
    /// needs a few fields of a large store once the rest is done with (the
    /// report: ids and references).
    pub(crate) fn keep_columns(&mut self, keep: impl Fn(KindId, FieldId) -> bool) {
        for (kind, table) in self.tables.iter_mut_enumerated() {
            if kind == ROOT {
                continue;
            }
            for (field, column) in table.columns.iter_mut_enumerated() {
                if !keep(kind, field) {
                    *column = Column::sparse();
                }
            }
        }
    }

    /// Stores a copy of a string and returns its cell.
    pub fn push_str(&mut self, s: &str) -> u32 {
        self.strings.push_copy(s)
    }

    /// Stores a scalar's string, whose token is at `offset..offset + len` of the
    /// source (`plain` for the plain style), and returns its cell (in place
    /// when the source holds it verbatim).
    pub fn push_scalar_str(&mut self, value: &str, offset: u32, len: u32, plain: bool) -> u32 {
        self.strings.push_scalar(value, offset, len, plain)
    }

    /// The string of a string cell.
    #[inline]
    pub fn str(&self, cell: u32) -> &str {
        self.strings.get(cell)
    }

    /// Stores an integer and returns its cell.
    pub fn push_int(&mut self, value: i64) -> u32 {
        match u32::try_from(value) {
            Ok(small) if small < INT_SIDE => small,
            _ => {
                self.ints.push(value);
                (self.ints.len() - 1) as u32 | INT_SIDE
            }
        }
    }

    /// The integer of an integer cell.
    #[inline]
    pub fn int(&self, cell: u32) -> Option<i64> {
        if cell == NONE {
            None
        } else if cell & INT_SIDE == 0 {
            Some(i64::from(cell))
        } else {
            self.ints.get((cell & !INT_SIDE) as usize).copied()
        }
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

    /// The cell of an empty list, shared by every empty list of the store.
    pub fn empty_list(&mut self) -> u32 {
        match self.empty_list {
            Some(cell) => cell,
            None => {
                let cell = self.push_list(0, 0);
                self.empty_list = Some(cell);
                cell
            }
        }
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

    /// The id of a row, if its kind has ids and the row's id has been read.
    pub fn row_id(&self, kind: KindId, row: u32) -> Option<&str> {
        let field = self.id_fields.get(kind).copied().flatten()?;
        let cell = self.cell(kind, field, row);
        (cell != NONE && cell != PENDING).then(|| self.str(cell))
    }

    /// The position of a row: where its mapping starts.
    pub fn pos(&self, kind: KindId, row: u32) -> Pos {
        let table = self.table(kind);
        let Some(&offset) = table.starts.get(row as usize) else {
            return Pos::default();
        };
        let (line, column) = self.lines.locate(&self.strings.source, offset);
        Pos {
            line,
            column,
            offset,
            len: table.widths.get(row as usize).copied().map_or(0, u32::from),
        }
    }

    /// The kind and row of the entity with this id. This looks at every id
    /// (the index used while loading is gone by now): it is for a lookup or
    /// two, such as `eligo explain --subject`.
    pub fn find_id(&self, id: &str) -> Option<(KindId, u32)> {
        self.ids()
            .find(|&(text, _, _)| text == id)
            .map(|(_, kind, row)| (kind, row))
    }

    /// Every id with its kind and row, kind by kind in row order.
    pub fn ids(&self) -> impl Iterator<Item = (&str, KindId, u32)> + '_ {
        self.id_fields
            .iter_enumerated()
            .filter(|(_, field)| field.is_some())
            .flat_map(move |(kind, _)| {
                (0..self.table(kind).len() as u32)
                    .filter_map(move |row| Some((self.row_id(kind, row)?, kind, row)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::NONE;
    use crate::scenario::{load_scenario, LoadOptions};
    use crate::schema::FieldType;
    use crate::source::SourceFile;

    #[test]
    fn kept_columns_read_as_before_and_the_others_as_absent() {
        let program = crate::lang::load_program(crate::default_rule_sources()).unwrap();
        let book = "scenario: s\nas_of: 2026-01-01\npartners:\n  - id: p1\n    name: P\n    \
                    mpn_id: \"1\"\n    region: europe\n    roles: [direct_bill]\n\
                    customers:\n  - id: c1\n    name: C\n    region: europe\n\
                    subscriptions:\n  - id: s1\n    name: S\n    customer: c1\n    \
                    partner: p1\n    offer: o365\n    quantity: 3\n    status: active\n";
        let source = SourceFile::new("b.yaml", book.to_string());
        let schema = &program.schema;
        let mut store = load_scenario(schema, source, &program.rule_ids(), &LoadOptions::default())
            .unwrap()
            .store;
        let subs = schema.kind_named("subscription").unwrap();
        let kind = schema.kind(subs);
        let field = |name: &str| kind.field(name).unwrap();
        let before: Vec<u32> = ["id", "customer", "partner", "quantity", "name"]
            .map(|f| store.cell(subs, field(f), 0))
            .to_vec();
        assert!(before.iter().all(|&c| c != NONE), "{before:?}");
        store.keep_columns(|k, f| {
            let kind = schema.kind(k);
            kind.id_field == Some(f) || matches!(kind.field_decl(f).ty, FieldType::Ref(_))
        });
        let after: Vec<u32> = ["id", "customer", "partner", "quantity", "name"]
            .map(|f| store.cell(subs, field(f), 0))
            .to_vec();
        assert_eq!(after, [before[0], before[1], before[2], NONE, NONE]);
        assert_eq!(store.row_id(subs, 0), Some("s1"));
        // The root keeps every column: the report reads its name and date.
        let name = schema.root().field("scenario").unwrap();
        assert_eq!(store.str(store.cell(crate::schema::ROOT, name, 0)), "s");
    }
}

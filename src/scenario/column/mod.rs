//! One field's cells, for every row of a table, stored by what they hold.
//!
//! A column reads like a `Vec<u32>` of cells whose missing cells are a *fill*
//! cell ([`NONE`] unless said otherwise), but keeps its cells in one of five
//! forms, chosen by the field's type and then by the data:
//!
//! - **narrow** (one byte a cell) for enum values and booleans, **half** (two
//!   bytes) for cells below 65535 (partners, quantities): a cell is stored
//!   plus one, so that [`NONE`] is 0 and decoding is one subtraction;
//! - **sparse** for fields that few rows have (`reseller`, `base`, most
//!   inverse relations): a presence bitmap with the number of present rows
//!   before each 64-row block, and the cells of the present rows, so that a
//!   read is a block lookup and a popcount;
//! - **wide** (four bytes) otherwise;
//! - **framed** (one or two bytes above a base cell per 64 rows) for large
//!   cells that grow with the row: ids and names read in place (offsets in
//!   the source), references to the owner or to the customer, dates.
//!
//! While loading, a column that is not narrow by type starts sparse and turns
//! dense (narrow, half or wide, whichever holds its cells) once most of its
//! rows have a cell; a dense column gets wider when a cell does not fit. Every
//! change goes one way, so a column is rewritten at most a few times. When
//! loading ends, [`Column::compact`] picks the smallest form for the data
//! once more (only it makes framed columns) and trims the spare capacity.

mod dense;
mod sparse;

use crate::schema::{FieldType, Prim, Schema};
use dense::{dense, dense_get, dense_set, trim, Framed, Stored};
use sparse::{Sparse, BLOCK_BYTES};

pub(crate) use sparse::Tally;

/// The cell of an absent value.
pub const NONE: u32 = u32::MAX;

/// Rows of a sparse column before it may turn dense: below this the block
/// directory is what dominates, not the density.
const SPARSE_MIN_ROWS: usize = 1024;

/// The cells of one field, one per row.
#[derive(Clone, Debug)]
pub struct Column {
    /// The cells.
    repr: Repr,
    /// The cell of every row that has none stored.
    fill: u32,
}

/// How a column stores its cells.
#[derive(Clone, Debug)]
enum Repr {
    /// One byte a cell, stored plus one.
    Narrow(Vec<u8>),
    /// Two bytes a cell, stored plus one.
    Half(Vec<u16>),
    /// The cells themselves.
    Wide(Vec<u32>),
    /// The cells of the rows that have one.
    Sparse(Sparse),
    /// One byte a cell above a base per 64 rows.
    FramedNarrow(Framed<u8>),
    /// Two bytes a cell above a base per 64 rows.
    FramedHalf(Framed<u16>),
}

/// The width of a dense column, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Width {
    Narrow,
    Half,
    Wide,
}

impl Width {
    /// The narrowest width that holds `cell`.
    fn of(cell: u32) -> Width {
        if u8::encode(cell).is_some() {
            Width::Narrow
        } else if u16::encode(cell).is_some() {
            Width::Half
        } else {
            Width::Wide
        }
    }

    /// Bytes a cell.
    fn bytes(self) -> usize {
        match self {
            Width::Narrow => 1,
            Width::Half => 2,
            Width::Wide => 4,
        }
    }
}

/// Binds `$get` to a reader of `$column`'s cells by row (`Fn(usize) -> u32`)
/// and evaluates `$body` with it: the form is matched once, outside the
/// body, so that a pass over every row (compaction reads each column two or
/// three times) reads each cell without matching on the form again.
macro_rules! with_reader {
    ($column:expr, |$get:ident| $body:expr) => {{
        let fill = $column.fill;
        match &$column.repr {
            Repr::Wide(cells) => {
                let $get = |row: usize| dense_get(cells, row, fill);
                $body
            }
            Repr::Narrow(cells) => {
                let $get = |row: usize| dense_get(cells, row, fill);
                $body
            }
            Repr::Half(cells) => {
                let $get = |row: usize| dense_get(cells, row, fill);
                $body
            }
            Repr::Sparse(sparse) => {
                let $get = |row: usize| sparse.get(row, fill);
                $body
            }
            Repr::FramedNarrow(framed) => {
                let $get = |row: usize| framed.get(row, fill);
                $body
            }
            Repr::FramedHalf(framed) => {
                let $get = |row: usize| framed.get(row, fill);
                $body
            }
        }
    }};
}

/// What compaction needs to know of a column's first rows.
struct Stats {
    /// The rows up to the last one whose cell is not the fill.
    end: usize,
    /// The rows whose cell is not the fill.
    present: usize,
    /// The narrowest width that holds every cell and the fill.
    width: Width,
}

impl Stats {
    /// The stats of the first `rows` cells that `get` gives.
    fn of(rows: usize, fill: u32, get: impl Fn(usize) -> u32) -> Stats {
        let mut stats = Stats {
            end: 0,
            present: 0,
            width: Width::of(fill),
        };
        for row in 0..rows {
            let cell = get(row);
            if cell != fill {
                stats.end = row + 1;
                stats.present += 1;
                stats.width = stats.width.max(Width::of(cell));
            }
        }
        stats
    }
}

/// The narrowest width that holds every cell of the first `end` rows above
/// the smallest cell of its 64 rows, if narrower than wide.
fn frame_width(end: usize, get: impl Fn(usize) -> u32) -> Option<Width> {
    let mut width = Width::Narrow;
    for start in (0..end).step_by(64) {
        let cells = (start..end.min(start + 64))
            .map(&get)
            .filter(|&cell| cell != NONE);
        let (low, high) = cells.fold((u32::MAX, 0), |(l, h), c| (l.min(c), h.max(c)));
        if low <= high {
            width = width.max(Width::of(high - low));
            if width == Width::Wide {
                return None;
            }
        }
    }
    Some(width)
}

/// The first `end` cells that `get` gives in sparse form, `present` of them
/// not `fill`.
fn sparse_repr(end: usize, present: usize, fill: u32, get: impl Fn(usize) -> u32) -> Sparse {
    let mut sparse = Sparse::with_capacity(end, present);
    for row in 0..end {
        let cell = get(row);
        if cell != fill {
            sparse.push(row, cell);
        }
    }
    sparse
}

/// The first `len` cells that `get` gives in dense form of `width`, or wide
/// if some cell does not fit that width (callers choose one that fits).
fn dense_repr(width: Width, len: usize, get: impl Fn(usize) -> u32 + Copy) -> Repr {
    let narrower = match width {
        Width::Narrow => dense(len, get).map(Repr::Narrow),
        Width::Half => dense(len, get).map(Repr::Half),
        Width::Wide => None,
    };
    narrower.unwrap_or_else(|| Repr::Wide((0..len).map(get).collect()))
}

impl Default for Column {
    fn default() -> Self {
        Column::sparse()
    }
}

impl Column {
    /// An empty column that starts sparse.
    pub fn sparse() -> Column {
        Column {
            repr: Repr::Sparse(Sparse::default()),
            fill: NONE,
        }
    }

    /// An empty column of one byte a cell.
    pub fn narrow() -> Column {
        Column {
            repr: Repr::Narrow(Vec::new()),
            fill: NONE,
        }
    }

    /// An empty column for a field of this type: narrow for enums of fewer
    /// than 255 values and booleans (nearly every row has one), else sparse.
    pub fn for_type(ty: &FieldType, schema: &Schema) -> Column {
        match ty {
            FieldType::Prim(Prim::Bool) => Column::narrow(),
            FieldType::Enum(e) if schema.enum_decl(*e).variants.len() < 255 => Column::narrow(),
            _ => Column::sparse(),
        }
    }

    /// The cell of a row.
    #[inline]
    pub fn get(&self, row: u32) -> u32 {
        // The match of `with_reader!` written out: through the macro, this
        // read (the evaluator's most frequent) took 5% more instructions
        // (callgrind, 10k JSON book: 4.15 M against 4.37 M).
        let row = row as usize;
        match &self.repr {
            Repr::Wide(cells) => dense_get(cells, row, self.fill),
            Repr::Narrow(cells) => dense_get(cells, row, self.fill),
            Repr::Half(cells) => dense_get(cells, row, self.fill),
            Repr::Sparse(sparse) => sparse.get(row, self.fill),
            Repr::FramedNarrow(framed) => framed.get(row, self.fill),
            Repr::FramedHalf(framed) => framed.get(row, self.fill),
        }
    }

    /// Sets the cell of a row.
    pub fn set(&mut self, at: u32, cell: u32) {
        let row = at as usize;
        let fill = self.fill;
        let done = match &mut self.repr {
            Repr::Narrow(cells) => dense_set(cells, row, cell, fill),
            Repr::Half(cells) => dense_set(cells, row, cell, fill),
            Repr::Wide(cells) => dense_set(cells, row, cell, fill),
            Repr::Sparse(sparse) => {
                if let Some(slot) = sparse.index(row).and_then(|i| sparse.values.get_mut(i)) {
                    // PENDING references are resolved here, in place.
                    *slot = cell;
                    sparse.width = sparse.width.max(Some(Width::of(cell)));
                    return;
                }
                if cell == fill {
                    return;
                }
                if row < sparse.end() {
                    // An absent row before the last present one: rare (the
                    // loader fills rows in order), and inserting into a
                    // sparse column would move every later cell.
                    false
                } else {
                    sparse.push(row, cell);
                    !sparse.denser_than_sparse(fill)
                }
            }
            // Only compaction makes these, after loading: a write goes to a
            // plain form.
            Repr::FramedNarrow(_) | Repr::FramedHalf(_) => false,
        };
        if !done {
            self.densify(Width::of(cell));
            self.set(at, cell);
        }
    }

    /// Makes the column dense, at least `width` wide and wide enough for
    /// every cell it holds.
    fn densify(&mut self, width: Width) {
        let width = width.max(self.width_needed()).max(Width::of(self.fill));
        let len = self.len();
        self.repr = with_reader!(self, |get| dense_repr(width, len, get));
    }

    /// The narrowest width that holds the stored cells.
    fn width_needed(&self) -> Width {
        match &self.repr {
            Repr::Narrow(_) => Width::Narrow,
            Repr::Half(_) => Width::Half,
            Repr::Wide(_) | Repr::FramedNarrow(_) | Repr::FramedHalf(_) => Width::Wide,
            Repr::Sparse(sparse) => sparse.width.unwrap_or(Width::Narrow),
        }
    }

    /// The rows up to the last stored one.
    fn len(&self) -> usize {
        match &self.repr {
            Repr::Narrow(cells) => cells.len(),
            Repr::Half(cells) => cells.len(),
            Repr::Wide(cells) => cells.len(),
            Repr::Sparse(sparse) => sparse.end(),
            Repr::FramedNarrow(framed) => framed.offsets.len(),
            Repr::FramedHalf(framed) => framed.offsets.len(),
        }
    }

    /// Rewrites the column of a table of `rows` rows in its smallest form,
    /// without spare capacity (for when loading is done).
    pub fn compact(&mut self, rows: usize) {
        let fill = self.fill;
        let (stats, frame) = with_reader!(self, |get| {
            let stats = Stats::of(rows, fill, get);
            let frame = (stats.width > Width::Narrow)
                .then(|| frame_width(stats.end, get))
                .flatten();
            (stats, frame)
        });
        let Stats {
            end,
            present,
            width,
        } = stats;
        let dense_bytes = end * width.bytes();
        let sparse_bytes = end.div_ceil(64) * BLOCK_BYTES + present * 4;
        let framed = frame
            .filter(|w| *w < width)
            .map(|w| (w, end.div_ceil(64) * 4 + end * w.bytes()))
            .filter(|&(_, bytes)| bytes < dense_bytes.min(sparse_bytes));
        let to_sparse = framed.is_none() && sparse_bytes < dense_bytes;
        // When the form stays, trimming the spare capacity is enough.
        if framed.is_none() {
            match &mut self.repr {
                Repr::Sparse(sparse) if to_sparse && sparse.values.len() == present => {
                    sparse.trim(end);
                    return;
                }
                Repr::Narrow(cells) if !to_sparse && width == Width::Narrow => {
                    return trim(cells, end)
                }
                Repr::Half(cells) if !to_sparse && width == Width::Half => return trim(cells, end),
                Repr::Wide(cells) if !to_sparse && width == Width::Wide => return trim(cells, end),
                _ => {}
            }
        }
        self.repr = with_reader!(self, |get| {
            let repr = match framed {
                Some((Width::Narrow, _)) => Framed::new(end, get).map(Repr::FramedNarrow),
                Some(_) => Framed::new(end, get).map(Repr::FramedHalf),
                None if to_sparse => Some(Repr::Sparse(sparse_repr(end, present, fill, get))),
                None => None,
            };
            repr.unwrap_or_else(|| dense_repr(width, end, get))
        });
    }

    /// Heap bytes in use (not counting spare capacity).
    pub fn heap_bytes(&self) -> usize {
        match &self.repr {
            Repr::Narrow(cells) => cells.len(),
            Repr::Half(cells) => cells.len() * 2,
            Repr::Wide(cells) => cells.len() * 4,
            Repr::Sparse(sparse) => sparse.bytes(),
            Repr::FramedNarrow(framed) => framed.bytes(),
            Repr::FramedHalf(framed) => framed.bytes(),
        }
    }

    /// The form the cells are in, for tests and diagnostics: `narrow`,
    /// `half`, `wide`, `sparse`, `framed narrow` or `framed half`.
    pub fn form(&self) -> &'static str {
        match &self.repr {
            Repr::Narrow(_) => "narrow",
            Repr::Half(_) => "half",
            Repr::Wide(_) => "wide",
            Repr::Sparse(_) => "sparse",
            Repr::FramedNarrow(_) => "framed narrow",
            Repr::FramedHalf(_) => "framed half",
        }
    }
}

#[cfg(test)]
mod tests;

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

use super::store::NONE;
use crate::schema::{FieldType, Prim, Schema};

/// Rows of a sparse column before it may turn dense: below this the block
/// directory is what dominates, not the density.
const SPARSE_MIN_ROWS: usize = 1024;

/// Bytes of a sparse block: its rank and its 64 presence bits.
const BLOCK_BYTES: usize = std::mem::size_of::<Block>();

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

/// A stored dense cell.
trait Stored: Copy {
    /// The stored form of `cell`, if it fits.
    fn encode(cell: u32) -> Option<Self>;
    /// The cell of a stored form.
    fn decode(self) -> u32;
}

// Narrow and half cells are stored plus one: NONE wraps to 0 and every small
// cell fits, decoding back with one wrapping subtraction.
impl Stored for u8 {
    #[inline]
    fn encode(cell: u32) -> Option<Self> {
        u8::try_from(cell.wrapping_add(1)).ok()
    }

    #[inline]
    fn decode(self) -> u32 {
        u32::from(self).wrapping_sub(1)
    }
}

impl Stored for u16 {
    #[inline]
    fn encode(cell: u32) -> Option<Self> {
        u16::try_from(cell.wrapping_add(1)).ok()
    }

    #[inline]
    fn decode(self) -> u32 {
        u32::from(self).wrapping_sub(1)
    }
}

impl Stored for u32 {
    #[inline]
    fn encode(cell: u32) -> Option<Self> {
        Some(cell)
    }

    #[inline]
    fn decode(self) -> u32 {
        self
    }
}

/// The cell of `row` in a dense column, `fill` past its end.
#[inline]
fn dense_get<T: Stored>(cells: &[T], row: usize, fill: u32) -> u32 {
    cells.get(row).map_or(fill, |&c| c.decode())
}

/// Sets a cell of a dense column; false (and nothing set) when `cell`, or
/// `fill` for the rows it has to add, does not fit.
fn dense_set<T: Stored>(cells: &mut Vec<T>, row: usize, cell: u32, fill: u32) -> bool {
    let Some(stored) = T::encode(cell) else {
        return false;
    };
    if let Some(slot) = cells.get_mut(row) {
        *slot = stored;
        return true;
    }
    if cell == fill {
        return true;
    }
    let Some(padding) = T::encode(fill) else {
        return false;
    };
    // Rows are filled in order, so this is nearly always a push.
    cells.resize(row, padding);
    cells.push(stored);
    true
}

/// A dense column of `len` rows with the cells `get` gives, if they fit.
fn dense<T: Stored>(len: usize, get: impl Fn(usize) -> u32) -> Option<Vec<T>> {
    let mut cells = Vec::with_capacity(len);
    for row in 0..len {
        cells.push(T::encode(get(row))?);
    }
    Some(cells)
}

/// Cells stored as offsets above a base cell per 64 rows (plus one, so that
/// 0 is [`NONE`]): ids and names read in place are byte offsets of the
/// source, and references to the owning entity or to the customer grow
/// with the row, so 64 neighbouring cells are close together even where
/// the cells themselves are large.
#[derive(Clone, Debug)]
struct Framed<T> {
    /// The smallest cell of each 64 rows (other than [`NONE`]).
    bases: Vec<u32>,
    /// Each row's cell minus its base.
    offsets: Vec<T>,
}

impl<T: Stored> Framed<T> {
    #[inline]
    fn get(&self, row: usize, fill: u32) -> u32 {
        let Some(offset) = self.offsets.get(row) else {
            return fill;
        };
        match offset.decode() {
            NONE => NONE,
            offset => self.bases.get(row / 64).map_or(NONE, |&base| base + offset),
        }
    }

    /// The first `len` cells that `get` gives, if every 64 of them fit.
    fn new(len: usize, get: impl Fn(usize) -> u32) -> Option<Framed<T>> {
        let mut framed = Framed {
            bases: Vec::with_capacity(len.div_ceil(64)),
            offsets: Vec::with_capacity(len),
        };
        for start in (0..len).step_by(64) {
            let rows = start..len.min(start + 64);
            let base = rows.clone().map(&get).min().unwrap_or(0);
            framed.bases.push(base);
            for row in rows {
                let cell = get(row);
                let offset = if cell == NONE { NONE } else { cell - base };
                framed.offsets.push(T::encode(offset)?);
            }
        }
        Some(framed)
    }

    fn bytes(&self) -> usize {
        self.bases.len() * 4 + self.offsets.len() * std::mem::size_of::<T>()
    }
}

/// Cuts a dense column to its first `len` cells and frees the spare capacity.
fn trim<T>(cells: &mut Vec<T>, len: usize) {
    cells.truncate(len);
    cells.shrink_to_fit();
}

/// 64 rows of a sparse column.
#[derive(Clone, Copy, Debug, Default)]
struct Block {
    /// Present rows before the block.
    rank: u32,
    /// Which of the block's rows are present, low word first (two words keep
    /// a block at 12 bytes).
    bits: [u32; 2],
}

impl Block {
    #[inline]
    fn bits(&self) -> u64 {
        u64::from(self.bits[0]) | u64::from(self.bits[1]) << 32
    }

    fn set_bits(&mut self, bits: u64) {
        self.bits = [bits as u32, (bits >> 32) as u32];
    }
}

/// The present rows of a column and their cells, in row order.
#[derive(Clone, Debug, Default)]
struct Sparse {
    /// One block per 64 rows, up to the last present row.
    blocks: Vec<Block>,
    /// The cells of the present rows.
    values: Vec<u32>,
    /// The narrowest dense width that holds every value.
    width: Option<Width>,
}

impl Sparse {
    /// The index in `values` of a row's cell, if the row is present.
    #[inline]
    fn index(&self, row: usize) -> Option<usize> {
        let block = self.blocks.get(row / 64)?;
        let bits = block.bits();
        let bit = 1u64 << (row % 64);
        (bits & bit != 0).then(|| block.rank as usize + (bits & (bit - 1)).count_ones() as usize)
    }

    #[inline]
    fn get(&self, row: usize, fill: u32) -> u32 {
        self.index(row)
            .and_then(|i| self.values.get(i))
            .copied()
            .unwrap_or(fill)
    }

    /// One past the last present row (0 when none is).
    fn end(&self) -> usize {
        let Some(last) = self.blocks.last() else {
            return 0;
        };
        let bits = last.bits();
        if bits == 0 {
            return 0;
        }
        (self.blocks.len() - 1) * 64 + 64 - bits.leading_zeros() as usize
    }

    /// Adds a cell for `row`, which must come after every present row.
    fn push(&mut self, row: usize, cell: u32) {
        let rank = self.values.len() as u32;
        while self.blocks.len() <= row / 64 {
            self.blocks.push(Block { rank, bits: [0, 0] });
        }
        if let Some(block) = self.blocks.last_mut() {
            block.set_bits(block.bits() | 1u64 << (row % 64));
        }
        self.values.push(cell);
        self.width = self.width.max(Some(Width::of(cell)));
    }

    /// Heap bytes in use (not counting spare capacity).
    fn bytes(&self) -> usize {
        self.blocks.len() * BLOCK_BYTES + self.values.len() * 4
    }

    /// Whether a dense column of the values' width would be smaller by now.
    fn denser_than_sparse(&self, fill: u32) -> bool {
        let end = self.end();
        let width = self.width.max(Some(Width::of(fill))).unwrap_or(Width::Wide);
        end >= SPARSE_MIN_ROWS && self.bytes() > end * width.bytes()
    }
}

/// Builds a sparse column's presence and a number per present row: how many
/// references name each row. See [`Tally::new`].
#[derive(Debug)]
pub struct Tally(Sparse);

impl Tally {
    /// Counts, for each of `rows` rows, the references of `refs` that name
    /// it (references to rows out of range are ignored). Only rows named at
    /// least once get an entry. Reads `refs` twice: once for which rows are
    /// named, once to count.
    pub fn new(rows: usize, refs: impl Iterator<Item = u32> + Clone) -> Tally {
        let mut blocks = vec![Block::default(); rows.div_ceil(64)];
        for r in refs.clone() {
            if let Some(block) = blocks
                .get_mut(r as usize / 64)
                .filter(|_| (r as usize) < rows)
            {
                block.set_bits(block.bits() | 1u64 << (r % 64));
            }
        }
        let mut rank = 0u32;
        for block in &mut blocks {
            block.rank = rank;
            rank += block.bits().count_ones();
        }
        let mut sparse = Sparse {
            blocks,
            values: vec![0; rank as usize],
            width: None,
        };
        for r in refs {
            if let Some(count) = sparse
                .index(r as usize)
                .and_then(|i| sparse.values.get_mut(i))
            {
                *count += 1;
            }
        }
        // Trailing blocks without a named row are not needed.
        while sparse.blocks.last().is_some_and(|b| b.bits() == 0) {
            sparse.blocks.pop();
        }
        Tally(sparse)
    }

    /// The numbers of the named rows, in row order, to rewrite in place.
    pub fn values_mut(&mut self) -> &mut [u32] {
        &mut self.0.values
    }

    /// The number of a row, if it is named.
    pub fn get(&self, row: u32) -> Option<u32> {
        self.0
            .index(row as usize)
            .and_then(|i| self.0.values.get(i))
            .copied()
    }

    /// The column whose named rows hold their number and whose other rows
    /// hold `fill`, in its smallest form for `rows` rows.
    pub fn into_column(self, fill: u32, rows: usize) -> Column {
        let mut sparse = self.0;
        sparse.width = sparse.values.iter().map(|&v| Width::of(v)).max();
        let mut column = Column {
            repr: Repr::Sparse(sparse),
            fill,
        };
        column.compact(rows);
        column
    }
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
        self.repr = self.dense_repr(width, len);
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

    /// The first `len` cells in dense form of `width`, or wide if some cell
    /// does not fit that width (callers choose one that fits).
    fn dense_repr(&self, width: Width, len: usize) -> Repr {
        let get = |row: usize| self.get(row as u32);
        let narrower = match width {
            Width::Narrow => dense(len, get).map(Repr::Narrow),
            Width::Half => dense(len, get).map(Repr::Half),
            Width::Wide => None,
        };
        narrower.unwrap_or_else(|| Repr::Wide((0..len).map(get).collect()))
    }

    /// Rewrites the column of a table of `rows` rows in its smallest form,
    /// without spare capacity (for when loading is done).
    pub fn compact(&mut self, rows: usize) {
        let mut end = 0;
        let mut present = 0;
        let mut width = Width::of(self.fill);
        for row in 0..rows {
            let cell = self.get(row as u32);
            if cell != self.fill {
                end = row + 1;
                present += 1;
                width = width.max(Width::of(cell));
            }
        }
        let dense_bytes = end * width.bytes();
        let sparse_bytes = end.div_ceil(64) * BLOCK_BYTES + present * 4;
        let framed = if width > Width::Narrow {
            self.frame_width(end)
                .filter(|w| *w < width)
                .map(|w| (w, end.div_ceil(64) * 4 + end * w.bytes()))
                .filter(|&(_, bytes)| bytes < dense_bytes.min(sparse_bytes))
        } else {
            None
        };
        let to_sparse = framed.is_none() && sparse_bytes < dense_bytes;
        // When the form stays, trimming the spare capacity is enough.
        if framed.is_none() {
            match &mut self.repr {
                Repr::Sparse(sparse) if to_sparse && sparse.values.len() == present => {
                    sparse.blocks.truncate(end.div_ceil(64));
                    sparse.blocks.shrink_to_fit();
                    sparse.values.shrink_to_fit();
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
        let get = |row: usize| self.get(row as u32);
        let repr = match framed {
            Some((Width::Narrow, _)) => Framed::new(end, get).map(Repr::FramedNarrow),
            Some(_) => Framed::new(end, get).map(Repr::FramedHalf),
            None if to_sparse => Some(Repr::Sparse(self.sparse_repr(end, present))),
            None => None,
        };
        self.repr = repr.unwrap_or_else(|| self.dense_repr(width, end));
    }

    /// The narrowest width that holds every cell of the first `end` rows
    /// above the smallest cell of its 64 rows, if narrower than wide.
    fn frame_width(&self, end: usize) -> Option<Width> {
        let mut width = Width::Narrow;
        for start in (0..end).step_by(64) {
            let cells = (start..end.min(start + 64))
                .map(|row| self.get(row as u32))
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

    /// The first `end` cells in sparse form, `present` of them not the fill.
    fn sparse_repr(&self, end: usize, present: usize) -> Sparse {
        let mut sparse = Sparse {
            blocks: Vec::with_capacity(end.div_ceil(64)),
            values: Vec::with_capacity(present),
            width: None,
        };
        for row in 0..end {
            let cell = self.get(row as u32);
            if cell != self.fill {
                sparse.push(row, cell);
            }
        }
        sparse
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
mod tests {
    use super::*;
    use crate::scenario::store::PENDING;
    use proptest::prelude::*;

    impl Column {
        /// An empty sparse column whose absent rows hold `fill`.
        fn sparse_with_fill(fill: u32) -> Column {
            Column {
                repr: Repr::Sparse(Sparse::default()),
                fill,
            }
        }
    }

    /// Checks every row of `column` against the plain cells of `model`.
    fn same(column: &Column, model: &[u32]) -> Result<(), TestCaseError> {
        near(column, model, 0..model.len())
    }

    /// Checks some rows of `column` against the plain cells of `model`.
    fn near(
        column: &Column,
        model: &[u32],
        rows: std::ops::Range<usize>,
    ) -> Result<(), TestCaseError> {
        for (row, &cell) in model.iter().enumerate().take(rows.end).skip(rows.start) {
            prop_assert_eq!(
                column.get(row as u32),
                cell,
                "row {} ({})",
                row,
                column.form()
            );
        }
        Ok(())
    }

    /// Cells around every boundary a form has (built from plain numbers,
    /// which proptest generates much faster than a union of strategies).
    fn cell() -> impl Strategy<Value = u32> {
        (0u8..6, any::<u32>()).prop_map(|(kind, x)| match kind {
            0 => NONE,
            1 => PENDING,
            2 => x % 4,
            3 => 250 + x % 10,
            4 => 65530 + x % 10,
            _ => x,
        })
    }

    /// Rows mostly in order (a step of 0 to 3 from the last), sometimes anywhere.
    fn writes(rows: u32) -> impl Strategy<Value = Vec<(bool, u32, u32)>> {
        prop::collection::vec((prop::bool::weighted(0.95), 0..rows, cell()), 0..800)
    }

    /// Applies `writes` to `column` and to a plain model of `rows` cells.
    fn apply(
        column: &mut Column,
        model: &mut [u32],
        writes: &[(bool, u32, u32)],
        mut last: u32,
    ) -> Result<u32, TestCaseError> {
        for &(in_order, row, cell) in writes {
            let row = if in_order { last + row % 4 } else { row } as usize;
            let Some(slot) = model.get_mut(row) else {
                continue;
            };
            *slot = cell;
            column.set(row as u32, cell);
            last = row as u32;
            // A block either side of the row: what a write could disturb.
            near(column, model, row.saturating_sub(70)..row + 70)?;
        }
        same(column, model)?;
        Ok(last)
    }

    proptest! {
        #[test]
        fn reads_like_a_vec_of_cells(
            start in 0..3usize,
            fill in prop_oneof![Just(NONE), Just(3u32), Just(300u32), Just(70_000u32)],
            before in writes(1500),
            after in writes(1500),
        ) {
            let rows = 1500;
            let (mut column, fill) = match start {
                0 => (Column::sparse(), NONE),
                1 => (Column::narrow(), NONE),
                _ => (Column::sparse_with_fill(fill), fill),
            };
            let mut model = vec![fill; rows];
            let last = apply(&mut column, &mut model, &before, 0)?;
            column.compact(rows);
            same(&column, &model)?;
            apply(&mut column, &mut model, &after, last)?;
            column.compact(rows);
            same(&column, &model)?;
        }

        #[test]
        fn dense_rows_in_order(cells in prop::collection::vec(cell(), 0..2000)) {
            let mut column = Column::sparse();
            for (row, &cell) in cells.iter().enumerate() {
                column.set(row as u32, cell);
            }
            same(&column, &cells)?;
            column.compact(cells.len());
            same(&column, &cells)?;
        }

        #[test]
        fn framed_reads_like_a_vec_of_cells(
            steps in prop::collection::vec((0u32..300, prop::bool::weighted(0.1)), 0..1500),
            scale in prop_oneof![Just(1u32), Just(60)],
            start in prop_oneof![Just(0u32), Just(1 << 31), Just(u32::MAX - 500_000)],
            after in writes(1500),
        ) {
            // Cells that grow with the row by up to 300 (or 5), some absent.
            let mut model = Vec::new();
            let mut cell = start;
            for &(step, absent) in &steps {
                cell += step / scale;
                model.push(if absent { NONE } else { cell });
            }
            let mut column = Column::sparse();
            for (row, &cell) in model.iter().enumerate() {
                column.set(row as u32, cell);
            }
            column.compact(model.len());
            same(&column, &model)?;
            prop_assert_eq!(column.get(model.len() as u32), NONE);
            apply(&mut column, &mut model, &after, 0)?;
        }

        #[test]
        fn tally_counts_references(
            rows in 0..300usize,
            refs in prop::collection::vec(prop_oneof![0u32..300, Just(NONE), Just(PENDING)], 0..600),
        ) {
            let tally = Tally::new(rows, refs.iter().copied());
            let mut counts = vec![0u32; rows];
            for &r in &refs {
                if let Some(c) = counts.get_mut(r as usize) {
                    *c += 1;
                }
            }
            for (row, &count) in counts.iter().enumerate() {
                prop_assert_eq!(tally.get(row as u32), (count > 0).then_some(count));
            }
            let column = tally.into_column(7, rows);
            for (row, &count) in counts.iter().enumerate() {
                let cell = if count > 0 { count } else { 7 };
                prop_assert_eq!(column.get(row as u32), cell);
            }
        }
    }

    #[test]
    fn a_dense_sparse_column_turns_dense_at_the_minimum_rows() {
        let mut column = Column::sparse();
        for row in 0..SPARSE_MIN_ROWS as u32 - 1 {
            column.set(row, 1 << 20);
        }
        assert_eq!(column.form(), "sparse");
        column.set(SPARSE_MIN_ROWS as u32 - 1, 1 << 20);
        assert_eq!(column.form(), "wide");
        assert_eq!(column.heap_bytes(), SPARSE_MIN_ROWS * 4);
    }

    #[test]
    fn a_sparse_column_turns_dense_only_once_bigger_than_dense() {
        // Every other row of large cells: 2.2 bytes a row sparse, 4 dense.
        let mut column = Column::sparse();
        for row in (0..100_000).step_by(2) {
            column.set(row, 1 << 20);
        }
        assert_eq!(column.form(), "sparse");
        // The same density of small cells is smaller in one byte a row.
        let mut column = Column::sparse();
        for row in (0..2 * SPARSE_MIN_ROWS as u32).step_by(2) {
            column.set(row, 5);
        }
        assert_eq!(column.form(), "narrow");
        // Nearly every row of large cells: sparse just above dense.
        let mut column = Column::sparse();
        for row in (0..100_000).filter(|r| r % 32 != 0) {
            column.set(row, 1 << 20);
        }
        assert_eq!(column.form(), "wide");
        let mut column = Column::sparse();
        for row in (0..100_000).filter(|r| r % 16 != 0) {
            column.set(row, 1 << 20);
        }
        assert_eq!(column.form(), "sparse");
    }

    #[test]
    fn the_dense_form_widens_for_a_cell_that_does_not_fit() {
        let mut column = Column::narrow();
        column.set(0, 254);
        assert_eq!((column.form(), column.get(0)), ("narrow", 254));
        column.set(1, 255);
        assert_eq!((column.form(), column.get(1)), ("half", 255));
        column.set(2, 65534);
        assert_eq!(column.form(), "half");
        column.set(3, PENDING);
        assert_eq!(column.form(), "wide");
        let cells: Vec<u32> = (0..5).map(|row| column.get(row)).collect();
        assert_eq!(cells, [254, 255, 65534, PENDING, NONE]);
    }

    #[test]
    fn a_sparse_column_turns_dense_for_a_row_before_its_last() {
        let mut column = Column::sparse();
        column.set(10, 7);
        column.set(3, NONE);
        assert_eq!(column.form(), "sparse");
        column.set(3, 8);
        assert_eq!(column.form(), "narrow");
        assert_eq!(column.get(3), 8);
        assert_eq!(column.get(10), 7);
        assert_eq!(column.get(11), NONE);
    }

    #[test]
    fn compact_picks_the_smallest_form() {
        // One value far down a narrow column: sparse.
        let mut column = Column::narrow();
        column.set(5000, 1);
        column.compact(10_000);
        assert_eq!(column.form(), "sparse");
        assert_eq!(column.heap_bytes(), 79 * BLOCK_BYTES + 4);
        assert_eq!(column.get(5000), 1);
        // Large cells that are all over the place: wide, trimmed.
        let scattered = |row: u32| row.wrapping_mul(2_654_435_761) >> 1;
        let mut column = Column::sparse();
        for row in 0..5000 {
            column.set(row, scattered(row));
        }
        assert_eq!(column.form(), "wide");
        column.compact(6000);
        assert_eq!((column.form(), column.heap_bytes()), ("wide", 20_000));
        // Cells that fit in two bytes: half.
        for row in 0..5000 {
            column.set(row, scattered(row) % 65_000);
        }
        column.compact(6000);
        assert_eq!((column.form(), column.heap_bytes()), ("half", 10_000));
        assert_eq!(column.get(4999), scattered(4999) % 65_000);
        // Nothing at all: no bytes.
        let mut column = Column::sparse();
        column.compact(6000);
        assert_eq!(column.heap_bytes(), 0);
        assert_eq!(column.get(10), NONE);
    }

    #[test]
    fn compact_frames_large_cells_that_grow_with_the_row() {
        // Source offsets of ids, ~200 bytes apart: two bytes above a base.
        let mut column = Column::sparse();
        for row in 0..1000 {
            column.set(row, (1 << 31) + 200 * row);
        }
        column.set(500, NONE);
        column.compact(1000);
        assert_eq!(column.form(), "framed half");
        assert_eq!(column.heap_bytes(), 16 * 4 + 1000 * 2);
        assert_eq!(column.get(499), (1 << 31) + 200 * 499);
        assert_eq!(column.get(500), NONE);
        assert_eq!(column.get(1000), NONE);
        // A written cell makes it plain again.
        column.set(3, 7);
        assert_eq!(column.form(), "wide");
        assert_eq!((column.get(3), column.get(4)), (7, (1 << 31) + 800));
        // References to the owner, a few rows each: one byte above a base.
        let mut column = Column::sparse();
        for row in 0..100_000 {
            column.set(row, 70_000 + row / 8);
        }
        column.compact(100_000);
        assert_eq!(column.form(), "framed narrow");
        assert_eq!(column.get(99_999), 70_000 + 99_999 / 8);
        // Cells that a frame would not make narrower: plain half.
        let mut column = Column::sparse();
        for row in 0..1000 {
            column.set(row, 60_000 + row * 997 % 5000);
        }
        column.compact(1000);
        assert_eq!(column.form(), "half");
    }

    #[test]
    fn block_is_twelve_bytes() {
        assert_eq!(BLOCK_BYTES, 12);
    }
}

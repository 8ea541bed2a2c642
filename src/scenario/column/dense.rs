//! Dense cells: one, two or four bytes a cell, or offsets above a base per 64 rows.

use super::NONE;

/// A stored dense cell.
pub(super) trait Stored: Copy {
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
pub(super) fn dense_get<T: Stored>(cells: &[T], row: usize, fill: u32) -> u32 {
    cells.get(row).map_or(fill, |&c| c.decode())
}

/// Sets a cell of a dense column; false (and nothing set) when `cell`, or
/// `fill` for the rows it has to add, does not fit.
pub(super) fn dense_set<T: Stored>(cells: &mut Vec<T>, row: usize, cell: u32, fill: u32) -> bool {
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
pub(super) fn dense<T: Stored>(len: usize, get: impl Fn(usize) -> u32) -> Option<Vec<T>> {
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
pub(super) struct Framed<T> {
    /// The smallest cell of each 64 rows (other than [`NONE`]).
    pub(super) bases: Vec<u32>,
    /// Each row's cell minus its base.
    pub(super) offsets: Vec<T>,
}

impl<T: Stored> Framed<T> {
    #[inline]
    pub(super) fn get(&self, row: usize, fill: u32) -> u32 {
        let Some(offset) = self.offsets.get(row) else {
            return fill;
        };
        match offset.decode() {
            NONE => NONE,
            offset => self.bases.get(row / 64).map_or(NONE, |&base| base + offset),
        }
    }

    /// The first `len` cells that `get` gives, if every 64 of them fit.
    pub(super) fn new(len: usize, get: impl Fn(usize) -> u32) -> Option<Framed<T>> {
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

    pub(super) fn bytes(&self) -> usize {
        self.bases.len() * 4 + self.offsets.len() * std::mem::size_of::<T>()
    }
}

/// Cuts a dense column to its first `len` cells and frees the spare capacity.
pub(super) fn trim<T>(cells: &mut Vec<T>, len: usize) {
    cells.truncate(len);
    cells.shrink_to_fit();
}

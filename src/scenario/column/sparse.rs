//! Sparse cells: a presence bitmap with ranks, and the cells of present rows.

use super::{Column, Repr, Width, SPARSE_MIN_ROWS};

/// Bytes of a sparse block: its rank and its 64 presence bits.
pub(super) const BLOCK_BYTES: usize = std::mem::size_of::<Block>();

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
pub(super) struct Sparse {
    /// One block per 64 rows, up to the last present row.
    blocks: Vec<Block>,
    /// The cells of the present rows.
    pub(super) values: Vec<u32>,
    /// The narrowest dense width that holds every value.
    pub(super) width: Option<Width>,
}

impl Sparse {
    /// An empty sparse column with room for `present` cells among `rows` rows.
    pub(super) fn with_capacity(rows: usize, present: usize) -> Sparse {
        Sparse {
            blocks: Vec::with_capacity(rows.div_ceil(64)),
            values: Vec::with_capacity(present),
            width: None,
        }
    }

    /// Drops the blocks past `rows` rows and the spare capacity.
    pub(super) fn trim(&mut self, rows: usize) {
        self.blocks.truncate(rows.div_ceil(64));
        self.blocks.shrink_to_fit();
        self.values.shrink_to_fit();
    }

    /// The index in `values` of a row's cell, if the row is present.
    #[inline]
    pub(super) fn index(&self, row: usize) -> Option<usize> {
        let block = self.blocks.get(row / 64)?;
        let bits = block.bits();
        let bit = 1u64 << (row % 64);
        (bits & bit != 0).then(|| block.rank as usize + (bits & (bit - 1)).count_ones() as usize)
    }

    #[inline]
    pub(super) fn get(&self, row: usize, fill: u32) -> u32 {
        self.index(row)
            .and_then(|i| self.values.get(i))
            .copied()
            .unwrap_or(fill)
    }

    /// One past the last present row (0 when none is).
    pub(super) fn end(&self) -> usize {
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
    pub(super) fn push(&mut self, row: usize, cell: u32) {
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
    pub(super) fn bytes(&self) -> usize {
        self.blocks.len() * BLOCK_BYTES + self.values.len() * 4
    }

    /// Whether a dense column of the values' width would be smaller by now.
    pub(super) fn denser_than_sparse(&self, fill: u32) -> bool {
        let end = self.end();
        let width = self.width.max(Some(Width::of(fill))).unwrap_or(Width::Wide);
        end >= SPARSE_MIN_ROWS && self.bytes() > end * width.bytes()
    }
}

/// Builds a sparse column's presence and a number per present row: how many
/// references name each row. See [`Tally::new`].
#[derive(Debug)]
pub(crate) struct Tally(Sparse);

impl Tally {
    /// Counts, for each of `rows` rows, the references of `refs` that name
    /// it (references to rows out of range are ignored). Only rows named at
    /// least once get an entry. Reads `refs` twice: once for which rows are
    /// named, once to count.
    pub(crate) fn new(rows: usize, refs: impl Iterator<Item = u32> + Clone) -> Tally {
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
    pub(crate) fn values_mut(&mut self) -> &mut [u32] {
        &mut self.0.values
    }

    /// The number of a row, if it is named.
    pub(crate) fn get(&self, row: u32) -> Option<u32> {
        self.0
            .index(row as usize)
            .and_then(|i| self.0.values.get(i))
            .copied()
    }

    /// The column whose named rows hold their number and whose other rows
    /// hold `fill`, in its smallest form for `rows` rows.
    pub(crate) fn into_column(self, fill: u32, rows: usize) -> Column {
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

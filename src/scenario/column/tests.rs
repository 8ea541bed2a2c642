//! Columns against a plain `Vec<u32>` of cells: every write sequence reads back the same.

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
fn near(column: &Column, model: &[u32], rows: std::ops::Range<usize>) -> Result<(), TestCaseError> {
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

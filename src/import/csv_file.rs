//! The portal's CSV exports, read with the `csv` crate; each cell keeps its
//! place (row and column) for diagnostics.

use std::collections::HashMap;
use std::hash::Hash;

use super::error::{at, ImportCode, ImportError};
use super::record::{Cell, Rec};
use crate::source::SourceFile;

/// Headers compare without regard to case and surrounding spaces.
fn header_key(header: &str) -> String {
    header.trim().to_lowercase()
}

/// The rows of a CSV file as records of the mapped columns. A column listed in
/// `required` that the header row lacks is an error at the header row.
pub(crate) fn records<F: Hash + Eq + Copy>(
    file: &SourceFile,
    columns: &HashMap<F, String>,
    required: &[F],
) -> Result<Vec<Rec<'static, F>>, Vec<ImportError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(file.text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![csv_error(file, &e)])?
        .clone();
    let header_end = file.text.find('\n').unwrap_or(file.text.len());
    let index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (header_key(h), i))
        .collect();
    let mut wanted: Vec<(F, usize)> = Vec::new();
    let mut errors = Vec::new();
    for (&field, column) in columns {
        match index.get(&header_key(column)) {
            Some(&i) => wanted.push((field, i)),
            None if required.contains(&field) => errors.push(at(
                ImportCode::Csv,
                file,
                (0, header_end),
                format!("`{}` has no column `{column}`", file.name),
                "header row",
                Some(format!(
                    "export it again from the portal with the `{column}` column, or change the column name in the mapping"
                )),
            )),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                errors.push(csv_error(file, &e));
                continue;
            }
        };
        let start = row.position().map_or(0, |p| p.byte() as usize);
        let cells = wanted
            .iter()
            .filter_map(|&(field, i)| {
                let text = row.get(i)?;
                let range = row.range(i)?;
                let span = (start + range.start, start + range.end.max(range.start + 1));
                Some((
                    field,
                    Cell {
                        text: text.to_string().into(),
                        is_bool: false,
                        span,
                    },
                ))
            })
            .collect();
        let end = file
            .text
            .get(start..)
            .and_then(|t| t.find('\n'))
            .map_or(file.text.len(), |n| start + n);
        out.push(Rec::from_cells(cells, (start, end)));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn csv_error(file: &SourceFile, error: &csv::Error) -> ImportError {
    let offset = error.position().map_or(0, |p| p.byte() as usize);
    let reason = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("a row has {len} fields where the header has {expected_len}")
        }
        _ => error.to_string(),
    };
    at(
        ImportCode::Csv,
        file,
        (offset, offset + 1),
        format!("`{}` is not a valid CSV file: {reason}", file.name),
        "this row",
        Some("export the file again from the portal".into()),
    )
}

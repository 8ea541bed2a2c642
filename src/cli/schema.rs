//! `eligo schema`: print the JSON Schema of the scenario format for editors.

use super::Failure;
use clap::Args;

use super::{load_rules, stderr_style, ColorChoice, RuleArgs, EXIT_OK};
use crate::json_schema::scenario_schema;

/// Arguments of `eligo schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Where the rules (and so the schema, custom fields included) come from.
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Runs `eligo schema`.
pub(crate) fn run(args: &SchemaArgs) -> Result<u8, Failure> {
    let program = load_rules(&args.rules, stderr_style(ColorChoice::Auto))?;
    let schema = scenario_schema(&program);
    let text = match serde_json::to_string_pretty(&schema) {
        Ok(text) => text + "\n",
        Err(e) => {
            return Err(Failure::input(format!(
                "error: cannot write the schema: {e}\n"
            )));
        }
    };
    super::print_stdout("the schema", &text)?;
    Ok(EXIT_OK)
}

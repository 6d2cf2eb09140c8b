//! Limits on a document's shape that async-graphql's depth and complexity limits do not cover:
//! how many aliases it uses and how many root fields an operation selects. Aliases let one request
//! ask for the same expensive field many times; root fields each start their own database work.
//! Also the one character no input may hold. Checked on the parsed document before anything runs.

use async_graphql::{
    Value, Variables,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// How deep fragment spreads are followed when counting root fields; validation rejects cycles
/// later, this only keeps the count itself finite.
const MAX_SPREAD_NESTING: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeLimits {
    pub max_aliases: usize,
    pub max_root_fields: usize,
}

/// Refuses a document over the limits, saying which and by how much.
pub(crate) fn check(document: &ExecutableDocument, limits: ShapeLimits) -> Result<(), String> {
    let mut aliases: usize =
        document.fragments.values().map(|fragment| count_aliases(&fragment.node.selection_set.node)).sum();
    for (name, operation) in document.operations.iter() {
        let selection = &operation.node.selection_set.node;
        let roots = count_root_fields(selection, document, 0);
        if roots > limits.max_root_fields {
            let name = name.map_or_else(|| "the operation".to_owned(), |n| format!("operation {n}"));
            return Err(format!(
                "{name} selects {roots} root fields; at most {} are allowed: split it into several requests",
                limits.max_root_fields
            ));
        }
        aliases += count_aliases(selection);
    }
    if aliases > limits.max_aliases {
        return Err(format!(
            "the document uses {aliases} aliases; at most {} are allowed",
            limits.max_aliases
        ));
    }
    Ok(())
}

/// Whether the document signs in (`login` or `refresh` at the root of a mutation): those get
/// their own, tighter rate limit.
pub(crate) fn signs_in(document: &ExecutableDocument) -> bool {
    use async_graphql::parser::types::OperationType;
    document.operations.iter().any(|(_, operation)| {
        operation.node.ty == OperationType::Mutation
            && operation.node.selection_set.node.items.iter().any(|selection| {
                matches!(&selection.node, Selection::Field(field) if matches!(field.node.name.node.as_str(), "login" | "refresh"))
            })
    })
}

/// Whether a string literal in the document (an argument, a variable's default) holds U+0000
/// (NUL). No field accepts one (PostgreSQL's `text` and `jsonb` cannot hold it), so the request is
/// refused whole, on either backend, before anything runs; [`variables_hold_nul`] checks the rest.
pub(crate) fn holds_nul(document: &ExecutableDocument) -> bool {
    document.fragments.values().any(|fragment| set_holds_nul(&fragment.node.selection_set.node))
        || document.operations.iter().any(|(_, operation)| {
            let defaults = operation.node.variable_definitions.iter();
            defaults
                .filter_map(|definition| definition.node.default_value.as_ref())
                .any(|v| value_holds_nul(&v.node))
                || set_holds_nul(&operation.node.selection_set.node)
        })
}

/// Whether a string among the request's variables holds U+0000 (NUL), as for [`holds_nul`].
pub(crate) fn variables_hold_nul(variables: &Variables) -> bool {
    variables.values().any(value_holds_nul)
}

fn set_holds_nul(set: &SelectionSet) -> bool {
    set.items.iter().any(|selection| match &selection.node {
        Selection::Field(field) => {
            field.node.arguments.iter().any(|(_, argument)| {
                // Variables stand for values checked with the request's variables.
                let literal = argument.node.clone().into_const_with(|_| Ok::<_, ()>(Value::Null));
                literal.is_ok_and(|literal| value_holds_nul(&literal))
            }) || set_holds_nul(&field.node.selection_set.node)
        }
        Selection::InlineFragment(fragment) => set_holds_nul(&fragment.node.selection_set.node),
        // Checked with the fragment's definition.
        Selection::FragmentSpread(_) => false,
    })
}

fn value_holds_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(items) => items.iter().any(value_holds_nul),
        Value::Object(fields) => fields.values().any(value_holds_nul),
        _ => false,
    }
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + count_aliases(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => count_aliases(&fragment.node.selection_set.node),
            // Counted once, with the fragment's definition.
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

fn count_root_fields(set: &SelectionSet, document: &ExecutableDocument, nesting: usize) -> usize {
    if nesting > MAX_SPREAD_NESTING {
        return 0;
    }
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(fragment) => {
                count_root_fields(&fragment.node.selection_set.node, document, nesting + 1)
            }
            Selection::FragmentSpread(spread) => {
                document.fragments.get(&spread.node.fragment_name.node).map_or(0, |fragment| {
                    count_root_fields(&fragment.node.selection_set.node, document, nesting + 1)
                })
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ShapeLimits = ShapeLimits { max_aliases: 3, max_root_fields: 2 };

    fn checked(query: &str) -> Result<(), String> {
        check(&async_graphql::parser::parse_query(query).expect("parses"), LIMITS)
    }

    #[test]
    fn a_nul_is_found_in_variables_literals_fragments_and_defaults_but_not_in_escaped_text() {
        let holds = |query: &str, variables: serde_json::Value| {
            let document = async_graphql::parser::parse_query(query).expect("parses");
            holds_nul(&document) || variables_hold_nul(&Variables::from_json(variables))
        };
        let none = serde_json::json!({});
        assert!(holds("{ a(x: \"a\\u0000b\") }", none.clone()));
        assert!(holds("{ a { b(x: [{ y: \"\\u0000\" }]) } }", none.clone()));
        assert!(holds("{ ...F } fragment F on Q { a(x: \"\\u0000\") }", none.clone()));
        assert!(holds("query($v: String = \"\\u0000\") { a(x: $v) }", none.clone()));
        assert!(holds("query($v: I) { a(x: $v) }", serde_json::json!({ "v": { "t": ["ok", "\u{0}"] } })));
        assert!(!holds("{ a(x: \"a\\\\u0000b\", y: $v) }", serde_json::json!({ "v": "\\u0000" })));
    }

    #[test]
    fn aliases_are_counted_everywhere_in_the_document() {
        assert!(checked("{ a: latest { nodes { x: slug y: title } } }").is_ok());
        let err = checked("{ a: latest { nodes { x: slug y: title } } ...F } fragment F on QueryRoot { b: latest { totalCount } }")
            .expect_err("four aliases");
        assert!(err.contains("4 aliases"), "{err}");
    }

    #[test]
    fn root_fields_include_those_in_fragments() {
        assert!(checked("{ latest { totalCount } tags { slug } }").is_ok());
        let err = checked("{ latest { totalCount } ... on QueryRoot { tags { slug } authors { slug } } }")
            .expect_err("three root fields");
        assert!(err.contains("3 root fields"), "{err}");
        let err = checked("query Home { ...Roots } fragment Roots on QueryRoot { a { x } b { x } c { x } }")
            .expect_err("three through a spread");
        assert!(err.contains("operation Home"), "{err}");
    }
}

// Meilisearch filters are strings, so user values must be quoted, never spliced. Inside double quotes the
// parser honours `\"` and `\\`; escaping both keeps `x" OR author = "y` one literal value.

/** A value as a double-quoted Meilisearch filter literal. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** `attribute = "value"`; `attribute` is always one of ours, never user input. */
export function equals(attribute: string, value: string): string {
  return `${attribute} = ${quote(value)}`;
}

/** `attribute IN ["a", "b"]`. */
export function isIn(attribute: string, values: readonly string[]): string {
  return `${attribute} IN [${values.map(quote).join(", ")}]`;
}

/** Joins clauses with AND, each in parentheses so their own operators cannot leak into the others. */
export function allOf(clauses: readonly string[]): string {
  return clauses.map((clause) => `(${clause})`).join(" AND ");
}

/** Joins clauses with OR, each in parentheses. */
export function anyOf(clauses: readonly string[]): string {
  return clauses.map((clause) => `(${clause})`).join(" OR ");
}

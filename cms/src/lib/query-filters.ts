import { badInput } from "./text.ts";

/**
 * Filters checked against the content type before they reach the query layer, which would otherwise hand
 * PostgreSQL a value it cannot compare (`filters[id][$eq]=abc`, a date that is not one, a one-value `$between`)
 * and answer 500. Strapi's own validation knows fields and operators but not value types; this knows both.
 */

export type Attribute = {
  type: string;
  target?: string;
  component?: string;
  private?: boolean;
};
export type Model = { uid: string; attributes: Record<string, Attribute> };
export type GetModel = (uid: string) => Model | undefined;
/** What the checks know: the models, and whether private fields may be filtered on (editors in the admin may). */
export type Schema = { getModel: GetModel; privateFields?: boolean };

const VALUE_OPERATORS = new Set(["$eq", "$ne", "$lt", "$lte", "$gt", "$gte"]);
const LIST_OPERATORS = new Set(["$in", "$notIn"]);
const NULL_OPERATORS = new Set(["$null", "$notNull"]);
const TEXT_OPERATORS = new Set([
  "$eqi",
  "$nei",
  "$contains",
  "$notContains",
  "$containsi",
  "$notContainsi",
  "$startsWith",
  "$startsWithi",
  "$endsWith",
  "$endsWithi",
]);
/** Operators that compare a relation itself (its id, or whether it is set) rather than the target's fields. */
const RELATION_OPERATORS = new Set([...VALUE_OPERATORS, ...LIST_OPERATORS, ...NULL_OPERATORS, "$between"]);
const TEXT_TYPES = new Set(["string", "text", "richtext", "email", "uid", "enumeration"]);
const MAX_LIST = 100;
const MAX_DEPTH = 12;

const INT32 = 2 ** 31;
const INT64 = 2n ** 63n;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const BOOLEAN = new Set(["true", "false", "1", "0"]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Why `value` cannot be compared with a field of `type`, or undefined when it can. */
function valueProblem(type: string, value: unknown): string | undefined {
  if (value === null) return undefined;
  if (typeof value !== "string") return "expected a single value";
  switch (type) {
    case "integer":
      return /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) < INT32 ? undefined : "expected a whole number";
    case "biginteger":
      return /^-?\d{1,19}$/.test(value) && BigInt(value) < INT64 && BigInt(value) >= -INT64
        ? undefined
        : "expected a whole number";
    case "float":
    case "decimal":
      return DECIMAL.test(value) && Number.isFinite(Number(value)) ? undefined : "expected a number";
    case "boolean":
      return BOOLEAN.has(value) ? undefined : "expected true or false";
    case "date": {
      const parts = ISO_DATE.exec(value);
      const date = parts ? new Date(`${value}T00:00:00Z`) : undefined;
      return date && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
        ? undefined
        : "expected a date (YYYY-MM-DD)";
    }
    case "datetime":
    case "timestamp":
      return ISO_DATETIME.test(value) && Number.isFinite(Date.parse(value))
        ? undefined
        : "expected a date and time (ISO 8601)";
    case "time":
      return TIME.test(value) ? undefined : "expected a time (HH:mm[:ss])";
    default:
      return TEXT_TYPES.has(type) ? undefined : `cannot filter on a ${type} field`;
  }
}

type Field = { type: string };
const ID: Field = { type: "integer" };
const DOCUMENT_ID: Field = { type: "string" };

/** Checks what may follow a field name: a value, a list of values, or `{ operator: value }`. */
function checkField(field: Field, value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw badInput(path, "nested too deeply");
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST) throw badInput(path, `at most ${MAX_LIST} values`);
    value.forEach((item, i) => {
      checkValue(field, item, `${path}.${i}`);
    });
    return;
  }
  if (!isObject(value)) {
    checkValue(field, value, path);
    return;
  }
  for (const [operator, operand] of Object.entries(value)) {
    const at = `${path}.${operator}`;
    if (VALUE_OPERATORS.has(operator)) checkValue(field, operand, at);
    else if (TEXT_OPERATORS.has(operator)) {
      if (!TEXT_TYPES.has(field.type) && field !== DOCUMENT_ID)
        throw badInput(at, `${operator} compares text, and this field is not text (${field.type})`);
      checkValue(DOCUMENT_ID, operand, at);
    } else if (NULL_OPERATORS.has(operator)) checkValue({ type: "boolean" }, operand, at);
    else if (LIST_OPERATORS.has(operator)) {
      const list = Array.isArray(operand) ? operand : [operand];
      if (list.length > MAX_LIST) throw badInput(at, `at most ${MAX_LIST} values`);
      list.forEach((item, i) => {
        checkValue(field, item, `${at}.${i}`);
      });
    } else if (operator === "$between") {
      if (!Array.isArray(operand) || operand.length !== 2)
        throw badInput(at, "expected exactly two values ($between[0] and $between[1])");
      operand.forEach((item, i) => {
        checkValue(field, item, `${at}.${i}`);
      });
    } else if (operator === "$not") checkField(field, operand, at, depth + 1);
    else if (operator === "$and" || operator === "$or")
      // The query layer groups conditions, not one field's operators: filters[$or][0][field]=… instead.
      throw badInput(at, `${operator} goes before the fields (filters[${operator}][0][field]=…)`);
    else throw badInput(at, operator.startsWith("$") ? "unknown operator" : "expected an operator such as $eq");
  }
}

function checkValue(field: Field, value: unknown, path: string): void {
  const problem = valueProblem(field.type, value);
  if (problem) throw badInput(path, problem);
}

/** The model a relation, media or component field leads to. */
function targetOf(attribute: Attribute): string | undefined {
  if (attribute.type === "relation") return attribute.target;
  if (attribute.type === "media") return "plugin::upload.file";
  if (attribute.type === "component") return attribute.component;
  return undefined;
}

/**
 * A condition on a relation (or a media or component field): a value or a single operator tests the relation by
 * id (`filters[author]=5`, `filters[author][$null]=true`); fields test the related entry
 * (`filters[author][handle][$eq]=…`); `$and`/`$or` group such conditions. The query layer accepts nothing else.
 */
function checkRelation(schema: Schema, target: Model, value: unknown, path: string, depth: number): void {
  if (!isObject(value)) {
    checkField(ID, value, path, depth);
    return;
  }
  const keys = Object.keys(value);
  const operators = keys.filter((key) => key.startsWith("$"));
  if (!operators.length) {
    checkFilters(schema, target, value, path, depth);
    return;
  }
  if (operators.length !== keys.length || operators.length > 1)
    throw badInput(path, "one operator, or fields of the related entry, not both");
  const [operator] = operators as [string];
  if (operator === "$and" || operator === "$or") checkFilters(schema, target, value, path, depth);
  else if (operator === "$not") checkValue(ID, value[operator], `${path}.$not`);
  else if (RELATION_OPERATORS.has(operator)) checkField(ID, value, path, depth);
  else throw badInput(`${path}.${operator}`, "unknown operator");
}

/** Checks a set of conditions on `model`: fields, `$and`/`$or` lists and `$not`. */
export function checkFilters(schema: Schema, model: Model, filters: unknown, path: string, depth = 0): void {
  if (depth > MAX_DEPTH) throw badInput(path, "nested too deeply");
  if (!isObject(filters))
    throw badInput(path, "expected conditions (filters[field][$operator]=value; lists go in $and or $or)");
  for (const [key, value] of Object.entries(filters)) {
    const at = `${path}.${key}`;
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value)) throw badInput(at, `expected a list (${key}[0], ${key}[1], …)`);
      value.forEach((item, i) => {
        checkFilters(schema, model, item, `${at}.${i}`, depth + 1);
      });
      continue;
    }
    if (key === "$not") {
      checkFilters(schema, model, value, at, depth + 1);
      continue;
    }
    if (key === "id") {
      checkField(ID, value, at, depth + 1);
      continue;
    }
    if (key === "documentId") {
      checkField(DOCUMENT_ID, value, at, depth + 1);
      continue;
    }
    if (key.startsWith("$")) throw badInput(at, "an operator needs a field before it (filters[field][$operator])");
    const attribute = Object.hasOwn(model.attributes, key) ? model.attributes[key] : undefined;
    if (!attribute) throw badInput(at, "no such field");
    if ((attribute.private && !schema.privateFields) || attribute.type === "password")
      throw badInput(at, "cannot filter on this field");
    const target = targetOf(attribute);
    if (target) {
      const targetModel = schema.getModel(target);
      if (!targetModel) throw badInput(at, "cannot filter on this field");
      checkRelation(schema, targetModel, value, at, depth + 1);
      continue;
    }
    if (attribute.type === "dynamiczone" || attribute.type === "json" || attribute.type === "blocks")
      throw badInput(at, `cannot filter on a ${attribute.type} field`);
    checkField(attribute, value, at, depth + 1);
  }
}

/**
 * Checks the `filters` nested in a populate tree (`populate[author][filters][handle][$eq]=…`) and the
 * pagination of each populated list.
 */
export function checkPopulate(schema: Schema, model: Model, populate: unknown, path: string, depth = 0): void {
  if (depth > MAX_DEPTH) throw badInput(path, "nested too deeply");
  if (!isObject(populate)) return;
  for (const [key, value] of Object.entries(populate)) {
    if (!isObject(value)) continue;
    const attribute = Object.hasOwn(model.attributes, key) ? model.attributes[key] : undefined;
    const target = attribute ? targetOf(attribute) : undefined;
    const targetModel = target ? schema.getModel(target) : undefined;
    // Unknown fields and dynamic zones are Strapi's own validation's to refuse.
    if (!targetModel) continue;
    const at = `${path}.${key}`;
    if (value.filters !== undefined) checkFilters(schema, targetModel, value.filters, `${at}.filters`, depth + 1);
    checkPagination(value, at);
    if (value.populate !== undefined) checkPopulate(schema, targetModel, value.populate, `${at}.populate`, depth + 1);
  }
}

const PAGE_MAX = 100_000;
const START_MAX = 10_000_000;
const SIZE_MAX = 100;

function checkWhole(value: unknown, path: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "string" || !/^-?\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max)
    throw badInput(path, `expected a whole number from ${min} to ${max}`);
}

/** `page`, `pageSize`, `start` and `limit` of `holder` within the range a query can serve. */
export function checkPagination(holder: Record<string, unknown>, path: string): void {
  const prefix = path ? `${path}.` : "";
  checkWhole(holder.page, `${prefix}page`, 1, PAGE_MAX);
  checkWhole(holder.pageSize, `${prefix}pageSize`, 1, SIZE_MAX);
  checkWhole(holder.start, `${prefix}start`, 0, START_MAX);
  checkWhole(holder.limit, `${prefix}limit`, 1, SIZE_MAX);
}

/** The `pagination` parameter: an object of known keys, each in range. */
export function checkPaginationParam(pagination: unknown): void {
  if (pagination === undefined) return;
  if (!isObject(pagination)) throw badInput("pagination", "expected pagination[page], pagination[pageSize], …");
  for (const key of Object.keys(pagination))
    if (!["page", "pageSize", "start", "limit", "withCount"].includes(key))
      throw badInput(`pagination.${key}`, "unknown pagination setting");
  checkPagination(pagination, "pagination");
  const { withCount } = pagination;
  if (withCount !== undefined && withCount !== "true" && withCount !== "false")
    throw badInput("pagination.withCount", "expected true or false");
}

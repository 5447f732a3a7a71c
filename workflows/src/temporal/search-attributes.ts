import type { Connection } from "@temporalio/client";
import type { NativeConnection } from "@temporalio/worker";
import { SEARCH_ATTRIBUTES } from "../run/search-attributes.ts";

// temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD; @temporalio/proto is not a direct dependency.
const KEYWORD = 2;

/**
 * Registers the generation search attributes on `namespace` when missing. Safe to call from every process at every
 * start, at the same time.
 */
export async function ensureSearchAttributes(
  connection: Pick<Connection | NativeConnection, "operatorService">,
  namespace: string,
): Promise<void> {
  const missing = async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return SEARCH_ATTRIBUTES.filter((attribute) => !(attribute.name in (customAttributes ?? {})));
  };
  const absent = await missing();
  if (absent.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(absent.map((attribute) => [attribute.name, KEYWORD])),
    });
  } catch (error) {
    // Another process (a second worker, the community) may have added them at the same moment.
    if ((await missing()).length > 0) throw error;
  }
}

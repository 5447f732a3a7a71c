// Loaded by path (DataConverter.failureConverterPath) in the worker and inside its workflow bundle.
import { DefaultFailureConverter } from "@temporalio/common";

/**
 * Failure messages and stack traces travel as an encoded payload, so the payload codec encrypts them like inputs and
 * results: a message may quote what a run was about. Readers decode them whatever their own converter's setting.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

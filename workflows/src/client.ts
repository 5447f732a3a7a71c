import { Client, Connection } from "@temporalio/client";
import { pingWorkflow } from "./workflows/index.ts";

export type GenerationClientOptions = {
  address: string;
  namespace: string;
  taskQueue: string;
};

/** The community's handle on generation runs (it grows start/list/cancel with the generation issue). */
export async function createGenerationClient(options: GenerationClientOptions) {
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection, namespace: options.namespace });
  return {
    /** Runs the skeleton workflow and waits for its answer. */
    ping(message: string, workflowId = `ping-${crypto.randomUUID()}`): Promise<string> {
      return client.workflow.execute(pingWorkflow, { taskQueue: options.taskQueue, workflowId, args: [message] });
    },
    close: () => connection.close(),
  };
}

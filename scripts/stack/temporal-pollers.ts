import { Connection } from "@temporalio/client";
// CommonJS: Node cannot see its named exports from ESM, so take the default export.
import proto from "@temporalio/proto";

const { TASK_QUEUE_TYPE_WORKFLOW } = proto.temporal.api.enums.v1.TaskQueueType;

/** True when Temporal lists the worker process `pid` among the pollers of `taskQueue` (the SDK's identity is pid@host). */
export async function isPolling(address: string, namespace: string, taskQueue: string, pid: number): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    return pollers.some((poller) => poller.identity?.startsWith(`${pid}@`));
  } finally {
    await connection.close();
  }
}

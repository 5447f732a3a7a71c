import { Connection } from "@temporalio/client";
import { RECONNECTING_CHANNEL } from "../temporal/channel.ts";

export type TemporalCheckOptions = {
  /** Ends the check (the caller's timeout); the connection attempt itself gives up after `connectTimeoutMs`. */
  signal?: AbortSignal;
  connectTimeoutMs?: number;
};

// One lazily opened connection per address, shared by every check; dropped after a failure so the next check
// reconnects instead of asking a broken connection again.
const connections = new Map<string, Promise<Connection>>();

async function connectionTo(address: string, connectTimeoutMs: number): Promise<Connection> {
  const connection =
    connections.get(address) ??
    Connection.connect({ address, connectTimeout: connectTimeoutMs, channelArgs: RECONNECTING_CHANNEL });
  connections.set(address, connection);
  try {
    return await connection;
  } catch (error) {
    connections.delete(address);
    throw error;
  }
}

/** Resolves when the Temporal server at `address` answers; throws with the reason when it does not. */
export async function checkTemporal(address: string, options: TemporalCheckOptions = {}): Promise<void> {
  const connection = await connectionTo(address, options.connectTimeoutMs ?? 2000);
  options.signal?.throwIfAborted();
  try {
    const call = () => connection.workflowService.getSystemInfo({});
    await (options.signal ? connection.withAbortSignal(options.signal, call) : call());
  } catch (error) {
    // Out of time: the connection may be fine and the server slow, so the next check asks on it again.
    if (options.signal?.aborted) throw error;
    connections.delete(address);
    // The connection is replaced by the next check; closing it can only fail if it is already closed.
    await connection.close().catch(() => {});
    throw error;
  }
}
